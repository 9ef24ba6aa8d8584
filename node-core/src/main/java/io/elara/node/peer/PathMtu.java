package io.elara.node.peer;

import io.elara.node.wire.PacketHeaderFlyweight;
import java.util.concurrent.TimeUnit;

/**
 * Path MTU discovery towards one peer, in the spirit of DPLPMTUD (RFC 8899): datagrams start at {@link #BASE_LENGTH}
 * bytes, which every path is assumed to carry (QUIC's minimum); probes of the next larger size in {@link
 * #PROBE_LENGTHS} go now and then, each a PING padded to the size and sent alone; the PONG that answers a probe
 * confirms its size, and a size whose probe goes unanswered {@link #PROBE_LOSSES_MAX} times is the ceiling (RFC 8899
 * §5.1.2 MAX_PROBES). The search then stops. Probes are not part of the reliable lane, so their loss says nothing to
 * its congestion control. Loop thread only; time is an argument.
 */
public final class PathMtu {
    /** Datagram length used before any probe succeeded, sealed bytes. */
    public static final int BASE_LENGTH = PacketHeaderFlyweight.DATAGRAM_LENGTH_TARGET;
    /**
     * Sizes probed, in order, sealed bytes: common tunnel and link MTUs less IP and UDP headers, up to the largest
     * datagram this node sends (an Ethernet MTU less IPv4 and UDP headers).
     */
    static final int[] PROBE_LENGTHS = {1280, 1400, 1452, PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX};
    /**
     * Consecutive probe timeouts of the reliable lane, while datagrams larger than {@link #BASE_LENGTH} are in use, that
     * are taken for a black hole: the path stopped carrying the confirmed size (RFC 8899 §4.3).
     */
    public static final int BLACK_HOLE_PROBE_TIMEOUTS = 3;
    /** Unanswered probes of one size after which it is taken as too large. */
    public static final int PROBE_LOSSES_MAX = 3;
    /**
     * Time between probes, and how long a probe may go unanswered before it counts as lost: at most one probe per
     * interval, so probing costs one small exchange every 2 s while the search runs (about 10 s without loss).
     */
    public static final long PROBE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);

    private int confirmedLength = BASE_LENGTH;
    /** Index into {@link #PROBE_LENGTHS} of the size being searched; its length when the search is over. */
    private int candidate;

    private int losses;
    private boolean started;
    private long nextProbeNs = Long.MAX_VALUE;
    private boolean awaiting;
    private long awaitedId;
    private long probesSent;
    private long blackHoles;

    /** The largest datagram confirmed to reach the peer, sealed bytes. */
    public int datagramLengthMax() {
        return confirmedLength;
    }

    /** Whether the search is over (the largest size confirmed, or the next one lost too often). */
    public boolean converged() {
        return candidate >= PROBE_LENGTHS.length;
    }

    public long probesSent() {
        return probesSent;
    }

    /** Times the confirmed size was abandoned for a suspected black hole. */
    public long blackHoles() {
        return blackHoles;
    }

    /**
     * The reliable lane suspects a black hole: back to {@link #BASE_LENGTH}, and the search starts over one interval
     * later (so a size that still passes is found again). Returns false, changing nothing, when already at the base.
     */
    public boolean onBlackHole() {
        if (confirmedLength == BASE_LENGTH) {
            return false;
        }
        confirmedLength = BASE_LENGTH;
        candidate = 0;
        losses = 0;
        awaiting = false;
        started = false;
        nextProbeNs = Long.MAX_VALUE;
        blackHoles++;
        return true;
    }

    /** When {@link #probeDue} next has something to do, {@link Long#MAX_VALUE} once converged or before start. */
    public long nextProbeNs() {
        return converged() ? Long.MAX_VALUE : nextProbeNs;
    }

    /**
     * The size of the probe to send at {@code nowNs} (then call {@link #probeSent}), or 0 when none is due. The first
     * call starts the search: the first probe goes one interval later. A probe still unanswered when the next is due is
     * counted lost.
     */
    public int probeDue(long nowNs) {
        if (converged()) {
            return 0;
        }
        if (!started) {
            started = true;
            nextProbeNs = nowNs + PROBE_INTERVAL_NS;
            return 0;
        }
        if (nowNs < nextProbeNs) {
            return 0;
        }
        if (awaiting) {
            awaiting = false;
            if (++losses >= PROBE_LOSSES_MAX) {
                candidate = PROBE_LENGTHS.length; // the ceiling: the last confirmed size stays
                return 0;
            }
        }
        return PROBE_LENGTHS[candidate];
    }

    /**
     * A probe of the size {@link #probeDue} gave left at {@code nowNs}, carrying PING {@code pingId}: a PING that {@link
     * Liveness} awaits like a keepalive's, so its PONG also yields round-trip and clock samples.
     */
    public void probeSent(long pingId, long nowNs) {
        awaiting = true;
        awaitedId = pingId;
        probesSent++;
        nextProbeNs = nowNs + PROBE_INTERVAL_NS;
    }

    /**
     * A PONG answering PING {@code pingId} arrived. Returns true when it answers the awaited probe, whose size is then
     * confirmed.
     */
    public boolean onPong(long pingId) {
        if (!awaiting || pingId != awaitedId) {
            return false;
        }
        awaiting = false;
        confirmedLength = PROBE_LENGTHS[candidate++];
        losses = 0;
        return true;
    }
}
