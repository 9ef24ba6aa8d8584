package io.elara.node.dataflow;

/** Runs on the executor's thread when a node joins the graph (and again after a restart), e.g. to arm a timer. */
@FunctionalInterface
public interface InitHook<T> {
    void onInit(T state, CycleContext context);
}
