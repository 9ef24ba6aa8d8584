package io.elara.node.sim;

/**
 * The simulator's time: nanoseconds since the Unix epoch, moved forward only by the simulation loop, never read from
 * the machine. Runs start at the fixed {@link #START_NS} so that hybrid logical clock stamps, and so every output, do
 * not depend on the day the simulation runs.
 */
public final class VirtualClock {
    /** 2023-11-14T22:13:20Z: an arbitrary fixed start. */
    public static final long START_NS = 1_700_000_000_000_000_000L;

    private final long startNs;
    private long nowNs;

    public VirtualClock() {
        this(START_NS);
    }

    public VirtualClock(long startNs) {
        this.startNs = startNs;
        this.nowNs = startNs;
    }

    public long nowNs() {
        return nowNs;
    }

    /** Where the run began. */
    public long startNs() {
        return startNs;
    }

    /** Time since the start of the run. */
    public long elapsedNs() {
        return nowNs - startNs;
    }

    /** Moves to {@code timeNs}; time never goes back. */
    public void advanceTo(long timeNs) {
        if (timeNs < nowNs) {
            throw new IllegalStateException("virtual time cannot go back from " + nowNs + " to " + timeNs);
        }
        nowNs = timeNs;
    }
}
