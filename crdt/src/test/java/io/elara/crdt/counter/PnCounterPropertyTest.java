package io.elara.crdt.counter;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.codec.CrdtCodec;
import io.elara.crdt.codec.CrdtDecodeException;
import io.elara.crdt.sync.DeliverySimulation;
import io.elara.crdt.sync.ReplicatedType;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PnCounterPropertyTest {
    static final ReplicatedType<PnCounter> TYPE = new ReplicatedType<>() {
        @Override
        public PnCounter empty() {
            return PnCounter.empty();
        }

        @Override
        public PnCounter randomDelta(PnCounter state, long replica, long hlc, Random random) {
            long amount = random.nextInt(100);
            return random.nextBoolean() ? state.increment(replica, amount) : state.decrement(replica, amount);
        }

        @Override
        public PnCounter merge(PnCounter left, PnCounter right) {
            return left.merge(right);
        }

        @Override
        public byte[] encode(PnCounter state) {
            return CrdtCodec.encode(state);
        }

        @Override
        public PnCounter decode(byte[] bytes) throws CrdtDecodeException {
            return CrdtCodec.decodePnCounter(bytes);
        }

        @Override
        public Object value(PnCounter state) {
            return state.value();
        }
    };

    @Property(tries = 100)
    void shouldConvergeWhenDeltasAreReorderedDuplicatedAndResent(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int replicas) {
        DeliverySimulation.assertConverges(TYPE, seed, replicas, 60);
    }

    @Property(tries = 50)
    void shouldObeyMergeLawsWhenStatesAndDeltasComeFromOneHistory(@ForAll long seed) {
        DeliverySimulation.assertMergeLaws(TYPE, seed, 40);
    }

    @Property(tries = 30)
    void shouldRoundTripWhenEncodedAndDecoded(@ForAll long seed) throws CrdtDecodeException {
        DeliverySimulation.assertRoundTrips(TYPE, seed, 30);
    }

    @Property(tries = 50)
    void shouldCatchUpFromDeltaSinceWhenGivenTheOtherDigest(@ForAll long seed) {
        List<PnCounter> seen = DeliverySimulation.run(TYPE, seed, 3, 30).seen();
        Random random = new Random(seed);
        PnCounter mine = seen.get(random.nextInt(seen.size()));
        PnCounter theirs = seen.get(random.nextInt(seen.size()));
        PnCounter delta = mine.deltaSince(theirs.digest());
        assertThat(theirs.merge(delta)).isEqualTo(theirs.merge(mine));
        assertThat(delta.totals().size()).isLessThanOrEqualTo(mine.totals().size());
    }
}
