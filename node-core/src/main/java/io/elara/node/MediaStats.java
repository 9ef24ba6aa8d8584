package io.elara.node;

/**
 * One peer's latency-first lane, counted since the peer entry was made: what was sent, what the sender dropped and why,
 * and what the receiver delivered or dropped and why. Frame counts; bytes include frame headers.
 */
public record MediaStats(
        long framesSent,
        long bytesSent,
        int queuedFrames,
        long droppedDeadline,
        long droppedSuperseded,
        long droppedPressure,
        long delivered,
        long stale,
        long late,
        long overStreamLimit) {}
