package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.config.Limits;
import io.elara.node.event.RejectReason;
import io.elara.node.wire.EventFrameCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Events too long for a datagram, end to end between protected cores: fragmented, reassembled, memory bounded. */
class NodeCoreFragmentTest {
    private static final Duration LIMIT = Duration.ofMinutes(5);
    /** Texts up to the format's limit; events not acknowledged in 2 minutes fail. */
    private static final Limits LONG_TEXTS = new Limits(64, 4096, Limits.TEXT_BYTES_MAX_CAP, 120_000, 16, 4096);

    /** About {@code bytes} bytes of UTF-8 text, numbered lines with some two- and three-byte characters. */
    static String longText(int bytes, int seed) {
        StringBuilder text = new StringBuilder();
        int line = 0;
        while (text.length() < bytes - 40) {
            text.append("line ").append(seed).append('.').append(line++).append(": grüße, 世界\n");
        }
        String result = text.toString();
        while (utf8(result) > bytes) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static int utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static long fragmentRejects(Member member) {
        return member.core.rejects().get(RejectReason.FRAGMENT_MALFORMED)
                + member.core.rejects().get(RejectReason.FRAGMENT_LENGTH)
                + member.core.rejects().get(RejectReason.FRAME_MALFORMED);
    }

    // Goal: a 60 KB message arrives intact and exactly once over a network that loses, duplicates and reorders.
    // Method: two protected cores, 10% loss, 5% duplication, shuffled delivery; three seeds.
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void shouldDeliverA60KilobyteTextIntactWhenTheNetworkLosesAndReorders(long seed) {
        CoreNetwork network = new CoreNetwork(seed);
        Member alice =
                network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002").limits(LONG_TEXTS));
        Member bob =
                network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001").limits(LONG_TEXTS));
        network.loss = 0.1;
        network.duplication = 0.05;
        network.reorder = true;
        String text = longText(60_000, 1);
        assertThat(utf8(text)).isBetween(59_000, 60_000);

        CompletableFuture<SendResult> sent = alice.core.sendText(SendTarget.peer("bob"), text, network.clock.nowNs());
        CompletableFuture<SendResult> after =
                alice.core.sendText(SendTarget.peer("bob"), "short one after", network.clock.nowNs());
        network.runUntil(() -> sent.isDone() && after.isDone(), LIMIT, "the long message");

        assertThat(sent.join().allAcknowledged()).isTrue();
        assertThat(bob.texts()).containsExactly("alice: " + text, "alice: short one after");
        assertThat(fragmentRejects(bob)).isZero();
        assertThat(bob.core.reassemblyBytes())
                .as("nothing left held once delivered")
                .isZero();
        assertThat(network.datagramLengthSeenMax).isLessThanOrEqualTo(1472);
        assertThat(network.datagramsDropped).isPositive();
    }

    // Goal: a message just over one datagram and one of the longest texts both arrive. Method: no loss; 1,024 and
    // 65,535 bytes.
    @Test
    void shouldDeliverTextsAtTheBoundariesOfFragmentation() {
        CoreNetwork network = new CoreNetwork(9);
        Member alice =
                network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002").limits(LONG_TEXTS));
        Member bob =
                network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001").limits(LONG_TEXTS));
        String oneKilobyte = "k".repeat(1024);
        String longest = "z".repeat(Limits.TEXT_BYTES_MAX_CAP);
        List<CompletableFuture<SendResult>> sent = new ArrayList<>();
        for (String text : List.of("short", oneKilobyte, longest)) {
            sent.add(alice.core.sendText(SendTarget.peer("bob"), text, network.clock.nowNs()));
        }
        network.runUntil(() -> sent.stream().allMatch(CompletableFuture::isDone), LIMIT, "three messages");

        assertThat(sent).allMatch(s -> s.join().allAcknowledged());
        assertThat(bob.texts()).containsExactly("alice: short", "alice: " + oneKilobyte, "alice: " + longest);
        assertThat(bob.core.rejects().total()).isZero();
        assertThat(alice.core.status(network.clock.nowNs()).peers().get(0).queued())
                .isZero();
    }

    // Goal: a text longer than the receiver accepts is refused with a counted reason, not delivered, and the lane
    // goes on. Method: the sender allows 65,535 bytes, the receiver 1,024; a 5,000-byte text, then a short one.
    @Test
    void shouldRefuseAFragmentedEventLongerThanTheReceiverAccepts() {
        CoreNetwork network = new CoreNetwork(10);
        Member alice =
                network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002").limits(LONG_TEXTS));
        Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
        CompletableFuture<SendResult> big =
                alice.core.sendText(SendTarget.peer("bob"), "b".repeat(5000), network.clock.nowNs());
        CompletableFuture<SendResult> small =
                alice.core.sendText(SendTarget.peer("bob"), "after", network.clock.nowNs());
        network.runUntil(() -> big.isDone() && small.isDone(), LIMIT, "both messages");

        assertThat(bob.texts()).containsExactly("alice: after");
        assertThat(bob.core.rejects().get(RejectReason.FRAGMENT_LENGTH)).isPositive();
        assertThat(bob.core.reassemblyBytes()).isZero();
    }

    // Goal: while many peers send long messages at once, the receiver's reassembly memory never passes its global
    // limit, and every message still arrives (refused fragments come again). Method: eight senders, three 30 KB texts
    // each, to one hub whose limits hold about two events at a time; the hub's memory checked after every step.
    @Test
    void shouldStayWithinTheMemoryLimitsWhenManyPeersSendLargeEventsAtOnce() {
        CoreNetwork network = new CoreNetwork(11);
        long perPeer = 2L * EventFrameCodec.bodyLengthMax(Limits.TEXT_BYTES_MAX_CAP);
        long global = perPeer + 20_000;
        int senders = 8;
        Member hub = network.add("hub", 7000, b -> {
            for (int i = 0; i < senders; i++) {
                b.peer("s" + i, "127.0.0.1:" + (7001 + i));
            }
            return b.limits(new Limits(64, 4096, Limits.TEXT_BYTES_MAX_CAP, 120_000, 16, 4096, perPeer, global));
        });
        network.reorder = true;
        network.loss = 0.02;
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            members.add(network.add(
                    "s" + i, 7001 + i, b -> b.peer("hub", "127.0.0.1:7000").limits(LONG_TEXTS)));
        }
        List<CompletableFuture<SendResult>> sent = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < senders; i++) {
                String text = longText(30_000, i * 10 + round);
                sent.add(members.get(i).core.sendText(SendTarget.peer("hub"), text, network.clock.nowNs()));
                expected.add("s" + i + ": " + text);
            }
        }
        long[] highest = {0};
        network.runUntil(
                () -> {
                    highest[0] = Math.max(highest[0], hub.core.reassemblyBytes());
                    assertThat(hub.core.reassemblyBytes()).isLessThanOrEqualTo(global);
                    return sent.stream().allMatch(CompletableFuture::isDone);
                },
                LIMIT,
                "every long message");

        assertThat(sent).allMatch(s -> s.join().allAcknowledged());
        assertThat(hub.texts()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(highest[0]).isPositive().isLessThanOrEqualTo(global);
        assertThat(hub.core.rejects().get(RejectReason.REASSEMBLY_LIMIT))
                .as("the limit was reached and pushed back")
                .isPositive();
        assertThat(fragmentRejects(hub)).isZero();
        assertThat(hub.core.reassemblyBytes()).isZero();
    }
}
