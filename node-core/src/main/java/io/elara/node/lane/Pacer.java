package io.elara.node.lane;

/**
 * Spreads a peer's sends over the round trip instead of sending a whole window at once (RFC 9002 §7.7): a token bucket
 * refilled at {@link #PACING_GAIN_PERCENT} % of window ÷ smoothed RTT, holding at most {@link #BURST_DATAGRAMS}
 * datagrams. Without it, a window opened by one acknowledgement leaves as one burst that a shallow router queue
 * drops. Loop thread only; time is an argument.
 */
public final class Pacer {
    /** RFC 9002 §7.7 suggests N = 1.25, so pacing itself never holds the window back. */
    public static final int PACING_GAIN_PERCENT = 125;

    /** Largest burst, in datagrams: RFC 9002 allows the initial window; ten datagrams is that. */
    public static final int BURST_DATAGRAMS = 10;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long burstBytes;
    /** Bytes that may leave now; fractional, so that refills in small steps are not lost to rounding. */
    private double tokens;

    private long lastRefillNs;
    private boolean started;

    public Pacer() {
        this.burstBytes = (long) BURST_DATAGRAMS * CongestionWindow.DATAGRAM_BYTES;
        this.tokens = (double) burstBytes;
    }

    /**
     * When {@code bytes} may leave: {@code nowNs} if now, else the earliest instant. {@code windowBytes} and {@code
     * smoothedRttNs} give the rate; with no RTT yet ({@code smoothedRttNs <= 0}) nothing is held back.
     */
    public long sendableAtNs(int bytes, long windowBytes, long smoothedRttNs, long nowNs) {
        refill(windowBytes, smoothedRttNs, nowNs);
        if (smoothedRttNs <= 0 || tokens >= bytes) {
            return nowNs;
        }
        long rate = bytesPerSecond(windowBytes, smoothedRttNs);
        double missing = bytes - tokens;
        // Rounded up: at the instant returned, the refill covers the missing bytes.
        return nowNs + Math.max(1, (long) Math.ceil(missing * NANOS_PER_SECOND / rate));
    }

    /** Takes {@code bytes} from the bucket (it may go negative by one datagram's worth: the next send then waits). */
    public void onSent(int bytes, long windowBytes, long smoothedRttNs, long nowNs) {
        refill(windowBytes, smoothedRttNs, nowNs);
        tokens -= bytes;
    }

    /** The pacing rate for a window and RTT, in bytes per second. */
    public static long bytesPerSecond(long windowBytes, long smoothedRttNs) {
        double rate = (double) windowBytes * PACING_GAIN_PERCENT / 100.0 * NANOS_PER_SECOND / smoothedRttNs;
        return Math.max(1, (long) Math.min(rate, Long.MAX_VALUE / 2.0));
    }

    private void refill(long windowBytes, long smoothedRttNs, long nowNs) {
        if (!started) {
            started = true;
            lastRefillNs = nowNs;
            return;
        }
        long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs <= 0) {
            return;
        }
        lastRefillNs = nowNs;
        if (smoothedRttNs <= 0) {
            tokens = (double) burstBytes;
            return;
        }
        long rate = bytesPerSecond(windowBytes, smoothedRttNs);
        // In doubles: elapsed × rate overflows a long after a long idle span, and whole-byte steps would lose the
        // fraction each refill adds.
        double added = (double) elapsedNs * rate / NANOS_PER_SECOND;
        tokens = Math.min((double) burstBytes, tokens + added);
    }
}
