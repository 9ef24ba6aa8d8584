package io.elara.node.dataflow;

/**
 * The bounds of one executor, all allocated up front.
 *
 * @param nodeCapacity live nodes at once
 * @param timerCapacity armed timers at once; more are rejected and counted
 * @param notifyQueueCapacity notifier wake-ups queued between cycles; more are counted as overflow and recovered by a
 *     scan, so none is lost
 * @param depthMax longest trigger/observe path from a root, in edges
 * @param spawnsPerCycleMax subgraphs spawned in one cycle
 */
public record ExecutorLimits(
        int nodeCapacity, int timerCapacity, int notifyQueueCapacity, int depthMax, int spawnsPerCycleMax) {
    public static final int NODE_CAPACITY_DEFAULT = 4096;
    public static final int TIMER_CAPACITY_DEFAULT = 4096;
    public static final int NOTIFY_QUEUE_CAPACITY_DEFAULT = 1024;
    public static final int DEPTH_MAX_DEFAULT = 256;
    public static final int SPAWNS_PER_CYCLE_MAX_DEFAULT = 256;

    public ExecutorLimits {
        if (nodeCapacity < 1 || timerCapacity < 1 || notifyQueueCapacity < 1 || depthMax < 1 || spawnsPerCycleMax < 1) {
            throw new IllegalArgumentException("every executor limit must be at least 1: " + this);
        }
    }

    public static ExecutorLimits defaults() {
        return new ExecutorLimits(
                NODE_CAPACITY_DEFAULT,
                TIMER_CAPACITY_DEFAULT,
                NOTIFY_QUEUE_CAPACITY_DEFAULT,
                DEPTH_MAX_DEFAULT,
                SPAWNS_PER_CYCLE_MAX_DEFAULT);
    }

    public ExecutorLimits withNotifyQueueCapacity(int capacity) {
        return new ExecutorLimits(nodeCapacity, timerCapacity, capacity, depthMax, spawnsPerCycleMax);
    }

    public ExecutorLimits withNodeCapacity(int capacity) {
        return new ExecutorLimits(capacity, timerCapacity, notifyQueueCapacity, depthMax, spawnsPerCycleMax);
    }
}
