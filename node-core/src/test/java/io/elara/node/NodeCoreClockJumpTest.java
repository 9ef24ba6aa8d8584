package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.RejectReason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose clock jumped ahead of its peers' by more than the drift bound: its messages are refused (their
 * timestamps are from the future) and, above all, not reported delivered. Before, the receiver refused such a message
 * and acknowledged it all the same, and the sender said "acknowledged by bob" for a message bob never kept.
 */
class NodeCoreClockJumpTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final CoreNetwork network = new CoreNetwork(9);
    private final Member alice =
            network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002").session("lobby", "bob"));
    private final Member bob =
            network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001").session("lobby", "alice"));

    private CompletableFuture<SendResult> say(String text) {
        CompletableFuture<SendResult> sent =
                alice.core.sendText(SendTarget.session("lobby"), text, alice.nowNs(network.clock.nowNs()));
        network.runUntil(sent::isDone, LIMIT, text);
        return sent;
    }

    @Test
    void shouldReportAMessageFromAClockTenMinutesAheadAsNotDeliveredAndDeliverOnceTheClockIsRight() {
        // Alice's machine's clock stepped ten minutes ahead before her node started.
        alice.clockSkewNs = TimeUnit.MINUTES.toNanos(10);
        alice.start(7101); // another seed: another incarnation, as a restart draws
        SendResult ahead = say("from ahead").join();

        assertThat(ahead.allAcknowledged()).as("reported delivered: %s", ahead).isFalse();
        assertThat(ahead.failures()).containsOnlyKeys("bob");
        assertThat(bob.texts()).isEmpty();
        assertThat(bob.core.rejects().get(RejectReason.HLC_FUTURE)).isPositive();

        // The clock is set right and the node starts again: its messages are taken and acknowledged.
        alice.clockSkewNs = 0;
        alice.start(7201);
        assertThat(say("clock fixed").join().allAcknowledged()).isTrue();
        assertThat(bob.texts()).containsExactly("alice: clock fixed");
    }
}
