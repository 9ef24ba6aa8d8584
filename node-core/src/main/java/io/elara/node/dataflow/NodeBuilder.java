package io.elara.node.dataflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Describes one node before it joins the graph. Parents must already be live, so the graph stays acyclic by
 * construction. Used on the executor's thread, outside a cycle or inside a {@link Subgraph}.
 */
public final class NodeBuilder<T> {
    private final DataflowExecutor executor;
    private final T state;
    private final List<GraphNode<?>> triggerParents = new ArrayList<>();
    private final List<GraphNode<?>> observeParents = new ArrayList<>();
    private InitHook<T> initHook;
    private DropHook<T> dropHook;
    private Supplier<? extends T> restartFactory;

    NodeBuilder(DataflowExecutor executor, T state) {
        this.executor = executor;
        this.state = Objects.requireNonNull(state, "state");
    }

    /** Runs this node whenever one of {@code parents} broadcasts. */
    public NodeBuilder<T> triggeredBy(GraphNode<?>... parents) {
        for (GraphNode<?> parent : parents) {
            triggerParents.add(Objects.requireNonNull(parent, "parent"));
        }
        return this;
    }

    /** Lets this node read {@code parents} and ask whether they changed, after they ran, without being scheduled. */
    public NodeBuilder<T> observes(GraphNode<?>... parents) {
        for (GraphNode<?> parent : parents) {
            observeParents.add(Objects.requireNonNull(parent, "parent"));
        }
        return this;
    }

    public NodeBuilder<T> onInit(InitHook<T> hook) {
        this.initHook = hook;
        return this;
    }

    public NodeBuilder<T> onDrop(DropHook<T> hook) {
        this.dropHook = hook;
        return this;
    }

    /** Chooses {@link ErrorPolicy#RESTART}: after a throw, the state is replaced by {@code factory.get()}. */
    public NodeBuilder<T> restartWith(Supplier<? extends T> factory) {
        this.restartFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** Adds the node to the graph and runs its on-init hook. */
    public GraphNode<T> build(CycleFunction<T> function) {
        return executor.add(
                state,
                Objects.requireNonNull(function, "function"),
                triggerParents,
                observeParents,
                initHook,
                dropHook,
                restartFactory);
    }
}
