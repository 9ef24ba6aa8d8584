package io.elara.crdt.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.codec.CrdtCodec;
import io.elara.crdt.codec.CrdtDecodeException;
import io.elara.crdt.sync.AntiEntropy;
import io.elara.crdt.sync.DeliverySimulation;
import io.elara.crdt.sync.Digest;
import io.elara.crdt.sync.ReplicatedType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ChatLogPropertyTest {
    static final ReplicatedType<ChatLog> TYPE = new ReplicatedType<>() {
        @Override
        public ChatLog empty() {
            return new ChatLog();
        }

        @Override
        public ChatLog randomDelta(ChatLog state, long replica, long hlc, Random random) {
            byte[] payload = ("m" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8);
            return state.copy().append(replica, hlc, payload);
        }

        @Override
        public ChatLog merge(ChatLog left, ChatLog right) {
            ChatLog merged = left.copy();
            merged.merge(right);
            return merged;
        }

        @Override
        public byte[] encode(ChatLog state) {
            return CrdtCodec.encode(state);
        }

        @Override
        public ChatLog decode(byte[] bytes) throws CrdtDecodeException {
            return CrdtCodec.decodeChatLog(bytes);
        }

        @Override
        public Object value(ChatLog state) {
            return new ArrayList<>(state.entries());
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

    @Property(tries = 50)
    void shouldCatchUpExactlyWhenSentTheDeltaForTheOtherDigest(@ForAll long seed) {
        List<ChatLog> seen = DeliverySimulation.run(TYPE, seed, 3, 40).seen();
        Random random = new Random(seed);
        ChatLog mine = seen.get(random.nextInt(seen.size()));
        ChatLog theirs = seen.get(random.nextInt(seen.size())).copy();
        ChatLog delta = AntiEntropy.deltaFor(mine, Digest.of(theirs));
        long missing = Digest.of(mine).missingFrom(Digest.of(theirs)).stream()
                .mapToLong(range -> range.length())
                .sum();
        assertThat(delta.size()).isEqualTo(missing);
        ChatLog expected = TYPE.merge(theirs, mine);
        assertThat(theirs.merge(delta)).isEqualTo(delta.size());
        assertThat(CrdtCodec.encode(theirs)).isEqualTo(CrdtCodec.encode(expected));
    }
}
