package io.elara.crdt.clock;

/**
 * The latest HLC a replica accepts from others at one moment: a timestamp whose physical part lies beyond
 * {@code wallMs + driftMsMax} comes from a peer with a broken (or forged) clock. Admitting it would let that peer's
 * writes win every last-writer-wins race until the real clock catches up, and would drag the local {@link HlcClock}
 * forward. Decoders take a bound and refuse such input before anything is merged.
 *
 * <p>A value, computed by the caller from its wall clock (this module reads no clock): {@link HlcClock#bound(long)} or
 * {@link #at(long, long)}. The bound is inclusive: a timestamp exactly at {@code physicalMsMax}, whatever its logical
 * counter, is accepted, matching {@link HlcClock#acceptable}.
 *
 * @param physicalMsMax the largest physical time, in ms since the epoch, accepted
 */
public record HlcBound(long physicalMsMax) {
    /** Accepts every timestamp: for trusted input such as the replica's own snapshot read back from disk. */
    public static final HlcBound UNBOUNDED = new HlcBound(Hlc.PHYSICAL_MS_MAX);

    public HlcBound {
        if (physicalMsMax < 0 || physicalMsMax > Hlc.PHYSICAL_MS_MAX) {
            throw new IllegalArgumentException("physical time out of range: " + physicalMsMax);
        }
    }

    /**
     * The bound at wall time {@code wallMs} with drift bound {@code driftMsMax}; a sum beyond the HLC's range
     * saturates at {@link Hlc#PHYSICAL_MS_MAX}.
     */
    public static HlcBound at(long wallMs, long driftMsMax) {
        if (wallMs < 0 || driftMsMax < 0) {
            throw new IllegalArgumentException(
                    "wall time and drift must not be negative: " + wallMs + ", " + driftMsMax);
        }
        long sum = wallMs + driftMsMax;
        return new HlcBound(sum < 0 || sum > Hlc.PHYSICAL_MS_MAX ? Hlc.PHYSICAL_MS_MAX : sum);
    }

    /** The largest packed HLC accepted: {@code physicalMsMax} with a full logical counter. */
    public long maxAcceptedHlc() {
        return Hlc.pack(physicalMsMax, Hlc.LOGICAL_MAX);
    }

    /** True when {@code hlc}'s physical time is not beyond the bound. */
    public boolean admits(long hlc) {
        return Hlc.physicalMs(hlc) <= physicalMsMax;
    }
}
