package io.elara.crdt.register;

import io.elara.crdt.codec.CrdtCodec;
import io.elara.crdt.codec.CrdtDecodeException;
import io.elara.crdt.codec.ElementCodecs;
import io.elara.crdt.sync.DeliverySimulation;
import io.elara.crdt.sync.ReplicatedType;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class LwwRegisterPropertyTest {
    static final ReplicatedType<LwwRegister<String>> TYPE = new ReplicatedType<>() {
        @Override
        public LwwRegister<String> empty() {
            return LwwRegister.empty();
        }

        @Override
        public LwwRegister<String> randomDelta(LwwRegister<String> state, long replica, long hlc, Random random) {
            return random.nextInt(5) == 0
                    ? state.clear(hlc, replica)
                    : state.set("v" + random.nextInt(1000), hlc, replica);
        }

        @Override
        public LwwRegister<String> merge(LwwRegister<String> left, LwwRegister<String> right) {
            return left.merge(right);
        }

        @Override
        public byte[] encode(LwwRegister<String> state) {
            return CrdtCodec.encode(state, ElementCodecs.STRING);
        }

        @Override
        public LwwRegister<String> decode(byte[] bytes) throws CrdtDecodeException {
            return CrdtCodec.decodeLwwRegister(bytes, ElementCodecs.STRING);
        }

        @Override
        public Object value(LwwRegister<String> state) {
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
}
