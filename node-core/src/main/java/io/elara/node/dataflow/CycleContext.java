package io.elara.node.dataflow;

/**
 * What a running node (or its on-init hook) may ask of the executor. Valid only on the executor's thread, during the
 * call it was passed to; "self" is the node being run.
 */
public interface CycleContext {
    /** The cycle's single time snapshot, in nanoseconds of the executor's clock. */
    long nowNs();

    /** The number of the current cycle, starting at 1. */
    long cycle();

    /** The node being run. */
    GraphNode<?> self();

    /** Whether {@code node} returned {@link Control#BROADCAST} earlier in this cycle. */
    boolean hasChanged(GraphNode<?> node);

    /** Schedules self in the next cycle. */
    void yieldNow();

    /** Schedules self once at {@code deadlineNs}; returns a timer id, or {@link DataflowExecutor#TIMER_REJECTED}. */
    long scheduleTimer(long deadlineNs);

    /** Schedules self at {@code firstDeadlineNs} and every {@code periodNs} after; returns a timer id. */
    long schedulePeriodic(long firstDeadlineNs, long periodNs);

    /** Cancels a timer; returns false when it had already fired (one-shot) or was cancelled. */
    boolean cancelTimer(long timerId);

    /** Attaches {@code subgraph} after this cycle's sweeps. */
    void spawn(Subgraph subgraph);
}
