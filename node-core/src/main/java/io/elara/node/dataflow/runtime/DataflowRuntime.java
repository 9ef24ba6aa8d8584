package io.elara.node.dataflow.runtime;

import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns a thread and drives a {@link DataflowExecutor} with it, spinning or parking between cycles. The realtime node
 * does not use this class: there the Netty event loop calls {@link DataflowExecutor#runCycle()} itself and arms its
 * own timer at {@link DataflowExecutor#nextDeadlineNs()} (the "driven" mode).
 */
public final class DataflowRuntime {
    /**
     * How long a parked loop sleeps at most, so that I/O sources polled by the executor (rather than waking it
     * through a notifier) are seen within this time.
     */
    public static final Duration PARK_INTERVAL_MAX_DEFAULT = Duration.ofMillis(1);

    private final DataflowExecutor executor;
    private final Clock clock;
    private final ExecutionMode mode;
    private final long parkIntervalMaxNs;
    private volatile Thread loopThread;
    private volatile boolean stopRequested;

    /**
     * @param clock the executor's clock, read here only to compute how long to park
     * @param parkIntervalMax the longest park, in PARK mode
     */
    public DataflowRuntime(DataflowExecutor executor, Clock clock, ExecutionMode mode, Duration parkIntervalMax) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.parkIntervalMaxNs = parkIntervalMax.toNanos();
        if (parkIntervalMaxNs <= 0) {
            throw new IllegalArgumentException("parkIntervalMax must be positive: " + parkIntervalMax);
        }
    }

    public DataflowRuntime(DataflowExecutor executor, Clock clock, ExecutionMode mode) {
        this(executor, clock, mode, PARK_INTERVAL_MAX_DEFAULT);
    }

    /**
     * Runs cycles on the calling thread until a node returns TERMINATE or {@link #stop()} is called, then removes
     * every node (on-drop hooks run on this thread).
     */
    public void run() {
        loopThread = Thread.currentThread();
        executor.wakeHook(this::unpark);
        try {
            while (!stopRequested && !executor.isTerminated()) {
                executor.runCycle();
                if (mode == ExecutionMode.PARK && !executor.isTerminated()) {
                    parkUntilDue();
                }
            }
        } finally {
            executor.close();
            loopThread = null;
        }
    }

    /** Starts {@link #run()} on a new daemon thread named {@code threadName}. */
    public Thread start(String threadName) {
        Thread thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Asks the loop to stop after its current cycle. Safe on any thread. */
    public void stop() {
        stopRequested = true;
        unpark();
    }

    private void parkUntilDue() {
        if (executor.hasNotifications()) {
            return;
        }
        long nowNs = clock.nowNs();
        long waitNs = Math.min(executor.nextDeadlineNs() - nowNs, parkIntervalMaxNs);
        if (waitNs > 0 && !stopRequested) {
            // A wake-up between the check above and this park is not lost: unpark before park makes park return.
            LockSupport.parkNanos(this, waitNs);
        }
    }

    private void unpark() {
        Thread thread = loopThread;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
