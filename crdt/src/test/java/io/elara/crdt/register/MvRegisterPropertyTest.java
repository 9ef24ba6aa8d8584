package io.elara.crdt.register;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.codec.CrdtCodec;
import io.elara.crdt.codec.CrdtDecodeException;
import io.elara.crdt.codec.ElementCodecs;
import io.elara.crdt.sync.DeliverySimulation;
import io.elara.crdt.sync.ReplicatedType;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MvRegisterPropertyTest {
    static final ReplicatedType<MvRegister<String>> TYPE = new ReplicatedType<>() {
        @Override
        public MvRegister<String> empty() {
            return MvRegister.empty();
        }

        @Override
        public MvRegister<String> randomDelta(MvRegister<String> state, long replica, long hlc, Random random) {
            return random.nextInt(6) == 0 ? state.clear() : state.write("v" + random.nextInt(100), replica);
        }

        @Override
        public MvRegister<String> merge(MvRegister<String> left, MvRegister<String> right) {
            return left.merge(right);
        }

        @Override
        public byte[] encode(MvRegister<String> state) {
            return CrdtCodec.encode(state, ElementCodecs.STRING);
        }

        @Override
        public MvRegister<String> decode(byte[] bytes) throws CrdtDecodeException {
            return CrdtCodec.decodeMvRegister(bytes, ElementCodecs.STRING);
        }

        @Override
        public Object value(MvRegister<String> state) {
            return state.values();
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

    @Test
    void shouldKeepBothValuesWhenWritesAreConcurrentAndOneAfterASeeingWrite() {
        MvRegister<String> left = MvRegister.<String>empty();
        left = left.merge(left.write("a", 1));
        MvRegister<String> right = MvRegister.<String>empty();
        right = right.merge(right.write("b", 2));
        MvRegister<String> both = left.merge(right);
        assertThat(both.values()).containsExactlyInAnyOrder("a", "b");
        MvRegister<String> resolved = both.merge(both.write("c", 1));
        assertThat(resolved.values()).containsExactly("c");
        assertThat(resolved.store().context().cloudSize()).isZero();
    }
}
