package io.elara.testing.clock;

import java.time.Duration;

/**
 * A clock that moves only when a test moves it. {@code clock::nowNs} fits any {@code LongSupplier}-shaped clock
 * interface, so this class needs no dependency on the code under test.
 */
public final class ManualClock {
    private long nowNs;

    /** Starts at {@code startNs} nanoseconds (since the Unix epoch, by convention). */
    public ManualClock(long startNs) {
        this.nowNs = startNs;
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(1_767_225_600_000_000_000L);
    }

    public long nowNs() {
        return nowNs;
    }

    public long nowMs() {
        return nowNs / 1_000_000L;
    }

    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a manual clock only moves forward: " + by);
        }
        nowNs += by.toNanos();
    }

    public void advanceNs(long byNs) {
        advance(Duration.ofNanos(byNs));
    }

    /** Sets the time, forward or backward: tests of clock jumps need both. */
    public void set(long nowNs) {
        this.nowNs = nowNs;
    }
}
