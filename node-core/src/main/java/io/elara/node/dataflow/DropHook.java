package io.elara.node.dataflow;

/** Runs on the executor's thread when a node leaves the graph, to release what its state holds. */
@FunctionalInterface
public interface DropHook<T> {
    void onDrop(T state);
}
