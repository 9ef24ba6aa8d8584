package io.elara.node.dataflow;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes one node from any thread. A wake-up is never lost: while one is pending, further calls merge into it, and a
 * wake-up that does not fit the executor's bounded queue is counted as overflow and found by a scan in the next cycle.
 * The node may run once for several wake-ups, and occasionally once without a new one.
 */
public final class Notifier {
    private final DataflowExecutor executor;
    private final GraphNode<?> node;
    final AtomicBoolean pending = new AtomicBoolean();

    Notifier(DataflowExecutor executor, GraphNode<?> node) {
        this.executor = executor;
        this.node = node;
    }

    /**
     * Schedules the node in the executor's next cycle and wakes the executor's loop. Safe on any thread; never blocks,
     * never allocates. Returns false when the wake-up merged into one already pending.
     */
    public boolean wake() {
        if (!pending.compareAndSet(false, true)) {
            return false;
        }
        executor.enqueue(this);
        return true;
    }

    GraphNode<?> node() {
        return node;
    }
}
