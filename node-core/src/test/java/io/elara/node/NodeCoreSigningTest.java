package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.lane.ReliableSender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * When a node signs its events. A receiver verifies one signature per batch, so under load the batch size decides how
 * many events per second a receiver takes; a lone message must still leave at once.
 */
class NodeCoreSigningTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @Test
    void shouldSignAtOnceWhenTheLaneHasRoom() {
        CoreNetwork network = new CoreNetwork(51);
        Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
        network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
        connect(network, alice);
        long before = batchesSigned(network, alice);
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sends.add(alice.core.sendText(SendTarget.peer("bob"), "one at a time " + i, network.clock.nowNs()));
            alice.core.flush(network.clock.nowNs());
        }
        // Three flushes with room in the lane: three batches, no waiting for company.
        assertThat(batchesSigned(network, alice) - before).isEqualTo(3);
        network.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), LIMIT, "three sends");
    }

    @Test
    void shouldGatherEventsIntoOneBatchWhileTheLaneIsFull() {
        CoreNetwork network = new CoreNetwork(52);
        Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
        Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
        connect(network, alice);

        network.loss = 1.0; // nothing is acknowledged: the lane fills
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        for (int i = 0; i < ReliableSender.WINDOW_EVENTS; i++) {
            sends.add(alice.core.sendText(SendTarget.peer("bob"), "window " + i, network.clock.nowNs()));
            alice.core.flush(network.clock.nowNs());
        }
        long full = batchesSigned(network, alice);
        for (int i = 0; i < 63; i++) {
            sends.add(alice.core.sendText(SendTarget.peer("bob"), "behind " + i, network.clock.nowNs()));
            alice.core.flush(network.clock.nowNs());
        }
        assertThat(batchesSigned(network, alice))
                .as("63 events behind a full lane wait for company")
                .isEqualTo(full);
        sends.add(alice.core.sendText(SendTarget.peer("bob"), "behind 63", network.clock.nowNs()));
        assertThat(batchesSigned(network, alice))
                .as("the 64th fills a batch: one signature for all 64")
                .isEqualTo(full + 1);

        network.loss = 0;
        network.runUntil(() -> sends.stream().allMatch(CompletableFuture::isDone), LIMIT, "every send acknowledged");
        assertThat(sends).allMatch(send -> send.join().allAcknowledged());
        assertThat(bob.texts()).hasSize(1 + ReliableSender.WINDOW_EVENTS + 64).doesNotHaveDuplicates();
    }

    @Test
    void shouldSignWaitingEventsWhenTheLaneStaysFullTooLong() {
        CoreNetwork network = new CoreNetwork(53);
        Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
        network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
        connect(network, alice);
        network.loss = 1.0;
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        for (int i = 0; i < ReliableSender.WINDOW_EVENTS; i++) {
            sends.add(alice.core.sendText(SendTarget.peer("bob"), "window " + i, network.clock.nowNs()));
            alice.core.flush(network.clock.nowNs());
        }
        long full = batchesSigned(network, alice);
        sends.add(alice.core.sendText(SendTarget.peer("bob"), "alone behind a full lane", network.clock.nowNs()));
        long deadline = alice.core.nextDeadlineNs(network.clock.nowNs());
        assertThat(deadline - network.clock.nowNs()).isLessThanOrEqualTo(NodeCore.SIGN_DEFER_NS_MAX);
        network.runFor(Duration.ofNanos(NodeCore.SIGN_DEFER_NS_MAX));
        assertThat(batchesSigned(network, alice)).isEqualTo(full + 1);
        assertThat(sends).noneMatch(CompletableFuture::isCompletedExceptionally);
    }

    private static void connect(CoreNetwork network, Member alice) {
        CompletableFuture<SendResult> first =
                alice.core.sendText(SendTarget.peer("bob"), "hello", network.clock.nowNs());
        network.runUntil(first::isDone, LIMIT, "the first message");
        assertThat(first.join().allAcknowledged()).isTrue();
    }

    private static long batchesSigned(CoreNetwork network, Member member) {
        return member.core.status(network.clock.nowNs()).security().batchesSigned();
    }
}
