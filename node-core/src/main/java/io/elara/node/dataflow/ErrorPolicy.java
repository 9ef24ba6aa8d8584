package io.elara.node.dataflow;

/** What the executor does with a node whose cycle function threw a {@link RuntimeException}. */
public enum ErrorPolicy {
    /** Remove the node at the end of the cycle, as if it had returned {@link Control#SWEEP}. */
    SWEEP,
    /** Replace the node's state with a fresh one from its factory and run its on-init hook again; edges stay. */
    RESTART
}
