package io.elara.crdt.register;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
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

class LwwMapPropertyTest {
    static final ReplicatedType<LwwMap<String, Long>> TYPE = new ReplicatedType<>() {
        @Override
        public LwwMap<String, Long> empty() {
            return LwwMap.empty();
        }

        @Override
        public LwwMap<String, Long> randomDelta(LwwMap<String, Long> state, long replica, long hlc, Random random) {
            String key = "k" + random.nextInt(8);
            return random.nextInt(3) == 0
                    ? state.remove(key, hlc, replica)
                    : state.put(key, random.nextLong(), hlc, replica);
        }

        @Override
        public LwwMap<String, Long> merge(LwwMap<String, Long> left, LwwMap<String, Long> right) {
            return left.merge(right);
        }

        @Override
        public byte[] encode(LwwMap<String, Long> state) {
            return CrdtCodec.encode(state, ElementCodecs.STRING, ElementCodecs.LONG);
        }

        @Override
        public LwwMap<String, Long> decode(byte[] bytes) throws CrdtDecodeException {
            return CrdtCodec.decodeLwwMap(bytes, ElementCodecs.STRING, ElementCodecs.LONG);
        }

        @Override
        public Object value(LwwMap<String, Long> state) {
            return state.asMap();
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

    @Test
    void shouldLetALaterDeleteWinAndPruneItOnlyOnceStable() {
        LwwMap<String, Long> map = LwwMap.empty();
        map = map.merge(map.put("topic", 1L, Hlc.pack(10, 0), 1));
        LwwMap<String, Long> delete = map.remove("topic", Hlc.pack(11, 0), 2);
        LwwMap<String, Long> olderPut = map.put("topic", 2L, Hlc.pack(10, 5), 3);
        LwwMap<String, Long> merged = map.merge(delete).merge(olderPut);
        assertThat(merged.get("topic")).isEmpty();
        assertThat(merged.tombstoneCount()).isEqualTo(1);
        assertThat(merged.pruneTombstones(Hlc.pack(11, 0)).tombstoneCount()).isEqualTo(1);
        assertThat(merged.pruneTombstones(Hlc.pack(12, 0)).entries()).isEmpty();
    }
}
