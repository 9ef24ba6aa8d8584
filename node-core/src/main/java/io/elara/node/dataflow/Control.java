package io.elara.node.dataflow;

/** What a node's cycle function tells the executor after it ran. */
public enum Control {
    /** My state changed: schedule my trigger children in this cycle, and report me as changed to observers. */
    BROADCAST,
    /** Nothing downstream needs to run. */
    UNCHANGED,
    /** Remove me at the end of this cycle, and, recursively, every child left without a live parent. */
    SWEEP,
    /** Stop the executor: no further node runs in this cycle, and the runtime loop ends. */
    TERMINATE
}
