package io.elara.crdt.clock;

/**
 * One node's hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014). Every timestamp it issues is
 * greater than every timestamp it issued or observed before, and stays within the accepted drift of physical time.
 *
 * <p>Time is an argument: callers pass the wall clock in milliseconds, so the clock is deterministic under test and in
 * the simulator. Not thread-safe; it belongs to the node's loop thread.
 */
public final class HlcClock {
    private final long driftMsMax;
    private long last;

    /**
     * @param driftMsMax how far ahead of the local wall clock a remote timestamp may be and still be observed; further
     *     ahead is a peer with a broken clock (or a forged time), which {@link #acceptable} rejects
     */
    public HlcClock(long driftMsMax) {
        if (driftMsMax < 0) {
            throw new IllegalArgumentException("drift bound must not be negative: " + driftMsMax);
        }
        this.driftMsMax = driftMsMax;
    }

    /** The last timestamp issued or observed. */
    public long last() {
        return last;
    }

    /** A timestamp for a local event (or a send) at wall time {@code wallMs}. */
    public long now(long wallMs) {
        long lastMs = Hlc.physicalMs(last);
        if (wallMs > lastMs) {
            last = Hlc.pack(wallMs, 0);
        } else {
            last = increment(lastMs, Hlc.logical(last));
        }
        return last;
    }

    /**
     * Takes back a timestamp this node issued or observed before it restarted, read from its store: every timestamp
     * issued from now on is greater, whatever the wall clock says. A node whose machine's clock was set back while it
     * was down thus goes on after its own earlier events instead of dating new ones before them.
     */
    public void restore(long earlier) {
        last = Math.max(last, earlier);
    }

    /** True when {@code remote} is not further ahead of {@code wallMs} than the drift bound. */
    public boolean acceptable(long remote, long wallMs) {
        return Hlc.physicalMs(remote) - wallMs <= driftMsMax;
    }

    /** The latest timestamp {@link #acceptable} admits at wall time {@code wallMs}, to hand to the decoders. */
    public HlcBound bound(long wallMs) {
        return HlcBound.at(wallMs, driftMsMax);
    }

    /**
     * Merges a timestamp received from another node at wall time {@code wallMs} and returns the local clock's new
     * value, which is greater than both {@code remote} and every earlier value. Callers check {@link #acceptable}
     * first; observing an unacceptable timestamp is a programming error.
     */
    public long observe(long remote, long wallMs) {
        if (!acceptable(remote, wallMs)) {
            throw new IllegalStateException("remote time " + Hlc.format(remote) + " is beyond the drift bound");
        }
        long lastMs = Hlc.physicalMs(last);
        long remoteMs = Hlc.physicalMs(remote);
        long maxMs = Math.max(wallMs, Math.max(lastMs, remoteMs));
        if (maxMs == lastMs && maxMs == remoteMs) {
            last = increment(maxMs, Math.max(Hlc.logical(last), Hlc.logical(remote)));
        } else if (maxMs == lastMs) {
            last = increment(lastMs, Hlc.logical(last));
        } else if (maxMs == remoteMs) {
            last = increment(remoteMs, Hlc.logical(remote));
        } else {
            last = Hlc.pack(maxMs, 0);
        }
        return last;
    }

    /** The next value after (physical, logical); a full counter carries into the next millisecond. */
    private static long increment(long physicalMs, int logical) {
        if (logical == Hlc.LOGICAL_MAX) {
            return Hlc.pack(physicalMs + 1, 0);
        }
        return Hlc.pack(physicalMs, logical + 1);
    }
}
