package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.RejectReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The durability rule on the wire: an event is acknowledged to its sender as stored only once the receiver's journal
 * has committed it, and a node reports its own event as sent only once its own journal has.
 */
class NodeCoreJournalTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final CoreNetwork network = new CoreNetwork(97);
    private final Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
    private final Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
    private final ManualJournal bobJournal = new ManualJournal();

    NodeCoreJournalTest() {
        bob.core.journal(bobJournal);
    }

    private long now() {
        return network.clock.nowNs();
    }

    private CompletableFuture<SendResult> send(Member from, String to, String text) {
        return from.core.sendText(SendTarget.peer(to), text, now());
    }

    @Test
    void shouldAcknowledgeOnlyOnceTheReceiverHasCommitted() {
        // Goal: "acknowledged by bob" means bob can no longer lose it. Method: bob receives and shows alice's message
        // but his journal has not committed; alice's send stays open, and her lane does not resend it (it arrived)
        // beyond one store probe.
        // Bob commits: the next ACK tells alice, and her send completes.
        CompletableFuture<SendResult> sent = send(alice, "bob", "hello");
        network.runUntil(() -> !bobJournal.pending.isEmpty(), LIMIT, "bob to receive");
        assertThat(bob.texts()).containsExactly("alice: hello");
        network.runFor(Duration.ofSeconds(2));
        assertThat(sent).as("not stored at bob yet").isNotDone();
        NodeStatus.PeerStatus bobAtAlice = alice.core.status(now()).peers().get(0);
        assertThat(bobAtAlice.retransmissions())
                .as("received, so sent again only as one store probe (after 1 s) asking how far bob has stored")
                .isEqualTo(1);
        assertThat(bobAtAlice.queued()).as("still waiting for bob's commit").isEqualTo(1);

        bobJournal.commit(now());
        network.runUntil(sent::isDone, LIMIT, "the acknowledgement after bob's commit");
        assertThat(sent.join().acknowledgedBy()).containsExactly("bob");
        assertThat(bobJournal.committedTexts()).containsExactly("hello");
    }

    @Test
    void shouldSendAgainWhatTheReceiverLostInACrashBeforeCommitting() {
        // Goal: nothing acknowledged is lost, and nothing unacknowledged either. Method: bob receives two messages
        // and crashes before committing them (a new core, a new empty journal); alice's lane sees his restart, sends
        // both again, and completes once the new journal has committed them. Bob ends with each once.
        CompletableFuture<SendResult> one = send(alice, "bob", "one");
        CompletableFuture<SendResult> two = send(alice, "bob", "two");
        network.runUntil(() -> bobJournal.pending.size() == 2, LIMIT, "bob to receive both");
        bob.start(7003); // a new process (a new incarnation), same identity and address
        bob.delivered.clear();
        ManualJournal afterCrash = new ManualJournal();
        bob.core.journal(afterCrash);
        network.runUntil(() -> afterCrash.pending.size() == 2, LIMIT, "both again after bob's restart");
        assertThat(one).isNotDone();
        afterCrash.commit(now());
        network.runUntil(() -> one.isDone() && two.isDone(), LIMIT, "both acknowledged");
        assertThat(one.join().acknowledgedBy()).containsExactly("bob");
        assertThat(afterCrash.committedTexts()).containsExactly("one", "two");
        assertThat(bob.texts()).containsExactly("alice: one", "alice: two");
    }

    @Test
    void shouldReportItsOwnSendOnlyOnceItsOwnJournalHasCommitted() {
        // Goal: an event is durable at its author before it is shown as sent. Method: alice has a journal too; bob's
        // commits at once; alice's send waits for her own commit.
        ManualJournal aliceJournal = new ManualJournal();
        alice.core.journal(aliceJournal);
        CompletableFuture<SendResult> sent = send(alice, "bob", "mine");
        network.runUntil(() -> !bobJournal.pending.isEmpty(), LIMIT, "bob to receive");
        bobJournal.commit(now());
        network.runFor(Duration.ofSeconds(1));
        assertThat(sent).as("bob stored it; alice has not").isNotDone();
        assertThat(aliceJournal.pending).extracting(e -> e.text()).containsExactly("mine");
        aliceJournal.commit(now());
        assertThat(sent).isCompleted();
        assertThat(sent.join().acknowledgedBy()).containsExactly("bob");
    }

    @Test
    void shouldNeitherShowNorAcknowledgeWhatItCannotStore() {
        // Goal: a full disk loses nothing silently. Method: bob's journal refuses writes; alice's message arrives, is
        // counted as store_failed, is not shown, and alice's send stays unacknowledged. Alice's own journal refusing
        // makes her next send fail at once with the journal's reason.
        bobJournal.fail("the disk is full: /data/elara.db");
        CompletableFuture<SendResult> sent = send(alice, "bob", "lost?");
        network.runFor(Duration.ofSeconds(2));
        assertThat(bob.core.status(now()).rejected(RejectReason.STORE_FAILED)).isPositive();
        assertThat(bob.texts()).isEmpty();
        assertThat(sent).isNotDone();

        ManualJournal aliceJournal = new ManualJournal();
        alice.core.journal(aliceJournal);
        aliceJournal.fail("the disk is full: /data/elara.db");
        CompletableFuture<SendResult> refused = send(alice, "bob", "no room");
        assertThat(refused).isCompletedExceptionally();
        try {
            refused.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause().getMessage()).isEqualTo("the disk is full: /data/elara.db");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldTakeAMessageItCouldNotStoreWhenItArrivesAgainFromTheMailbox() {
        // Goal: an event whose write failed is not held after all. Method: bob's journal refuses alice's message (not
        // shown, not acknowledged); bob's disk has room again; alice's mailbox sends the message again, and bob now
        // keeps and shows it, once. Before, bob's log still held it, so the copy was taken for a duplicate.
        ManualJournal aliceJournal = new ManualJournal();
        alice.core.journal(aliceJournal);
        aliceJournal.autoCommit(this::now);
        bobJournal.fail("the disk is full: /data/elara.db");
        CompletableFuture<SendResult> sent = send(alice, "bob", "lost?");
        network.runFor(Duration.ofSeconds(2));
        assertThat(bob.texts()).isEmpty();
        assertThat(sent).isNotDone();
        bobJournal.fail(null);
        bobJournal.autoCommit(this::now);
        network.runUntil(
                () -> bob.texts().contains("alice: lost?"), Duration.ofMinutes(3), "the message from alice's mailbox");
        network.runFor(Duration.ofSeconds(5));
        assertThat(bob.texts()).containsExactly("alice: lost?");
        assertThat(bobJournal.committedTexts()).containsExactly("lost?");
    }

    /** Gives alice a journal too, both committing at once, and has alice's "hello" reach bob; returns hers. */
    private ManualJournal journalsCommittingAfterAFirstMessage() {
        ManualJournal aliceJournal = new ManualJournal();
        alice.core.journal(aliceJournal);
        aliceJournal.autoCommit(this::now);
        bobJournal.autoCommit(this::now);
        CompletableFuture<SendResult> hello = send(alice, "bob", "hello");
        network.runUntil(hello::isDone, LIMIT, "a first message");
        return aliceJournal;
    }

    @Test
    void shouldForwardFromTheMailboxToAPeerThatReturnsAfterTheDeliveryTimeout() {
        // Goal: store-and-forward. A peer away for longer than the lane waits still gets what was sent meanwhile.
        // Method: bob is cut off; alice's message fails at the 30 s delivery timeout (her send says so) but stays in
        // her mailbox; bob returns at 40 s; within one mailbox check (30 s) it arrives, once, and leaves the mailbox.
        ManualJournal aliceJournal = journalsCommittingAfterAFirstMessage();
        assertThat(aliceJournal.waitingFor("bob")).isZero();

        bob.cutOff = true;
        CompletableFuture<SendResult> away = send(alice, "bob", "while you were away");
        network.runFor(Duration.ofSeconds(40));
        assertThat(away).isCompleted();
        assertThat(away.join().failures()).containsKey("bob");
        assertThat(aliceJournal.waitingFor("bob")).as("kept for later").isEqualTo(1);

        bob.cutOff = false;
        network.runUntil(() -> aliceJournal.waitingFor("bob") == 0, Duration.ofSeconds(90), "the mailbox emptied");
        assertThat(bob.texts()).containsExactly("alice: hello", "alice: while you were away");
        assertThat(bob.core.rejects().get(RejectReason.DUPLICATE)).isZero();
    }

    @Test
    void shouldDrainAMailboxLargerThanOnePageWithoutWaitingACheckPerPage() {
        // Goal: a peer back from a long absence gets everything that waited for it at the speed of the lane. Method:
        // alice sends more messages than one mailbox read returns (a page) while bob is away past the delivery
        // timeout; after bob returns, the whole mailbox empties well within one 30 s check after the first page.
        ManualJournal aliceJournal = journalsCommittingAfterAFirstMessage();
        bob.cutOff = true;
        int count = NodeCore.MAILBOX_RESENT_MAX + 200;
        List<CompletableFuture<SendResult>> sends = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(send(alice, "bob", "while you were away " + i));
            if (i % 200 == 199) {
                network.runFor(Duration.ofMillis(50));
            }
        }
        network.runFor(Duration.ofSeconds(40));
        assertThat(aliceJournal.waitingFor("bob")).isEqualTo(count);
        assertThat(sends).allMatch(CompletableFuture::isDone);

        bob.cutOff = false;
        network.runUntil(
                () -> bob.texts().size() > NodeCore.MAILBOX_RESENT_MAX / 2, Duration.ofSeconds(90), "the first page");
        long firstPageNs = now();
        network.runUntil(() -> aliceJournal.waitingFor("bob") == 0, Duration.ofSeconds(90), "the mailbox emptied");
        assertThat(Duration.ofNanos(now() - firstPageNs))
                .as("the pages after the first follow within seconds, not one per 30 s check")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(bob.texts()).hasSize(count + 1).doesNotHaveDuplicates();
    }
}
