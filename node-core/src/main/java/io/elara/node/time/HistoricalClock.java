package io.elara.node.time;

/**
 * The clock of a historical run: it stands still until the replay moves it to the next recorded time, so recorded
 * input is replayed at its recorded times as fast as the cycles run. Nanoseconds since the Unix epoch. Owned by the
 * thread that runs the replay.
 */
public final class HistoricalClock implements Clock {
    private long nowNs;

    public HistoricalClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long nowNs() {
        return nowNs;
    }

    /** Moves the clock to {@code timeNs}; a historical clock never goes back. */
    public void advanceTo(long timeNs) {
        if (timeNs < nowNs) {
            throw new IllegalArgumentException("a historical clock never goes back: " + timeNs + " < " + nowNs);
        }
        nowNs = timeNs;
    }
}
