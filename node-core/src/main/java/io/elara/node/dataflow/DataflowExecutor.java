package io.elara.node.dataflow;

import io.elara.node.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-threaded cooperative graph executor, after the wavelet runtime. One {@link #runCycle()}:
 *
 * <ol>
 *   <li>drains wake-ups posted by {@link Notifier}s on other threads;
 *   <li>takes one time snapshot from the {@link Clock};
 *   <li>schedules nodes whose timers are due and those that yielded in the previous cycle;
 *   <li>polls I/O through the {@link IoPoller};
 *   <li>runs scheduled nodes by depth, ties broken by node id, each at most once; a broadcast schedules the node's
 *       trigger children, which are deeper and so run later in the same cycle;
 *   <li>removes swept nodes, cascading to children left without a live parent, and runs their on-drop hooks;
 *   <li>attaches subgraphs spawned during the cycle.
 * </ol>
 *
 * <p>Nothing iterates a hash structure, so the same graph and the same inputs give the same execution order. The hot
 * path allocates nothing: scheduling uses per-depth buckets of node ids, timers a binary heap over preallocated arrays.
 *
 * <p>Every method runs on the executor's thread (the thread that calls {@link #runCycle()}), except
 * {@link Notifier#wake()}, {@link #notifierOverflowCount()} and {@link #hasNotifications()}. The executor reads no clock
 * other than the one it is given, never sleeps and starts no thread: the loops in
 * {@code io.elara.node.dataflow.runtime}, or an external event loop, drive it.
 */
public final class DataflowExecutor {
    /** Returned by the timer methods when every timer slot is in use; the rejection is counted. */
    public static final long TIMER_REJECTED = -1L;
    /** Returned by {@link #nextDeadlineNs()} when nothing is scheduled in time. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(DataflowExecutor.class);
    private static final int NONE = -1;
    private static final int BUCKET_INITIAL = 4;
    private static final long TIMER_GENERATION_MASK = 0x7FFF_FFFFL;
    /** Node failures are always counted; at most one per this interval of clock time is logged at warn level. */
    private static final long ERROR_WARN_INTERVAL_NS = 1_000_000_000L;

    private enum Phase {
        IDLE,
        INPUT,
        RUN,
        SWEEP,
        ATTACH
    }

    private final Clock clock;
    private final ExecutorLimits limits;
    private final Context context = new Context();

    // Nodes, by id.
    private final GraphNode<?>[] nodes;
    private final boolean[] scheduled;
    private final long[] changedCycle;
    private final boolean[] sweepPending;
    private final boolean[] yieldPending;
    private final int[] freeIds;
    private int freeIdCount;
    private int nextFreshId;
    private int liveNodeCount;

    // Scheduling: one bucket of ids per depth, kept sorted by id.
    private final int[][] buckets;
    private final int[] bucketSize;
    private final int[] nodesAtDepth;
    private int minScheduledDepth = Integer.MAX_VALUE;
    private int maxScheduledDepth = NONE;
    private int runningDepth = NONE;

    // Yields: ids to schedule at the start of the next cycle, in the order they yielded.
    private final int[] yields;
    private int yieldCount;

    // Sweeps: the worklist of this cycle, grown by cascades.
    private final int[] sweeps;
    private int sweepCount;

    // Spawns waiting for the attach phase.
    private final Subgraph[] spawns;
    private int spawnCount;

    // Timers: slots with a generation, ordered by a binary heap on (deadline, creation sequence).
    private final long[] timerDeadlineNs;
    private final long[] timerPeriodNs;
    private final long[] timerSequence;
    private final int[] timerNode;
    private final int[] timerGeneration;
    private final int[] timerHeapIndex;
    private final int[] timerHeap;
    private int timerHeapSize;
    private final int[] freeTimers;
    private int freeTimerCount;
    private long nextTimerSequence;

    // Cross-thread wake-ups.
    private final ArrayBlockingQueue<Notifier> notifyQueue;
    private final AtomicBoolean notifyOverflowed = new AtomicBoolean();
    private final AtomicLong notifierOverflows = new AtomicLong();
    private final Notifier[] notifiers;
    private int notifierCount;
    private volatile Runnable wakeHook = () -> {};

    private IoPoller ioPoller = (nowNs, executor) -> 0;
    private Phase phase = Phase.IDLE;
    private long cycle;
    private long nowNs;
    private boolean terminated;
    private long lastErrorWarnNs = Long.MIN_VALUE;

    // Counters, on the executor's thread; the notifier overflow counter above is the only cross-thread one.
    private long cycleCount;
    private long nodesRunCount;
    private long errorCount;
    private long restartCount;
    private long timersRejectedCount;

    public DataflowExecutor(Clock clock) {
        this(clock, ExecutorLimits.defaults());
    }

    public DataflowExecutor(Clock clock, ExecutorLimits limits) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        int capacity = limits.nodeCapacity();
        nodes = new GraphNode<?>[capacity];
        scheduled = new boolean[capacity];
        changedCycle = new long[capacity];
        sweepPending = new boolean[capacity];
        yieldPending = new boolean[capacity];
        freeIds = new int[capacity];
        buckets = new int[limits.depthMax() + 1][];
        bucketSize = new int[limits.depthMax() + 1];
        nodesAtDepth = new int[limits.depthMax() + 1];
        yields = new int[capacity];
        sweeps = new int[capacity];
        spawns = new Subgraph[limits.spawnsPerCycleMax()];
        int timers = limits.timerCapacity();
        timerDeadlineNs = new long[timers];
        timerPeriodNs = new long[timers];
        timerSequence = new long[timers];
        timerNode = new int[timers];
        timerGeneration = new int[timers];
        timerHeapIndex = new int[timers];
        timerHeap = new int[timers];
        freeTimers = new int[timers];
        for (int slot = timers - 1; slot >= 0; slot--) {
            freeTimers[freeTimerCount++] = slot;
            timerHeapIndex[slot] = NONE;
        }
        notifyQueue = new ArrayBlockingQueue<>(limits.notifyQueueCapacity());
        notifiers = new Notifier[capacity];
        nowNs = clock.nowNs();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Graph construction

    /** Starts describing a node holding {@code state}. Outside a cycle, or inside a {@link Subgraph}. */
    public <T> NodeBuilder<T> node(T state) {
        return new NodeBuilder<>(this, state);
    }

    <T> GraphNode<T> add(
            T state,
            CycleFunction<T> function,
            List<GraphNode<?>> triggerParents,
            List<GraphNode<?>> observeParents,
            InitHook<T> initHook,
            DropHook<T> dropHook,
            Supplier<? extends T> restartFactory) {
        if (phase != Phase.IDLE && phase != Phase.ATTACH) {
            throw new IllegalStateException("nodes join the graph between cycles: spawn a subgraph from a cycle");
        }
        int depth = 0;
        for (GraphNode<?> parent : triggerParents) {
            depth = Math.max(depth, checkedParent(parent).depth() + 1);
        }
        for (GraphNode<?> parent : observeParents) {
            depth = Math.max(depth, checkedParent(parent).depth() + 1);
        }
        if (depth > limits.depthMax()) {
            throw new IllegalStateException("graph deeper than " + limits.depthMax() + " edges");
        }
        int id = allocateId();
        GraphNode<T> node = new GraphNode<>(id, depth, state, function, initHook, dropHook, restartFactory);
        nodes[id] = node;
        scheduled[id] = false;
        changedCycle[id] = 0;
        sweepPending[id] = false;
        yieldPending[id] = false;
        liveNodeCount++;
        nodesAtDepth[depth]++;
        if (buckets[depth] == null || buckets[depth].length < nodesAtDepth[depth]) {
            int length = Math.max(BUCKET_INITIAL, nodesAtDepth[depth] * 2);
            buckets[depth] = buckets[depth] == null ? new int[length] : Arrays.copyOf(buckets[depth], length);
        }
        // One edge per parent: a parent named twice, or as both trigger and observe, keeps its trigger edge, so
        // that removal finds exactly one entry to unlink.
        for (GraphNode<?> parent : triggerParents) {
            if (!GraphNode.contains(node.parents, node.parentCount, parent.id())) {
                parent.triggerChildren = GraphNode.insertSorted(parent.triggerChildren, parent.triggerChildCount++, id);
                node.parents = GraphNode.insertSorted(node.parents, node.parentCount++, parent.id());
            }
        }
        for (GraphNode<?> parent : observeParents) {
            if (!GraphNode.contains(node.parents, node.parentCount, parent.id())) {
                parent.observeChildren = GraphNode.insertSorted(parent.observeChildren, parent.observeChildCount++, id);
                node.parents = GraphNode.insertSorted(node.parents, node.parentCount++, parent.id());
            }
        }
        runInit(node);
        if (phase == Phase.IDLE && sweepCount > 0) {
            processSweeps();
        }
        return node;
    }

    private GraphNode<?> checkedParent(GraphNode<?> parent) {
        if (!parent.isLive() || nodes[parent.id()] != parent) {
            throw new IllegalStateException("parent " + parent + " is not a live node of this executor");
        }
        return parent;
    }

    private int allocateId() {
        if (freeIdCount > 0) {
            return freeIds[--freeIdCount];
        }
        if (nextFreshId == nodes.length) {
            throw new IllegalStateException("node capacity " + nodes.length + " reached");
        }
        return nextFreshId++;
    }

    /** A notifier that wakes {@code node} from any thread. At most one per node is needed; each one is kept. */
    public Notifier notifier(GraphNode<?> node) {
        checkedParent(node);
        if (notifierCount == notifiers.length) {
            throw new IllegalStateException("notifier capacity " + notifiers.length + " reached");
        }
        Notifier notifier = new Notifier(this, node);
        notifiers[notifierCount++] = notifier;
        return notifier;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inputs

    /** The I/O step of every cycle. */
    public void ioPoller(IoPoller poller) {
        this.ioPoller = Objects.requireNonNull(poller, "poller");
    }

    /**
     * Called on a notifier's thread after it posted a wake-up, so that a parked or external loop runs a cycle. Set
     * by the runtime loop before it starts.
     */
    public void wakeHook(Runnable hook) {
        this.wakeHook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Schedules {@code node} in the current cycle: from the I/O poller, or between cycles for the next one. From a
     * running node, a node that is not deeper than the one running is scheduled in the next cycle instead.
     */
    public void scheduleNow(GraphNode<?> node) {
        if (node.isLive() && nodes[node.id()] == node) {
            schedule(node.id());
        }
    }

    /** Schedules {@code node} at the start of the next cycle. */
    public void yieldNow(GraphNode<?> node) {
        if (node.isLive() && nodes[node.id()] == node) {
            yieldId(node.id());
        }
    }

    /** Schedules {@code node} once at {@code deadlineNs} (clock nanoseconds); returns a timer id. */
    public long scheduleTimer(GraphNode<?> node, long deadlineNs) {
        return armTimer(checkedParent(node).id(), deadlineNs, 0);
    }

    /** Schedules {@code node} at {@code firstDeadlineNs} and every {@code periodNs} after; returns a timer id. */
    public long schedulePeriodic(GraphNode<?> node, long firstDeadlineNs, long periodNs) {
        if (periodNs <= 0) {
            throw new IllegalArgumentException("periodNs must be positive: " + periodNs);
        }
        return armTimer(checkedParent(node).id(), firstDeadlineNs, periodNs);
    }

    /** Cancels a timer; returns false when it already fired (one-shot), was cancelled, or the id is unknown. */
    public boolean cancelTimer(long timerId) {
        if (timerId < 0) {
            return false;
        }
        int slot = (int) (timerId & 0xFFFF_FFFFL);
        int generation = (int) (timerId >>> 32);
        if (slot >= timerHeapIndex.length || timerHeapIndex[slot] == NONE || timerGeneration[slot] != generation) {
            return false;
        }
        releaseTimer(slot);
        return true;
    }

    void enqueue(Notifier notifier) {
        if (!notifyQueue.offer(notifier)) {
            // The pending flag stays set, so the scan in the next cycle finds this wake-up.
            notifierOverflows.incrementAndGet();
            notifyOverflowed.set(true);
        }
        wakeHook.run();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The cycle

    /**
     * Runs one cycle on the calling thread, which becomes the executor's thread. Returns the number of nodes run. A
     * {@link RuntimeException} from a node is counted and handled by the node's {@link ErrorPolicy}; a JVM
     * {@link Error} propagates and leaves the executor unusable.
     *
     * @throws IllegalStateException after {@link Control#TERMINATE}
     */
    public int runCycle() {
        if (terminated) {
            throw new IllegalStateException("the executor was terminated");
        }
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("runCycle called from inside a cycle");
        }
        cycle++;
        phase = Phase.INPUT;
        drainNotifications();
        nowNs = clock.nowNs();
        fireTimers();
        fireYields();
        ioPoller.poll(nowNs, this);
        int ran = runScheduled();
        phase = Phase.SWEEP;
        processSweeps();
        phase = Phase.ATTACH;
        attachSpawns();
        phase = Phase.IDLE;
        if (sweepCount > 0) {
            // On-init hooks of spawned nodes may have failed; remove those nodes before the next cycle.
            processSweeps();
        }
        cycleCount = cycle;
        return ran;
    }

    private void drainNotifications() {
        int limit = limits.notifyQueueCapacity();
        Notifier notifier;
        while (limit-- > 0 && (notifier = notifyQueue.poll()) != null) {
            wakeNotified(notifier);
        }
        if (notifyOverflowed.getAndSet(false)) {
            for (int i = 0; i < notifierCount; i++) {
                if (notifiers[i].pending.get()) {
                    wakeNotified(notifiers[i]);
                }
            }
        }
    }

    private void wakeNotified(Notifier notifier) {
        // Clear before scheduling: a wake() after this point posts again rather than merging into a run that has
        // already read its input.
        notifier.pending.set(false);
        scheduleNow(notifier.node());
    }

    private void fireTimers() {
        while (timerHeapSize > 0) {
            int slot = timerHeap[0];
            long deadlineNs = timerDeadlineNs[slot];
            if (deadlineNs > nowNs) {
                return;
            }
            schedule(timerNode[slot]);
            long periodNs = timerPeriodNs[slot];
            if (periodNs > 0) {
                // A periodic timer fires once per cycle however late it is, then keeps its phase.
                long missedPeriods = (nowNs - deadlineNs) / periodNs + 1;
                timerDeadlineNs[slot] = deadlineNs + missedPeriods * periodNs;
                siftDown(0);
            } else {
                releaseTimer(slot);
            }
        }
    }

    private void fireYields() {
        int count = yieldCount;
        yieldCount = 0;
        for (int i = 0; i < count; i++) {
            int id = yields[i];
            yieldPending[id] = false;
            schedule(id);
        }
    }

    private int runScheduled() {
        phase = Phase.RUN;
        int ran = 0;
        for (int depth = minScheduledDepth; depth <= maxScheduledDepth; depth++) {
            runningDepth = depth;
            int[] bucket = buckets[depth];
            for (int i = 0; i < bucketSize[depth]; i++) {
                int id = bucket[i];
                if (!scheduled[id]) {
                    continue;
                }
                scheduled[id] = false;
                if (terminated) {
                    continue;
                }
                runNode(id);
                ran++;
            }
            bucketSize[depth] = 0;
        }
        runningDepth = NONE;
        minScheduledDepth = Integer.MAX_VALUE;
        maxScheduledDepth = NONE;
        nodesRunCount += ran;
        return ran;
    }

    private void runNode(int id) {
        GraphNode<?> node = nodes[id];
        Control control;
        context.self = node;
        try {
            control = node.cycle(context);
            if (control == null) {
                throw new IllegalStateException("cycle function of " + node + " returned null");
            }
        } catch (RuntimeException e) {
            onNodeError(node, e);
            return;
        } finally {
            context.self = null;
        }
        switch (control) {
            case BROADCAST -> broadcast(node, id);
            case UNCHANGED -> {
                // Nothing downstream needs to run.
            }
            case SWEEP -> markSweep(id);
            case TERMINATE -> terminated = true;
        }
    }

    private void broadcast(GraphNode<?> node, int id) {
        changedCycle[id] = cycle;
        int[] children = node.triggerChildren;
        int childCount = node.triggerChildCount;
        for (int i = 0; i < childCount; i++) {
            schedule(children[i]);
        }
    }

    private void onNodeError(GraphNode<?> node, RuntimeException error) {
        logFailure("cycle", node, error);
        if (node.errorPolicy() == ErrorPolicy.RESTART) {
            restartCount++;
            try {
                node.restart();
            } catch (RuntimeException e) {
                logFailure("restart", node, e);
                markSweep(node.id());
                return;
            }
            runInit(node);
        } else {
            markSweep(node.id());
        }
    }

    /** Counts a failure; logs it at warn level unless one was logged within the interval, at debug otherwise. */
    private void logFailure(String where, GraphNode<?> node, RuntimeException error) {
        errorCount++;
        // The interval keeps a node that fails on every input from flooding the log; the counter sees every one.
        if (nowNs - lastErrorWarnNs >= ERROR_WARN_INTERVAL_NS || lastErrorWarnNs == Long.MIN_VALUE) {
            lastErrorWarnNs = nowNs;
            LOG.warn(
                    "dataflow node {} failed in its {} in cycle {} ({} failures so far)",
                    node.id(),
                    where,
                    cycle,
                    errorCount,
                    error);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("dataflow node {} failed in its {} in cycle {}", node.id(), where, cycle, error);
        }
    }

    private void runInit(GraphNode<?> node) {
        GraphNode<?> previous = context.self;
        context.self = node;
        try {
            node.init(context);
        } catch (RuntimeException e) {
            logFailure("on-init hook", node, e);
            markSweep(node.id());
        } finally {
            context.self = previous;
        }
    }

    private void schedule(int id) {
        if (scheduled[id]) {
            return;
        }
        int depth = nodes[id].depth();
        if (phase == Phase.RUN && depth <= runningDepth) {
            // Running it now would break depth order or run it twice in this cycle.
            yieldId(id);
            return;
        }
        scheduled[id] = true;
        int[] bucket = buckets[depth];
        int size = bucketSize[depth]++;
        while (size > 0 && bucket[size - 1] > id) {
            bucket[size] = bucket[size - 1];
            size--;
        }
        bucket[size] = id;
        if (depth < minScheduledDepth) {
            minScheduledDepth = depth;
        }
        if (depth > maxScheduledDepth) {
            maxScheduledDepth = depth;
        }
    }

    private void yieldId(int id) {
        if (!yieldPending[id]) {
            yieldPending[id] = true;
            yields[yieldCount++] = id;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sweeps and spawns

    private void markSweep(int id) {
        if (!sweepPending[id]) {
            sweepPending[id] = true;
            sweeps[sweepCount++] = id;
        }
    }

    private void processSweeps() {
        Phase previous = phase;
        phase = Phase.SWEEP;
        // The worklist grows while it is walked: a removed node's children may be left without a parent.
        for (int i = 0; i < sweepCount; i++) {
            removeNode(sweeps[i]);
        }
        sweepCount = 0;
        phase = previous;
    }

    private void removeNode(int id) {
        GraphNode<?> node = nodes[id];
        node.live = false;
        for (int i = 0; i < node.parentCount; i++) {
            GraphNode<?> parent = nodes[node.parents[i]];
            parent.triggerChildCount = GraphNode.remove(parent.triggerChildren, parent.triggerChildCount, id);
            parent.observeChildCount = GraphNode.remove(parent.observeChildren, parent.observeChildCount, id);
        }
        orphan(node.triggerChildren, node.triggerChildCount, id);
        orphan(node.observeChildren, node.observeChildCount, id);
        unschedule(id, node.depth());
        cancelTimersOf(id);
        removeNotifiersOf(node);
        nodesAtDepth[node.depth()]--;
        liveNodeCount--;
        try {
            node.drop();
        } catch (RuntimeException e) {
            logFailure("on-drop hook", node, e);
        }
        nodes[id] = null;
        sweepPending[id] = false;
        freeIds[freeIdCount++] = id;
    }

    private void orphan(int[] children, int count, int parentId) {
        for (int i = 0; i < count; i++) {
            GraphNode<?> child = nodes[children[i]];
            child.parentCount = GraphNode.remove(child.parents, child.parentCount, parentId);
            if (child.parentCount == 0) {
                markSweep(child.id());
            }
        }
    }

    private void unschedule(int id, int depth) {
        if (scheduled[id]) {
            scheduled[id] = false;
            bucketSize[depth] = GraphNode.remove(buckets[depth], bucketSize[depth], id);
        }
        if (yieldPending[id]) {
            yieldPending[id] = false;
            yieldCount = GraphNode.remove(yields, yieldCount, id);
        }
    }

    private void cancelTimersOf(int id) {
        // By slot rather than heap position: releasing a timer reorders the heap.
        for (int slot = 0; slot < timerHeapIndex.length; slot++) {
            if (timerHeapIndex[slot] != NONE && timerNode[slot] == id) {
                releaseTimer(slot);
            }
        }
    }

    private void removeNotifiersOf(GraphNode<?> node) {
        int kept = 0;
        for (int i = 0; i < notifierCount; i++) {
            if (notifiers[i].node() != node) {
                notifiers[kept++] = notifiers[i];
            }
        }
        Arrays.fill(notifiers, kept, notifierCount, null);
        notifierCount = kept;
    }

    private void spawn(Subgraph subgraph) {
        if (spawnCount == spawns.length) {
            throw new IllegalStateException("more than " + spawns.length + " subgraphs spawned in one cycle");
        }
        spawns[spawnCount++] = Objects.requireNonNull(subgraph, "subgraph");
    }

    private void attachSpawns() {
        // A spawned subgraph may spawn again from its on-init hooks; those attach in this same phase, in order.
        for (int i = 0; i < spawnCount; i++) {
            Subgraph subgraph = spawns[i];
            spawns[i] = null;
            subgraph.build(this);
        }
        spawnCount = 0;
    }

    /** Removes every node, running on-drop hooks in id order. The executor can be reused afterwards. */
    public void close() {
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("close called from inside a cycle");
        }
        for (int id = 0; id < nextFreshId; id++) {
            if (nodes[id] != null) {
                markSweep(id);
            }
        }
        processSweeps();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Timers

    private long armTimer(int id, long deadlineNs, long periodNs) {
        if (freeTimerCount == 0) {
            timersRejectedCount++;
            return TIMER_REJECTED;
        }
        int slot = freeTimers[--freeTimerCount];
        int generation = (int) ((timerGeneration[slot] + 1L) & TIMER_GENERATION_MASK);
        timerGeneration[slot] = generation;
        timerDeadlineNs[slot] = deadlineNs;
        timerPeriodNs[slot] = periodNs;
        timerNode[slot] = id;
        timerSequence[slot] = nextTimerSequence++;
        int index = timerHeapSize++;
        timerHeap[index] = slot;
        timerHeapIndex[slot] = index;
        siftUp(index);
        return ((long) generation << 32) | slot;
    }

    private void releaseTimer(int slot) {
        int index = timerHeapIndex[slot];
        int last = --timerHeapSize;
        timerHeapIndex[slot] = NONE;
        if (index != last) {
            int moved = timerHeap[last];
            timerHeap[index] = moved;
            timerHeapIndex[moved] = index;
            siftDown(index);
            siftUp(timerHeapIndex[moved]);
        }
        freeTimers[freeTimerCount++] = slot;
    }

    private boolean timerBefore(int a, int b) {
        long deadlineA = timerDeadlineNs[a];
        long deadlineB = timerDeadlineNs[b];
        return deadlineA != deadlineB ? deadlineA < deadlineB : timerSequence[a] < timerSequence[b];
    }

    private void siftUp(int index) {
        int slot = timerHeap[index];
        while (index > 0) {
            int parentIndex = (index - 1) >>> 1;
            int parent = timerHeap[parentIndex];
            if (!timerBefore(slot, parent)) {
                break;
            }
            timerHeap[index] = parent;
            timerHeapIndex[parent] = index;
            index = parentIndex;
        }
        timerHeap[index] = slot;
        timerHeapIndex[slot] = index;
    }

    private void siftDown(int index) {
        int slot = timerHeap[index];
        while (true) {
            int child = 2 * index + 1;
            if (child >= timerHeapSize) {
                break;
            }
            if (child + 1 < timerHeapSize && timerBefore(timerHeap[child + 1], timerHeap[child])) {
                child++;
            }
            if (!timerBefore(timerHeap[child], slot)) {
                break;
            }
            timerHeap[index] = timerHeap[child];
            timerHeapIndex[timerHeap[index]] = index;
            index = child;
        }
        timerHeap[index] = slot;
        timerHeapIndex[slot] = index;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queries

    /**
     * When the next cycle has work, in clock nanoseconds: the last snapshot if yields or scheduled nodes wait, the
     * earliest timer deadline otherwise, or {@link #NO_DEADLINE}. Wake-ups from notifiers are not included: they call
     * the wake hook. A driven loop arms its own timer at this deadline.
     */
    public long nextDeadlineNs() {
        if (yieldCount > 0 || maxScheduledDepth != NONE) {
            return nowNs;
        }
        return timerHeapSize > 0 ? timerDeadlineNs[timerHeap[0]] : NO_DEADLINE;
    }

    /** Whether a notifier posted a wake-up that no cycle has taken yet. Safe on any thread. */
    public boolean hasNotifications() {
        return !notifyQueue.isEmpty() || notifyOverflowed.get();
    }

    /** Whether {@code node} broadcast in the current (or, between cycles, the last) cycle. */
    public boolean hasChanged(GraphNode<?> node) {
        return node.isLive() && nodes[node.id()] == node && changedCycle[node.id()] == cycle;
    }

    public boolean isTerminated() {
        return terminated;
    }

    /** The time snapshot of the current or last cycle, in clock nanoseconds. */
    public long nowNs() {
        return nowNs;
    }

    public int liveNodeCount() {
        return liveNodeCount;
    }

    public int armedTimerCount() {
        return timerHeapSize;
    }

    public long cycleCount() {
        return cycleCount;
    }

    public long nodesRunCount() {
        return nodesRunCount;
    }

    /** Exceptions thrown by cycle functions and hooks. */
    public long errorCount() {
        return errorCount;
    }

    public long restartCount() {
        return restartCount;
    }

    /** Wake-ups that did not fit the notify queue (each was still delivered, by the scan). Safe on any thread. */
    public long notifierOverflowCount() {
        return notifierOverflows.get();
    }

    public long timersRejectedCount() {
        return timersRejectedCount;
    }

    /** The context handed to cycle functions and hooks; one instance, re-pointed at each node it runs. */
    private final class Context implements CycleContext {
        private GraphNode<?> self;

        @Override
        public long nowNs() {
            return nowNs;
        }

        @Override
        public long cycle() {
            return cycle;
        }

        @Override
        public GraphNode<?> self() {
            return self;
        }

        @Override
        public boolean hasChanged(GraphNode<?> node) {
            return DataflowExecutor.this.hasChanged(node);
        }

        @Override
        public void yieldNow() {
            yieldId(self.id());
        }

        @Override
        public long scheduleTimer(long deadlineNs) {
            return armTimer(self.id(), deadlineNs, 0);
        }

        @Override
        public long schedulePeriodic(long firstDeadlineNs, long periodNs) {
            return DataflowExecutor.this.schedulePeriodic(self, firstDeadlineNs, periodNs);
        }

        @Override
        public boolean cancelTimer(long timerId) {
            return DataflowExecutor.this.cancelTimer(timerId);
        }

        @Override
        public void spawn(Subgraph subgraph) {
            DataflowExecutor.this.spawn(subgraph);
        }
    }
}
