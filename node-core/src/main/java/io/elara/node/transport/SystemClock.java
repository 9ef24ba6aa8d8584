package io.elara.node.transport;

import io.elara.node.time.Clock;
import java.time.Instant;

/**
 * Wall time anchored once at creation and advanced by the monotonic clock, so it never runs backwards while a node
 * runs (a wall-clock step shows up at the next start). Nanoseconds since the Unix epoch.
 */
public final class SystemClock implements Clock {
    private final long baseEpochNs;
    private final long baseNanoTime;

    public SystemClock() {
        Instant now = Instant.now();
        this.baseNanoTime = System.nanoTime();
        this.baseEpochNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long nowNs() {
        return baseEpochNs + (System.nanoTime() - baseNanoTime);
    }
}
