package io.elara.node.gossip;

import java.util.concurrent.TimeUnit;

/**
 * Tuning of a {@link GossipNode}. Every bound is a count or a byte size; every delay is in nanoseconds. The defaults
 * are the values the simulator suites measure (docs/GOSSIP.md).
 *
 * @param activeViewSize neighbours a node keeps links to (the overlay's degree bound)
 * @param passiveViewSize members a node remembers as replacements for failed neighbours
 * @param eagerFanout payload copies a node sends when it first receives a message: its tree (eager) neighbours, topped
 *     up with randomly chosen lazy ones marked redundant when the tree gives fewer
 * @param redundantHopsMax the top-up applies to copies at most this many hops from the origin; beyond, the tree alone
 *     pushes (by then almost every member has the message, so extra copies would be duplicates). 0 derives it from the
 *     session size n as ceil(ln n / ln(eagerFanout - 1)), the hops a push epidemic of that fanout needs
 * @param seenMax message ids remembered for duplicate suppression (oldest forgotten first)
 * @param cacheMax payloads kept to answer GRAFTs and anti-entropy pulls (oldest forgotten first)
 * @param missingMax announced but not yet received ids the node tracks at once
 * @param ihaveDelayNs how long lazy IHAVE ids wait to share a frame; 0 sends them at the end of the current input
 * @param graftTimeoutNs how long after an IHAVE the node waits for the payload before it sends a GRAFT
 * @param graftRetryNs how long after a GRAFT it asks the next announcer
 * @param heartbeatIntervalNs a link quiet this long in the sending direction gets a HEARTBEAT
 * @param failureTimeoutNs a neighbour not heard from for this long is replaced from the passive view
 * @param neighborRequestTimeoutNs a NEIGHBOR request unanswered for this long is abandoned
 * @param fillIntervalNs least time between two rounds of NEIGHBOR requests while the active view is short
 * @param antiEntropyIntervalNs period of the digest exchange with one random member
 * @param queueBytesMax bytes queued towards one neighbour at most; past half of it the neighbour gets IHAVEs, not
 *     payloads
 * @param slowPeerTimeoutNs a neighbour whose queue stays above half its bound this long is dropped from the active view
 */
public record GossipConfig(
        int activeViewSize,
        int passiveViewSize,
        int eagerFanout,
        int redundantHopsMax,
        int seenMax,
        int cacheMax,
        int missingMax,
        long ihaveDelayNs,
        long graftTimeoutNs,
        long graftRetryNs,
        long heartbeatIntervalNs,
        long failureTimeoutNs,
        long neighborRequestTimeoutNs,
        long fillIntervalNs,
        long antiEntropyIntervalNs,
        int queueBytesMax,
        long slowPeerTimeoutNs) {
    /** Pending IHAVE ids towards one neighbour at most; more are dropped and left to anti-entropy. */
    public static final int PENDING_IHAVE_MAX = 256;
    /** Announcers remembered per missing id. */
    public static final int ANNOUNCERS_MAX = 8;

    public static final GossipConfig DEFAULT = new GossipConfig(
            10,
            32,
            8,
            0,
            65_536,
            1_024,
            1_024,
            0,
            TimeUnit.MILLISECONDS.toNanos(100),
            TimeUnit.MILLISECONDS.toNanos(60),
            TimeUnit.MILLISECONDS.toNanos(1_000),
            TimeUnit.MILLISECONDS.toNanos(3_500),
            TimeUnit.MILLISECONDS.toNanos(1_000),
            TimeUnit.MILLISECONDS.toNanos(200),
            TimeUnit.MILLISECONDS.toNanos(1_000),
            64 * 1024,
            TimeUnit.MILLISECONDS.toNanos(2_000));

    public GossipConfig {
        if (activeViewSize < 1 || passiveViewSize < 0 || eagerFanout < 1 || eagerFanout > activeViewSize) {
            throw new IllegalArgumentException(
                    "views need activeViewSize >= eagerFanout >= 1 and passiveViewSize >= 0");
        }
        if (redundantHopsMax < 0) {
            throw new IllegalArgumentException("redundantHopsMax cannot be negative");
        }
        if (seenMax < 1 || cacheMax < 1 || missingMax < 1 || queueBytesMax < 2 * GossipFrame.FRAME_LENGTH_MAX) {
            throw new IllegalArgumentException("bounds must be positive and a queue must hold two full frames");
        }
        if (ihaveDelayNs < 0
                || graftTimeoutNs < 0
                || graftRetryNs <= 0
                || heartbeatIntervalNs <= 0
                || failureTimeoutNs <= heartbeatIntervalNs
                || neighborRequestTimeoutNs <= 0
                || fillIntervalNs <= 0
                || antiEntropyIntervalNs <= 0
                || slowPeerTimeoutNs <= 0) {
            throw new IllegalArgumentException("delays must be positive, and the failure timeout above the heartbeat");
        }
    }

    /** This configuration with another view size, fanout and redundant-hop limit. */
    public GossipConfig withFanout(int size, int fanout, int hopsMax) {
        return new GossipConfig(
                size,
                passiveViewSize,
                fanout,
                hopsMax,
                seenMax,
                cacheMax,
                missingMax,
                ihaveDelayNs,
                graftTimeoutNs,
                graftRetryNs,
                heartbeatIntervalNs,
                failureTimeoutNs,
                neighborRequestTimeoutNs,
                fillIntervalNs,
                antiEntropyIntervalNs,
                queueBytesMax,
                slowPeerTimeoutNs);
    }

    /** The hop limit of the redundant top-up in a session of {@code members} nodes (see {@code redundantHopsMax}). */
    public int redundantHops(int members) {
        if (redundantHopsMax > 0) {
            return redundantHopsMax;
        }
        if (eagerFanout <= 2 || members <= 2) {
            return members;
        }
        return (int) Math.ceil(Math.log(members) / Math.log(eagerFanout - 1));
    }
}
