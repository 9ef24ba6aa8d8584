package io.elara.node.dataflow.runtime;

/** How a {@link DataflowRuntime} waits between cycles that have nothing to do. */
public enum ExecutionMode {
    /** Runs cycles back to back: the lowest latency, one core at 100%. */
    SPIN,
    /** Parks until the next timer deadline, a notifier wake-up, or the I/O poll interval, whichever comes first. */
    PARK
}
