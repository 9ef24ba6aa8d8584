package io.elara.node.dataflow;

/**
 * Builds nodes into the executor. Spawned from a cycle with {@link CycleContext#spawn}, it runs on the executor's
 * thread after the cycle's sweeps, so that a cycle never sees the graph change under it.
 */
@FunctionalInterface
public interface Subgraph {
    void build(DataflowExecutor executor);
}
