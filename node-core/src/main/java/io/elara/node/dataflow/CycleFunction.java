package io.elara.node.dataflow;

/**
 * The behaviour of a node: reads and changes {@code state} and says what happens next. Runs on the executor's thread,
 * at most once per cycle.
 */
@FunctionalInterface
public interface CycleFunction<T> {
    Control cycle(T state, CycleContext context);
}
