package io.elara.node.store;

import io.elara.node.channel.Message;
import io.elara.node.channel.OfferResult;
import io.elara.node.channel.OverflowPolicy;
import io.elara.node.channel.QueueChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link NodeStore} on a thread of its own ({@value #THREAD_NAME}, a daemon), so the node's event loop never
 * waits for the disk.
 *
 * <p><b>Submitting.</b> Any thread (in the node, the loop) {@link #submit}s an {@link Operation} over the store with a
 * {@link Completion}. The operation goes into a bounded {@link QueueChannel} that refuses when full ({@link
 * OfferResult#REJECTED_FULL}): the submitter never blocks, and decides itself (report "busy", retry later).
 *
 * <p><b>Batching.</b> The writer takes everything queued, up to {@link #BATCH_OPERATIONS_MAX} operations, and runs
 * them in one transaction: a thousand small writes cost one commit (one sync of the log with {@link
 * NodeStore.Synchronous#FULL}). Each operation runs in a savepoint: one that throws a {@link StoreException} or a
 * {@link RuntimeException} has its own changes undone and fails alone, and the rest of the batch commits. A full disk
 * ({@link StoreFullException}), or a commit that fails, fails the whole batch: every operation in it completes with
 * that exception, nothing of it is stored, and the writer goes on with the next batch (which succeeds once there is
 * room again).
 *
 * <p><b>Completions</b> run on the {@link Executor} given at start (the node passes its loop's), after the batch
 * committed or failed, in submission order: one task per batch calls them one after another. A completion that throws
 * is logged and counted, and the next one still runs.
 *
 * <p><b>Reads.</b> Once the writer runs, the store belongs to its thread: read through an operation that returns what
 * it read. Reads needed at start (recent event ids, pending mailbox entries) may be done on the opening thread before
 * {@link #start}, which hands the store over.
 *
 * <p><b>Closing.</b> {@link #close} refuses new submissions, lets the writer finish everything already submitted
 * (their completions are handed to the executor), and closes the store.
 */
public final class StoreWriter implements AutoCloseable {
    /** Operations in one transaction, at most. */
    public static final int BATCH_OPERATIONS_MAX = 1024;
    /** The writer thread's name. */
    public static final String THREAD_NAME = "elara-store";

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** Work on the store, run on the writer's thread inside a batch's transaction. */
    @FunctionalInterface
    public interface Operation<T> {
        T apply(NodeStore store) throws StoreException;
    }

    /** What to do with an operation's outcome; runs on the completion executor. */
    @FunctionalInterface
    public interface Completion<T> {
        /**
         * @param result the operation's result, when it succeeded (may be null)
         * @param failure why it failed ({@link StoreException}, or the operation's {@link RuntimeException}), or null
         *     when it succeeded
         */
        void complete(T result, Exception failure);
    }

    private record Submitted<T>(Operation<T> operation, Completion<? super T> completion) {
        @SuppressWarnings("unchecked")
        void complete(Object result, Exception failure) {
            completion.complete((T) result, failure);
        }
    }

    private final NodeStore store;
    private final QueueChannel<Submitted<?>> queue;
    private final Executor completions;
    private final Thread thread;
    /** Submitters between their check of {@link #closing} and the end of their offer. */
    private final AtomicInteger submitting = new AtomicInteger();

    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong completionFailures = new AtomicLong();
    private volatile boolean closing;
    private boolean closed;

    private StoreWriter(NodeStore store, int queueCapacity, Executor completions) {
        this.store = store;
        this.completions = completions;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
        this.queue = QueueChannel.<Submitted<?>>builder(queueCapacity)
                .overflow(OverflowPolicy.FAIL)
                .wakeUp(() -> LockSupport.unpark(thread))
                .build();
    }

    /**
     * Starts a writer that owns {@code store} from now on.
     *
     * @param queueCapacity operations that may wait, a power of two
     * @param completions where completions run (the node's loop executor)
     */
    public static StoreWriter start(NodeStore store, int queueCapacity, Executor completions) {
        StoreWriter writer = new StoreWriter(
                Objects.requireNonNull(store, "store"),
                queueCapacity,
                Objects.requireNonNull(completions, "completions"));
        writer.thread.start();
        return writer;
    }

    /**
     * Queues {@code operation}; {@code completion} receives its outcome later, on the completion executor. Any thread;
     * never blocks.
     *
     * @return {@link OfferResult#ACCEPTED}, or {@link OfferResult#REJECTED_FULL} when the queue is full (then the
     *     completion is never called)
     * @throws IllegalStateException after {@link #close}
     */
    public <T> OfferResult submit(Operation<T> operation, Completion<? super T> completion) {
        Submitted<T> submitted = new Submitted<>(
                Objects.requireNonNull(operation, "operation"), Objects.requireNonNull(completion, "completion"));
        submitting.incrementAndGet();
        try {
            // Counted in first, then the flag: close() sets the flag and then waits for the count, so either this
            // offer is seen by the writer's last drain or it is refused here.
            if (closing) {
                throw new IllegalStateException("the store writer is closed");
            }
            return queue.offer(Message.of(messageIds.incrementAndGet(), submitted, 0));
        } finally {
            submitting.decrementAndGet();
        }
    }

    /** Transactions committed by the writer. */
    public long transactions() {
        return transactions.get();
    }

    /** Operations run (succeeded or failed). */
    public long operations() {
        return operations.get();
    }

    /** Batches that failed as a whole (full disk, failed commit). */
    public long failedBatches() {
        return failedBatches.get();
    }

    /** Completions that threw. */
    public long completionFailures() {
        return completionFailures.get();
    }

    /** Operations waiting now (a snapshot). */
    public int queued() {
        return queue.size();
    }

    /** The queue's counters: offers refused because it was full among them. */
    public QueueChannel.Counters queueCounters() {
        return queue.counters();
    }

    /**
     * Refuses new operations, waits until every submitted one has run and its completion was handed to the executor,
     * then closes the store. Call from any thread but the writer's.
     */
    @Override
    public void close() throws StoreException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("the store writer cannot close itself: it would wait for its own thread");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing = true;
        while (submitting.get() != 0) {
            Thread.onSpinWait();
        }
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                // The store must not be closed under the writer's feet: wait on, and restore the flag after.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private void run() {
        List<Submitted<?>> batch = new ArrayList<>(BATCH_OPERATIONS_MAX);
        while (true) {
            queue.drain(message -> batch.add(message.body()), BATCH_OPERATIONS_MAX);
            if (batch.isEmpty()) {
                // No submitter is between its check and its offer once closing is set and the count is zero, so one
                // more drain sees everything ever accepted.
                if (closing && submitting.get() == 0) {
                    queue.drain(message -> batch.add(message.body()), BATCH_OPERATIONS_MAX);
                    if (batch.isEmpty()) {
                        return;
                    }
                } else {
                    LockSupport.park(this);
                    continue;
                }
            }
            runBatch(batch);
            batch.clear();
        }
    }

    private void runBatch(List<Submitted<?>> batch) {
        int count = batch.size();
        Object[] results = new Object[count];
        Exception[] failures = new Exception[count];
        try {
            store.beginBatch();
            try {
                for (int i = 0; i < count; i++) {
                    try {
                        results[i] = store.inBatch(batch.get(i).operation());
                    } catch (StoreFullException e) {
                        throw e;
                    } catch (StoreException | RuntimeException e) {
                        failures[i] = e;
                    }
                }
                store.commitBatch();
                transactions.incrementAndGet();
            } catch (StoreException e) {
                store.rollbackBatch(e);
                throw e;
            }
        } catch (StoreException e) {
            failedBatches.incrementAndGet();
            LOG.warn("{} writes failed: {}", count, e.getMessage());
            for (int i = 0; i < count; i++) {
                results[i] = null;
                failures[i] = e;
            }
        }
        operations.addAndGet(count);
        List<Submitted<?>> done = List.copyOf(batch);
        try {
            completions.execute(() -> complete(done, results, failures));
        } catch (RejectedExecutionException e) {
            // The node stopped its loop (it does so before it closes the store): what ran is committed or rolled back
            // as usual, only nobody is left to tell. One line, not a stack trace, in a normal shutdown's log.
            completionFailures.addAndGet(count);
            LOG.warn(
                    "the node's loop stopped before the outcomes of {} writes could reach it ({})",
                    count,
                    e.getMessage());
        }
    }

    private void complete(List<Submitted<?>> done, Object[] results, Exception[] failures) {
        for (int i = 0; i < done.size(); i++) {
            try {
                done.get(i).complete(results[i], failures[i]);
            } catch (RuntimeException e) {
                completionFailures.incrementAndGet();
                LOG.error("a store completion failed", e);
            }
        }
    }
}
