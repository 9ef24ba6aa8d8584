package io.elara.node.store;

import static io.elara.node.store.StoreTestData.ADA;
import static io.elara.node.store.StoreTestData.SESSION;
import static io.elara.node.store.StoreTestData.local;
import static io.elara.node.store.StoreTestData.signedBurst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.channel.OfferResult;
import io.elara.node.event.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StoreWriterTest {
    private static final long NOW_MS = 1_790_000_000_000L;
    private static final String LOOP_THREAD = "test-loop";

    @TempDir
    Path directory;

    private ExecutorService loop;
    private StoreWriter writer;
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());

    /** What a completion saw, and on which thread. */
    private record Outcome(int index, Object result, Exception failure, String thread) {}

    @BeforeEach
    void start() throws StoreException {
        loop = Executors.newSingleThreadExecutor(task -> new Thread(task, LOOP_THREAD));
        writer = StoreWriter.start(open(), 1 << 14, loop);
    }

    @AfterEach
    void stop() throws Exception {
        writer.close();
        loop.shutdown();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private NodeStore open() throws StoreException {
        return NodeStore.open(new DataDirectory(directory), NodeStore.Synchronous.FULL);
    }

    private <T> StoreWriter.Completion<T> record(int index) {
        return (result, failure) -> outcomes.add(
                new Outcome(index, result, failure, Thread.currentThread().getName()));
    }

    /** Submits an operation that holds the writer until the returned latch is opened, so what follows queues up. */
    private CountDownLatch holdTheWriter() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        assertThat(writer.submit(
                        store -> {
                            running.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return null;
                        },
                        (result, failure) -> {}))
                .isEqualTo(OfferResult.ACCEPTED);
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private void awaitOutcomes(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (outcomes.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(outcomes).hasSize(count);
    }

    @Test
    void shouldCommitManyWritesInFewTransactionsWhenTheyQueueUp() throws Exception {
        List<Event> events = signedBurst(ADA, SESSION, 0, 10_000);
        CountDownLatch release = holdTheWriter();
        long before = writer.transactions();
        for (int i = 0; i < events.size(); i++) {
            List<StoredEvent> one = List.of(StoredEvent.local(events.get(i)));
            assertThat(writer.submit(store -> store.writeEvents(one, NOW_MS), record(i)))
                    .isEqualTo(OfferResult.ACCEPTED);
        }
        release.countDown();
        awaitOutcomes(events.size());

        // The held operation's batch, then 10,000 writes in batches of at most 1,024: 10 of them, one more if the
        // writer took some while the holding operation was being queued.
        assertThat(writer.transactions() - before).isBetween(11L, 12L);
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.failure()).isNull();
            assertThat((boolean[]) outcome.result()).containsExactly(true);
        });
        writer.close();
        try (NodeStore store = open()) {
            assertThat(store.eventCount()).isEqualTo(10_000);
        }
    }

    @Test
    void shouldHandOutcomesToTheGivenExecutorInSubmissionOrder() throws Exception {
        List<Event> events = signedBurst(ADA, SESSION, 0, 3_000);
        for (int i = 0; i < events.size(); i++) {
            List<StoredEvent> one = List.of(StoredEvent.local(events.get(i)));
            writer.submit(store -> store.writeEvents(one, NOW_MS), record(i));
        }
        awaitOutcomes(events.size());

        assertThat(outcomes).extracting(Outcome::index).isSorted().doesNotHaveDuplicates();
        assertThat(outcomes).extracting(Outcome::thread).containsOnly(LOOP_THREAD);
    }

    @Test
    void shouldFinishEverythingSubmittedWhenClosed() throws Exception {
        List<Event> events = signedBurst(ADA, SESSION, 0, 2_000);
        for (int i = 0; i < events.size(); i++) {
            List<StoredEvent> one = List.of(StoredEvent.local(events.get(i)));
            writer.submit(store -> store.writeEvents(one, NOW_MS), record(i));
        }

        writer.close();
        loop.shutdown();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(outcomes)
                .hasSize(2_000)
                .allSatisfy(outcome -> assertThat(outcome.failure()).isNull());
        assertThatThrownBy(() -> writer.submit(store -> null, (result, failure) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the store writer is closed");
        try (NodeStore store = open()) {
            assertThat(store.history(SESSION, Long.MIN_VALUE, 5_000)).containsExactlyElementsOf(events);
        }
    }

    @Test
    void shouldRefuseWithoutBlockingWhenTheQueueIsFull() throws Exception {
        writer.close();
        writer = StoreWriter.start(open(), 4, loop);
        CountDownLatch release = holdTheWriter();
        List<OfferResult> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(writer.submit(store -> store.eventCount(), record(i)));
        }
        release.countDown();
        awaitOutcomes(4);

        assertThat(results)
                .containsExactly(
                        OfferResult.ACCEPTED,
                        OfferResult.ACCEPTED,
                        OfferResult.ACCEPTED,
                        OfferResult.ACCEPTED,
                        OfferResult.REJECTED_FULL,
                        OfferResult.REJECTED_FULL);
        assertThat(writer.queueCounters().failed()).isEqualTo(2);
        assertThat(outcomes).extracting(Outcome::index).containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldFailOnlyTheOperationThatFailedWhenTheRestOfItsBatchIsFine() throws Exception {
        List<Event> events = signedBurst(ADA, SESSION, 0, 3);
        writer.submit(store -> store.writeEvents(local(events), NOW_MS), record(0));
        awaitOutcomes(1);
        long transactionsBefore = writer.transactions();
        CountDownLatch release = holdTheWriter();
        writer.submit(
                store -> store.mailboxAdd(MailboxEntry.queued(events.get(0).id(), "bob", 0, NOW_MS, NOW_MS + 1), 1),
                record(1));
        writer.submit(
                store -> store.mailboxAdd(MailboxEntry.queued(events.get(1).id(), "bob", 0, NOW_MS, NOW_MS + 1), 1),
                record(2));
        writer.submit(store -> store.mailboxAck(events.get(0).id(), "bob"), record(3));
        release.countDown();
        awaitOutcomes(4);

        assertThat(outcomes.get(1).result()).isEqualTo(true);
        assertThat(outcomes.get(2).failure()).isInstanceOf(MailboxFullException.class);
        assertThat(outcomes.get(3).result())
                .as("the add before the failure stayed")
                .isEqualTo(true);
        assertThat(writer.transactions() - transactionsBefore)
                .as("the holding operation's batch, then one for the three")
                .isEqualTo(2);
        assertThat(writer.failedBatches()).isZero();
    }

    @Test
    void shouldFailTheWholeBatchAndKeepWorkingWhenTheDiskIsFull() throws Exception {
        List<Event> before = signedBurst(ADA, SESSION, 0, 100);
        writer.submit(store -> store.writeEvents(local(before), NOW_MS), record(0));
        writer.submit(store -> store.limitPages(store.pageCount()), record(1));
        awaitOutcomes(2);

        List<Event> after = signedBurst(ADA, SESSION, 100, 1_000);
        CountDownLatch release = holdTheWriter();
        for (int i = 0; i < 10; i++) {
            List<StoredEvent> hundred = local(after.subList(i * 100, i * 100 + 100));
            writer.submit(store -> store.writeEvents(hundred, NOW_MS), record(2 + i));
        }
        release.countDown();
        awaitOutcomes(12);

        assertThat(outcomes.subList(2, 12))
                .allSatisfy(outcome -> assertThat(outcome.failure()).isInstanceOf(StoreFullException.class));
        assertThat(writer.failedBatches()).isEqualTo(1);

        writer.submit(store -> store.limitPages(Integer.MAX_VALUE), record(12));
        writer.submit(store -> store.writeEvents(local(after), NOW_MS), record(13));
        writer.submit(store -> store.eventCount(), record(14));
        awaitOutcomes(15);
        assertThat(outcomes.get(13).failure()).isNull();
        assertThat(outcomes.get(14).result()).isEqualTo(1_100L);
    }
}
