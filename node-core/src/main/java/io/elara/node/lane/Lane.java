package io.elara.node.lane;

/**
 * The delivery contracts a peer's traffic travels under (ARCHITECTURE.md, "Transport and wire protocol"). Each {@link
 * TrafficClass} names the lane it goes on.
 */
public enum Lane {
    /** Ordered per stream, acknowledged and retransmitted until the delivery timeout: text, state, membership. */
    RELIABLE,
    /** Small, reliable, and ahead of everything else queued: handshakes, invites, keyframe requests. */
    SIGNAL,
    /**
     * Unreliable: never retransmitted, newest wins per stream, dropped once past its deadline: voice, visual deltas.
     * See {@link LatencyFirstSender} and {@link LatencyFirstReceiver}.
     */
    LATENCY_FIRST,
    /** A zero-copy hand-off between nodes in one JVM (tests, the simulator, embedding). */
    IN_PROCESS
}
