package io.elara.node.dataflow;

/**
 * The I/O step of a cycle: moves input that is ready into node state and schedules those nodes with
 * {@link DataflowExecutor#scheduleNow}. Runs on the executor's thread once per cycle and must not block.
 */
@FunctionalInterface
public interface IoPoller {
    /** Returns the number of inputs handled; {@code nowNs} is the cycle's time snapshot in nanoseconds. */
    int poll(long nowNs, DataflowExecutor executor);
}
