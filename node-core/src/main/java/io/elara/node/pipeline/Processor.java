package io.elara.node.pipeline;

import java.util.function.Consumer;

/**
 * What one pipeline node does, independent of how it is scheduled. A source is asked for its next item until it has
 * none; every other node receives items on one of its inputs and emits zero or more items; at the end of the stream
 * each node may emit what it still holds. Not thread-safe: one thread drives a processor.
 */
public interface Processor {
    /** For sources: the next item, or null when the source is exhausted. Other nodes return null. */
    default RuntimeData next() throws PipelineException {
        return null;
    }

    /** Handles one item arriving on input {@code input} (0 for nodes with one input). */
    default void accept(int input, RuntimeData item, Consumer<RuntimeData> emit) throws PipelineException {
        emit.accept(item);
    }

    /** End of the stream on every input: emit what is held, release resources. */
    default void finish(Consumer<RuntimeData> emit) throws PipelineException {}

    /** A one-input node written as a function of each item. */
    @FunctionalInterface
    interface Transform extends Processor {
        void apply(RuntimeData item, Consumer<RuntimeData> emit) throws PipelineException;

        @Override
        default void accept(int input, RuntimeData item, Consumer<RuntimeData> emit) throws PipelineException {
            apply(item, emit);
        }
    }
}
