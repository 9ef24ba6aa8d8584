package io.elara.node.dataflow;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A node of the executor's graph: typed state, the cycle function that changes it, and its edges. A handle stays valid
 * after the node is removed ({@link #isLive()} turns false), while its id may be reused by a later node. Every method
 * runs on the executor's thread.
 */
public final class GraphNode<T> {
    private static final int EDGES_INITIAL = 4;

    private final int id;
    private final int depth;
    private final CycleFunction<T> function;
    private final InitHook<T> initHook;
    private final DropHook<T> dropHook;
    private final Supplier<? extends T> restartFactory;
    private T state;
    boolean live = true;

    // Children sorted by id, so that a broadcast schedules them in id order without sorting per cycle.
    int[] triggerChildren = new int[EDGES_INITIAL];
    int triggerChildCount;
    int[] observeChildren = new int[EDGES_INITIAL];
    int observeChildCount;
    int[] parents = new int[EDGES_INITIAL];
    int parentCount;

    GraphNode(
            int id,
            int depth,
            T state,
            CycleFunction<T> function,
            InitHook<T> initHook,
            DropHook<T> dropHook,
            Supplier<? extends T> restartFactory) {
        this.id = id;
        this.depth = depth;
        this.state = state;
        this.function = function;
        this.initHook = initHook;
        this.dropHook = dropHook;
        this.restartFactory = restartFactory;
    }

    /** The slot of this node in the executor; ties between nodes of one depth are broken by it. */
    public int id() {
        return id;
    }

    /** Edges from the nearest root: 0 for a node without parents. */
    public int depth() {
        return depth;
    }

    public T state() {
        return state;
    }

    public boolean isLive() {
        return live;
    }

    ErrorPolicy errorPolicy() {
        return restartFactory == null ? ErrorPolicy.SWEEP : ErrorPolicy.RESTART;
    }

    Control cycle(CycleContext context) {
        return function.cycle(state, context);
    }

    void init(CycleContext context) {
        if (initHook != null) {
            initHook.onInit(state, context);
        }
    }

    void drop() {
        if (dropHook != null) {
            dropHook.onDrop(state);
        }
    }

    void restart() {
        state = restartFactory.get();
    }

    static int[] insertSorted(int[] values, int count, int value) {
        int[] target = count == values.length ? Arrays.copyOf(values, count * 2) : values;
        int position = count;
        while (position > 0 && target[position - 1] > value) {
            target[position] = target[position - 1];
            position--;
        }
        target[position] = value;
        return target;
    }

    static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** Removes {@code value} keeping order; returns the new count (unchanged when absent). */
    static int remove(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                System.arraycopy(values, i + 1, values, i, count - i - 1);
                return count - 1;
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "GraphNode{id=" + id + ", depth=" + depth + ", live=" + live + '}';
    }
}
