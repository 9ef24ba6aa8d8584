package io.elara.node.lane;

/**
 * The memory every peer's {@link Reassembler} shares: bytes held in partial reassemblies and out-of-order fragments,
 * across all peers, with the per-peer and global limits from the config. Loop thread only.
 *
 * <p>Two kinds of holding, so that the limits never stall a lane for good:
 *
 * <ul>
 *   <li>A <em>reservation</em>: a reassembly in progress (at most one per peer, since the lane delivers in order) holds
 *       its event's whole Total Length from its first fragment on, so its later fragments always fit.
 *   <li>A <em>hold</em>: a fragment kept out of order. Holds may take at most the per-peer limit less one largest body,
 *       and half the global limit, so a peer's next first fragment always fits its own limit, and reservations, which
 *       always complete as their fragments arrive, keep at least half of the global one.
 * </ul>
 */
public final class ReassemblyBudget {
    /** No limits worth the name: for tests and tools that build peers without a config. */
    public static final long UNBOUNDED = Long.MAX_VALUE / 4;

    private final long perPeerMax;
    private final long globalMax;
    private final int bodyLengthMax;
    private long held;
    private long reserved;

    /**
     * @param perPeerMax bytes one peer's reassembly and held fragments may take
     * @param globalMax bytes all peers' may take together
     * @param bodyLengthMax the longest EVENT body this node accepts; at most half of {@code perPeerMax}
     */
    public ReassemblyBudget(long perPeerMax, long globalMax, int bodyLengthMax) {
        if (perPeerMax < 2L * bodyLengthMax || globalMax < perPeerMax) {
            throw new IllegalArgumentException(
                    "reassembly limits " + perPeerMax + "/" + globalMax + " for bodies of " + bodyLengthMax);
        }
        this.perPeerMax = perPeerMax;
        this.globalMax = globalMax;
        this.bodyLengthMax = bodyLengthMax;
    }

    public long perPeerMax() {
        return perPeerMax;
    }

    public long globalMax() {
        return globalMax;
    }

    public int bodyLengthMax() {
        return bodyLengthMax;
    }

    /** Bytes held now, by every peer: reservations and out-of-order fragments. */
    public long bytes() {
        return held + reserved;
    }

    boolean canHold(long peerHeld, long cost) {
        return peerHeld + cost <= perPeerMax - bodyLengthMax
                && held + cost <= globalMax / 2
                && held + reserved + cost <= globalMax;
    }

    boolean canReserve(long peerHeld, long peerReserved, long total) {
        return peerHeld + total <= perPeerMax && held + reserved - peerReserved + total <= globalMax;
    }

    void hold(long cost) {
        held += cost;
    }

    void unhold(long cost) {
        held -= cost;
        assert held >= 0 : "held bytes";
    }

    void reserve(long total) {
        reserved += total;
    }

    void unreserve(long total) {
        reserved -= total;
        assert reserved >= 0 : "reserved bytes";
    }
}
