package io.elara.crdt.set;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.codec.CrdtCodec;
import io.elara.crdt.codec.CrdtDecodeException;
import io.elara.crdt.codec.ElementCodecs;
import io.elara.crdt.sync.DeliverySimulation;
import io.elara.crdt.sync.ReplicatedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class OrSetPropertyTest {
    private static final int ELEMENTS = 6;

    static final ReplicatedType<OrSet<String>> TYPE = new ReplicatedType<>() {
        @Override
        public OrSet<String> empty() {
            return OrSet.empty();
        }

        @Override
        public OrSet<String> randomDelta(OrSet<String> state, long replica, long hlc, Random random) {
            String element = "e" + random.nextInt(ELEMENTS);
            return random.nextInt(5) < 2 ? state.remove(element) : state.add(element, replica);
        }

        @Override
        public OrSet<String> merge(OrSet<String> left, OrSet<String> right) {
            return left.merge(right);
        }

        @Override
        public byte[] encode(OrSet<String> state) {
            return CrdtCodec.encode(state, ElementCodecs.STRING);
        }

        @Override
        public OrSet<String> decode(byte[] bytes) throws CrdtDecodeException {
            return CrdtCodec.decodeOrSet(bytes, ElementCodecs.STRING);
        }

        @Override
        public Object value(OrSet<String> state) {
            return state.elements();
        }
    };

    @Property(tries = 100)
    void shouldConvergeWhenDeltasAreReorderedDuplicatedAndResent(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int replicas) {
        DeliverySimulation.assertConverges(TYPE, seed, replicas, 80);
    }

    @Property(tries = 50)
    void shouldObeyMergeLawsWhenStatesAndDeltasComeFromOneHistory(@ForAll long seed) {
        DeliverySimulation.assertMergeLaws(TYPE, seed, 40);
    }

    @Property(tries = 30)
    void shouldRoundTripWhenEncodedAndDecoded(@ForAll long seed) throws CrdtDecodeException {
        DeliverySimulation.assertRoundTrips(TYPE, seed, 30);
    }

    /**
     * However many adds and removes happened, once every delta is delivered the metadata is the live entries (at most
     * one dot per replica per element) plus one counter per replica: removed elements leave nothing behind.
     */
    @Property(tries = 50)
    void shouldKeepNoRemovedElementMetadataWhenEveryDeltaIsDelivered(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int replicas) {
        List<OrSet<String>> states = new ArrayList<>(
                DeliverySimulation.run(TYPE, seed, replicas, 150).replicas());
        for (OrSet<String> state : states) {
            assertThat(state.store().context().cloudSize()).isZero();
            assertThat(state.store().context().versionVector().size()).isLessThanOrEqualTo(replicas);
            assertThat(state.store().entries().size())
                    .isLessThanOrEqualTo(state.elements().size() * replicas);
        }
    }
}
