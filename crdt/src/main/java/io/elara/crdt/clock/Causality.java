package io.elara.crdt.clock;

/** How two version vectors (or causal contexts) relate. */
public enum Causality {
    /** Both have seen exactly the same events. */
    EQUAL,
    /** The first has seen a strict subset of the events the second has seen. */
    BEFORE,
    /** The first has seen a strict superset of the events the second has seen. */
    AFTER,
    /** Each has seen an event the other has not. */
    CONCURRENT
}
