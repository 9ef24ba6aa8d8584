package io.elara.node.store;

import static io.elara.node.store.StoreTestData.ADA;
import static io.elara.node.store.StoreTestData.SESSION;
import static io.elara.node.store.StoreTestData.signedBurst;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.EventJournal.Undelivered;
import io.elara.node.event.Event;
import io.elara.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's journal on a real SQLite file: a commit point is reached only once what was appended before it is on
 * disk; a full disk makes it refuse appends with the reason, and it takes them again once a write succeeds.
 */
class StoreJournalTest {
    @TempDir
    Path directory;

    /** Stands in for the node's loop thread: the journal is used on it, and completions run on it. */
    private final ExecutorService loop = Executors.newSingleThreadExecutor();

    private final AtomicLong clockNs = new AtomicLong(1_700_000_000_000_000_000L);
    private NodeStore store;
    private StoreWriter writer;
    private StoreJournal journal;

    @BeforeEach
    void open() throws Exception {
        store = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.FULL);
        writer = StoreWriter.start(store, 1024, loop);
        // Mailbox entries written with their events, as before the deferral; the deferral's own tests make their own.
        journal = new StoreJournal(writer, clockNs::get, 0);
    }

    @AfterEach
    void close() throws Exception {
        writer.close();
        loop.shutdownNow();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        Future<T> result = loop.submit(task);
        return result.get(10, TimeUnit.SECONDS);
    }

    /** Appends {@code events} and takes a commit point; returns what the point reported (null while not reached). */
    private List<Boolean> appendAndMark(List<Event> events) throws Exception {
        List<Boolean> reported = new ArrayList<>();
        onLoop(() -> {
            for (Event event : events) {
                assertThat(journal.append(event, true, null)).isTrue();
            }
            journal.whenCommitted((ok, nowNs) -> reported.add(ok));
            return null;
        });
        return reported;
    }

    /** Queues {@code events} for {@code destinations}, takes a commit point and waits until it is reached. */
    private void appendOutgoingAndAwait(List<Event> events, List<String> destinations) throws Exception {
        List<Boolean> reported = new ArrayList<>();
        onLoop(() -> {
            for (Event event : events) {
                journal.appendOutgoing(event, destinations);
            }
            journal.whenCommitted((ok, nowNs) -> reported.add(ok));
            return null;
        });
        awaitReported(reported);
    }

    private void awaitReported(List<?> reported) {
        Await.until(() -> !onLoopUnchecked(reported::isEmpty), Duration.ofSeconds(10), "the commit point reached");
    }

    private static long mailboxSize(NodeStore reader) {
        try {
            return reader.mailboxSize();
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T onLoopUnchecked(java.util.concurrent.Callable<T> task) {
        try {
            return onLoop(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldReachACommitPointOnlyWithEverythingBeforeItOnDisk() throws Exception {
        List<Event> burst = signedBurst(ADA, SESSION, 0, 300);
        List<Boolean> reported = appendAndMark(burst);
        awaitReported(reported);
        assertThat(onLoop(() -> reported)).containsExactly(true);
        // Read back through a second connection, as another process (elara history) would.
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            assertThat(reader.history(SESSION, 0, 1000)).hasSize(300);
        }
        assertThat(journal.writes()).isPositive();
        assertThat(writer.transactions()).as("batched").isLessThan(10);
    }

    @Test
    void shouldRefuseAppendsWhileTheDiskIsFullAndTakeThemAgainOnceAWriteSucceeds() throws Exception {
        awaitReported(appendAndMark(signedBurst(ADA, SESSION, 0, 10)));
        writer.submit(s -> s.limitPages(s.pageCount()), (r, f) -> {});
        List<Boolean> full = appendAndMark(signedBurst(ADA, SESSION, 10, 500));
        awaitReported(full);
        assertThat(onLoop(() -> full)).containsExactly(false);
        String failure = onLoop(journal::failure);
        assertThat(failure).contains("elara.db");
        assertThat(onLoop(() -> journal.append(signedBurst(ADA, SESSION, 600, 1).get(0), true, null)))
                .as("refused while failing")
                .isFalse();

        writer.submit(s -> s.limitPages(Integer.MAX_VALUE), (r, f) -> {});
        clockNs.addAndGet(StoreJournal.RETRY_NS);
        assertThat(onLoop(journal::failure)).as("time to try again").isNull();
        List<Boolean> again = appendAndMark(signedBurst(ADA, SESSION, 700, 5));
        awaitReported(again);
        assertThat(onLoop(() -> again)).containsExactly(true);
        assertThat(onLoop(journal::failure)).isNull();
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            assertThat(reader.eventCount())
                    .as("the first ten and the last five; nothing of the failed batch")
                    .isEqualTo(15);
        }
    }

    @Test
    void shouldRemoveDeliveredEntriesFromTheMailboxWithoutWaitingForANewEvent() throws Exception {
        // A peer that comes back drains the mailbox with acknowledgements only; no new event carries the removals, and
        // yet the mailbox on disk empties (a restart then sends nothing again).
        List<Event> sent = signedBurst(ADA, SESSION, 0, 300);
        appendOutgoingAndAwait(sent, List.of("bob"));
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            assertThat(reader.mailboxSize()).isEqualTo(300);
            onLoop(() -> {
                for (Event event : sent) {
                    journal.delivered(event.id(), "bob");
                }
                return null;
            });
            Await.until(() -> mailboxSize(reader) == 0, Duration.ofSeconds(10), "the mailbox emptied");
        }
        assertThat(onLoop(journal::writes))
                .as("the removals went in few writes, not one each")
                .isLessThan(100);
    }

    @Test
    void shouldGroupCommitPointsThatComeWhileAWriteIsUnderWay() throws Exception {
        // Goal: a receiver asks for a commit point after every packet; those that come while a write runs share the
        // next one. Method: 100 points, an event before each, in one go on the loop: the first is written at once,
        // the other 99 wait for it and go as one more write. Every point is reached, in order, with its event on disk.
        List<Event> events = signedBurst(ADA, SESSION, 0, 100);
        List<Integer> reached = new ArrayList<>();
        onLoop(() -> {
            for (int i = 0; i < events.size(); i++) {
                int point = i;
                journal.append(events.get(i), false, "bob");
                journal.whenCommitted((ok, nowNs) -> {
                    if (ok) {
                        reached.add(point);
                    }
                });
            }
            return null;
        });
        Await.until(() -> onLoopUnchecked(reached::size) == 100, Duration.ofSeconds(10), "every point reached");
        assertThat(onLoop(() -> List.copyOf(reached))).isSorted();
        assertThat(onLoop(journal::writes)).as("writes for 100 commit points").isLessThanOrEqualTo(2);
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            assertThat(reader.eventCount()).isEqualTo(100);
        }
    }

    @Test
    void shouldWriteMailboxEntriesOnlyForMessagesStillUnreportedWhenTheDeferralEnds() throws Exception {
        // Goal: on a working link recipients report a message stored within round trips; its mailbox entry is then
        // never needed, and is neither written nor removed. Method: 200 messages for bob and carol with the node's
        // deferral; bob reports all of them at once, carol none; the deferral passes; only carol's 200 entries are
        // written, and removed when she reports.
        journal = new StoreJournal(writer, clockNs::get);
        List<Event> sent = signedBurst(ADA, SESSION, 0, 200);
        appendOutgoingAndAwait(sent, List.of("bob", "carol"));
        onLoop(() -> {
            for (Event event : sent) {
                journal.delivered(event.id(), "bob");
            }
            return null;
        });
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            assertThat(reader.eventCount()).isEqualTo(200);
            assertThat(reader.mailboxSize())
                    .as("nothing written within the deferral")
                    .isZero();
            clockNs.addAndGet(StoreJournal.MAILBOX_DEFER_NS);
            onLoop(() -> {
                journal.tick(clockNs.get());
                return null;
            });
            Await.until(() -> mailboxSize(reader) == 200, Duration.ofSeconds(10), "carol's entries written");
            assertThat(reader.mailboxPending("bob")).isEmpty();
            assertThat(reader.mailboxPending("carol")).hasSize(200);
            onLoop(() -> {
                for (Event event : sent) {
                    journal.delivered(event.id(), "carol");
                }
                return null;
            });
            Await.until(() -> mailboxSize(reader) == 0, Duration.ofSeconds(10), "carol's entries removed");
        }
        assertThat(store.mailboxWrites())
                .as("carol's 200 inserts and 200 removals; nothing for bob")
                .isEqualTo(400);
    }

    @Test
    void shouldQueueAgainAfterACrashEveryMessageWhoseEntriesWereStillDeferred() throws Exception {
        // Goal: the deferral loses nothing when the node dies within it. Method: 30 messages for bob and carol; bob
        // reports 10 of them; the deferral ends and their entries are written (20 for bob, 30 for carol); 10 more
        // messages are stored, still deferred, when the node stops dead. A start then queues those 10 for both
        // (neither had reported them on disk), leaves the 50 written entries as they were, and clears its mark.
        journal = new StoreJournal(writer, clockNs::get);
        List<Event> burst = signedBurst(ADA, SESSION, 0, 40);
        List<Event> first = burst.subList(0, 30);
        List<Event> late = burst.subList(30, 40);
        appendOutgoingAndAwait(first, List.of("bob", "carol"));
        onLoop(() -> {
            for (Event event : first.subList(0, 10)) {
                journal.delivered(event.id(), "bob");
            }
            return null;
        });
        clockNs.addAndGet(StoreJournal.MAILBOX_DEFER_NS);
        appendOutgoingAndAwait(late, List.of("bob", "carol"));
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            Await.until(() -> mailboxSize(reader) == 50, Duration.ofSeconds(10), "the first 30 messages' entries");
        }
        writer.close(); // the node dies: nothing more reaches the disk
        try (NodeStore restarted = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.FULL)) {
            assertThat(restarted.recoverDeferredMailbox(1_000L, StoreJournal.MAILBOX_KEEP_MS))
                    .isEqualTo(20);
            assertThat(restarted.mailboxPending("bob")).hasSize(30);
            assertThat(restarted.mailboxPending("carol")).hasSize(40);
            assertThat(restarted.undelivered(100))
                    .filteredOn(entry -> late.contains(entry.event()))
                    .extracting(Undelivered::destination)
                    .containsOnly("bob", "carol")
                    .hasSize(20);
            assertThat(restarted.recoverDeferredMailbox(2_000L, StoreJournal.MAILBOX_KEEP_MS))
                    .as("the mark is cleared: a second start queues nothing")
                    .isZero();
        }
    }

    @Test
    void shouldWriteNoMailboxEntryForAMessageEveryRecipientReportedAndQueueNothingAfterACleanRun() throws Exception {
        // A message all its recipients reported before the deferral ended never reaches the mailbox, and once a later
        // write moved the mark past it, a start does not queue it again either.
        journal = new StoreJournal(writer, clockNs::get);
        List<Event> burst = signedBurst(ADA, SESSION, 0, 20);
        appendOutgoingAndAwait(burst.subList(0, 10), List.of("bob"));
        onLoop(() -> {
            for (Event event : burst.subList(0, 10)) {
                journal.delivered(event.id(), "bob");
            }
            return null;
        });
        List<Boolean> reported = appendAndMark(burst.subList(10, 20)); // events of others: no mailbox
        awaitReported(reported);
        writer.close();
        try (NodeStore restarted = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.FULL)) {
            assertThat(restarted.recoverDeferredMailbox(1_000L, StoreJournal.MAILBOX_KEEP_MS))
                    .isZero();
            assertThat(restarted.mailboxSize()).isZero();
            assertThat(store.mailboxWrites())
                    .as("no entry written or removed while running")
                    .isZero();
        }
    }

    @Test
    void shouldNotListInTheMailboxWhatWasDeliveredBeforeTheRead() throws Exception {
        // A delivery is known on the loop before any write carries its removal: a mailbox read must not list it again
        // (that would send a copy the recipient already stored).
        Event sent = signedBurst(ADA, SESSION, 0, 2).get(0);
        Event waiting = signedBurst(ADA, SESSION, 0, 2).get(1);
        List<Boolean> reported = new ArrayList<>();
        onLoop(() -> {
            journal.appendOutgoing(sent, List.of("bob", "cai"));
            journal.appendOutgoing(waiting, List.of("bob"));
            journal.whenCommitted((ok, nowNs) -> reported.add(ok));
            return null;
        });
        awaitReported(reported);
        List<List<io.elara.node.EventJournal.Undelivered>> read = new ArrayList<>();
        onLoop(() -> {
            journal.delivered(sent.id(), "bob");
            journal.undelivered(100, read::add);
            journal.delivered(waiting.id(), "bob"); // while the read is under way
            return null;
        });
        awaitReported(read);
        assertThat(onLoop(() -> read.get(0)))
                .extracting(u -> u.event().text() + " for " + u.destination())
                .containsExactly(sent.text() + " for cai");
    }

    @Test
    void shouldTurnMailboxEntriesPastTheirExpiryIntoDeadLettersWhenTheMailboxIsRead() throws Exception {
        // Store-and-forward is bounded in time: an entry nobody took within the keep time is not sent again, and the
        // dead letters say so. Method: two entries for an absent peer; eight days pass; a mailbox read returns none
        // and both are dead letters, reason "expired".
        List<Event> sent = signedBurst(ADA, SESSION, 0, 2);
        appendOutgoingAndAwait(sent, List.of("bob"));
        List<List<Undelivered>> reads = new ArrayList<>();
        onLoop(() -> {
            journal.undelivered(10, reads::add);
            return null;
        });
        awaitReported(reads);
        assertThat(onLoop(() -> reads.get(0))).hasSize(2);

        clockNs.addAndGet(TimeUnit.MILLISECONDS.toNanos(StoreJournal.MAILBOX_KEEP_MS) + TimeUnit.DAYS.toNanos(1));
        List<List<Undelivered>> later = new ArrayList<>();
        onLoop(() -> {
            journal.undelivered(10, later::add);
            return null;
        });
        awaitReported(later);
        assertThat(onLoop(() -> later.get(0))).isEmpty();
        assertThat(onLoop(journal::expired)).isEqualTo(2);
        try (NodeStore reader = NodeStore.open(directory.resolve("elara.db"), NodeStore.Synchronous.NORMAL)) {
            assertThat(reader.mailboxSize()).isZero();
            assertThat(reader.deadLetters(10))
                    .hasSize(2)
                    .allSatisfy(letter -> assertThat(letter.reason()).contains("expired"));
        }
    }
}
