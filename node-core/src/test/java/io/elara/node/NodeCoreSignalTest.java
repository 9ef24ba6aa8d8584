package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The signal lane: small control messages, reliable, numbered apart from text and sent ahead of whatever text is
 * queued.
 */
class NodeCoreSignalTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int BURST = 300;

    private final CoreNetwork network = new CoreNetwork(91);
    private final Member alice =
            network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002").session("lobby", "bob"));
    private final Member bob =
            network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001").session("lobby", "alice"));

    private long now(Member member) {
        return member.nowNs(network.clock.nowNs());
    }

    private CompletableFuture<SendResult> text(String text) {
        return alice.core.sendText(SendTarget.peer("bob"), text, now(alice));
    }

    private CompletableFuture<SendResult> signal(String text) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        alice.core.sendSignal(SendTarget.peer("bob"), text, now(alice), result);
        return result;
    }

    /** Bob's received events of {@code kind}, texts only, in the order they arrived. */
    private List<String> received(EventKind kind) {
        return bob.delivered.stream()
                .filter(d -> !d.local() && d.event().kind() == kind)
                .map(d -> d.event().text())
                .toList();
    }

    /** How many of alice's texts bob had when the signal {@code signal} arrived; -1 if it never did. */
    private int textsBefore(String signal) {
        int texts = 0;
        for (DeliveredEvent delivered : bob.delivered) {
            if (delivered.local()) {
                continue;
            }
            if (delivered.event().kind() == EventKind.SIGNAL
                    && delivered.event().text().equals(signal)) {
                return texts;
            }
            if (delivered.event().kind() == EventKind.TEXT) {
                texts++;
            }
        }
        return -1;
    }

    private List<CompletableFuture<SendResult>> queueBurst() {
        // Long texts, so the reliable lane's congestion window (12,000 bytes at first) and its 256-event window both
        // hold most of them back: a queue the signal has to overtake.
        String filler = "t".repeat(900);
        List<CompletableFuture<SendResult>> queued = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            queued.add(text(i + " " + filler));
        }
        return queued;
    }

    @Test
    void shouldOvertakeTextQueuedBeforeIt() {
        // Goal: a signal sent while hundreds of texts wait for the same peer arrives long before them, where a text
        // sent at the same moment arrives after all of them. Method: a session comes up with one message; 300 long
        // texts are queued, then one signal and one text; both futures and the arrival order at bob are read.
        CompletableFuture<SendResult> first = text("hello");
        network.runUntil(first::isDone, LIMIT, "first message");
        List<CompletableFuture<SendResult>> burst = queueBurst();
        CompletableFuture<SendResult> urgent = signal("keyframe please");
        CompletableFuture<SendResult> last = text("last text");
        network.runUntil(() -> urgent.isDone() && last.isDone(), LIMIT, "the signal and the last text");

        assertThat(urgent.join().failures()).isEmpty();
        assertThat(textsBefore("keyframe please"))
                .as("texts that arrived before the signal (of %d queued before it)", BURST)
                .isBetween(0, 30);
        assertThat(burst).allSatisfy(f -> assertThat(f.join().failures()).isEmpty());
        List<String> texts = received(EventKind.TEXT);
        assertThat(texts).hasSize(BURST + 2).endsWith("last text");
        assertThat(received(EventKind.SIGNAL)).containsExactly("keyframe please");
    }

    @Test
    void shouldDeliverEverySignalOnceAndInOrderThroughLoss() {
        // Goal: the signal lane is reliable: through 30% loss, duplication and reordering, every signal arrives exactly
        // once and in the order sent, beside a stream of texts that also all arrive. Method: 40 signals interleaved
        // with 100 texts, then run until every future completes; bob's deliveries are compared with what was sent.
        CompletableFuture<SendResult> first = text("hello");
        network.runUntil(first::isDone, LIMIT, "first message");
        network.loss = 0.3;
        network.duplication = 0.1;
        network.reorder = true;
        List<CompletableFuture<SendResult>> sent = new ArrayList<>();
        List<String> signals = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(text("text " + i));
            if (i % 5 == 0) {
                // Within the signal lane's 64-signal bound, though bob has acknowledged none of them yet.
                signals.add("signal " + i);
                sent.add(signal("signal " + i));
                sent.add(signal("signal " + i + "b"));
                signals.add("signal " + i + "b");
            }
        }
        network.runUntil(() -> sent.stream().allMatch(CompletableFuture::isDone), LIMIT, "everything acknowledged");
        assertThat(sent).allSatisfy(f -> assertThat(f.join().failures()).isEmpty());
        assertThat(received(EventKind.SIGNAL)).containsExactlyElementsOf(signals);
        assertThat(received(EventKind.TEXT)).hasSize(101).doesNotHaveDuplicates();
    }

    @Test
    void shouldSendSignalsAgainToAPeerThatRestarted() {
        // Goal: a peer that restarts (its lane state gone) still gets every signal sent to it, as it gets text. Method:
        // bob is cut off, alice sends signals that cannot arrive, bob restarts as a new process and comes back; the
        // signals then arrive once each.
        CompletableFuture<SendResult> first = text("hello");
        network.runUntil(first::isDone, LIMIT, "first message");
        bob.cutOff = true;
        CompletableFuture<SendResult> one = signal("one");
        CompletableFuture<SendResult> two = signal("two");
        network.runFor(Duration.ofSeconds(2));
        assertThat(one).isNotDone();
        bob.start(7002);
        bob.cutOff = false;
        network.runUntil(() -> one.isDone() && two.isDone(), LIMIT, "the signals after bob's restart");
        assertThat(one.join().failures()).isEmpty();
        assertThat(two.join().failures()).isEmpty();
        assertThat(received(EventKind.SIGNAL)).containsExactly("one", "two");
    }

    @Test
    void shouldRefuseASignalLongerThanTheLaneCarries() {
        // Goal: the signal lane stays small: a 257-byte signal is refused before it is created, in words a user reads.
        CompletableFuture<SendResult> tooLong = signal("x".repeat(Event.SIGNAL_BYTES_MAX + 1));
        assertThat(tooLong).isCompletedExceptionally();
        assertThat(causeOf(tooLong))
                .isEqualTo("the signal is 257 bytes; the signal lane carries at most 256 bytes of UTF-8");
        CompletableFuture<SendResult> fits = signal("x".repeat(Event.SIGNAL_BYTES_MAX));
        network.runUntil(fits::isDone, LIMIT, "a 256-byte signal");
        assertThat(fits.join().failures()).isEmpty();
    }

    @Test
    void shouldRefuseMoreSignalsThanTheLaneHoldsForAPeer() {
        // Goal: a peer that acknowledges nothing cannot make the signal lane grow without bound. Method: bob is cut
        // off; 64 signals are accepted, the 65th is refused as busy; text is still accepted.
        CompletableFuture<SendResult> first = text("hello");
        network.runUntil(first::isDone, LIMIT, "first message");
        bob.cutOff = true;
        for (int i = 0; i < NodeCore.SIGNAL_QUEUE_MAX; i++) {
            assertThat(signal("s" + i)).isNotDone();
        }
        CompletableFuture<SendResult> over = signal("one too many");
        assertThat(causeOf(over)).isEqualTo("busy: 64 signals are waiting for bob to acknowledge them");
        assertThat(text("text still goes")).isNotDone();
    }

    @Test
    void shouldKeepSignalsOutOfTheSessionHistory() {
        // Goal: a signal is a control message, not part of the conversation: subscribers see it (marked as a signal),
        // the session's history does not keep it. Method: one text and one signal to the session; bob's history holds
        // the text only.
        CompletableFuture<SendResult> said = alice.core.sendText(SendTarget.session("lobby"), "said", now(alice));
        CompletableFuture<SendResult> control = new CompletableFuture<>();
        alice.core.sendSignal(SendTarget.session("lobby"), "control", now(alice), control);
        network.runUntil(() -> said.isDone() && control.isDone(), LIMIT, "text and signal");
        assertThat(received(EventKind.SIGNAL)).containsExactly("control");
        assertThat(bob.core.history("lobby")).extracting(Event::text).containsExactly("said");
    }

    private static String causeOf(CompletableFuture<SendResult> future) {
        try {
            future.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
