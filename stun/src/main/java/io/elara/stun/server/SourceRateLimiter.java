package io.elara.stun.server;

import java.net.InetSocketAddress;

/**
 * How many answers a node may send to unauthenticated requests (STUN Binding requests, handshake initiations under
 * load): a token bucket for all sources and one per source, the sources hashed into {@link #SOURCE_BUCKETS} buckets so
 * that a flood from spoofed addresses costs no memory (as wireguard-go's rate limiter, which also keys on the source).
 * One thread only; allocates nothing.
 */
public final class SourceRateLimiter {
    /** Buckets the sources are hashed into. */
    public static final int SOURCE_BUCKETS = 4_096;

    private static final long SECOND_NS = 1_000_000_000L;

    private final int ratePerSecond;
    private final int burst;
    private final int sourceRatePerSecond;
    private final int sourceBurst;
    /** Tokens in thousandths, so that a refill of less than one token a call is not lost to rounding. */
    private long tokensMilli;

    private long updatedNs;
    private boolean started;

    private final long[] sourceTokensMilli = new long[SOURCE_BUCKETS];
    private final long[] sourceUpdatedNs = new long[SOURCE_BUCKETS];
    private final boolean[] sourceStarted = new boolean[SOURCE_BUCKETS];

    /**
     * @param ratePerSecond answers a second to all sources
     * @param burst answers to all sources at once
     * @param sourceRatePerSecond answers a second to one source (its bucket)
     * @param sourceBurst answers to one source at once
     */
    public SourceRateLimiter(int ratePerSecond, int burst, int sourceRatePerSecond, int sourceBurst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.sourceRatePerSecond = sourceRatePerSecond;
        this.sourceBurst = sourceBurst;
    }

    /** Takes a token from the bucket of all sources and from {@code from}'s; false, taking none, when either is empty. */
    public boolean admit(InetSocketAddress from, long nowNs) {
        if (!started) {
            started = true;
            updatedNs = nowNs;
            tokensMilli = burst * 1000L;
        }
        tokensMilli = refill(tokensMilli, nowNs - updatedNs, ratePerSecond, burst);
        updatedNs = nowNs;
        int slot = Math.floorMod(from.getAddress().hashCode() * 31 + from.getPort(), SOURCE_BUCKETS);
        long sourceTokens = sourceStarted[slot]
                ? refill(sourceTokensMilli[slot], nowNs - sourceUpdatedNs[slot], sourceRatePerSecond, sourceBurst)
                : sourceBurst * 1000L;
        sourceStarted[slot] = true;
        sourceUpdatedNs[slot] = nowNs;
        if (tokensMilli < 1000 || sourceTokens < 1000) {
            sourceTokensMilli[slot] = sourceTokens;
            return false;
        }
        tokensMilli -= 1000;
        sourceTokensMilli[slot] = sourceTokens - 1000;
        return true;
    }

    /** {@code tokens} (thousandths) after {@code elapsedNs} at {@code rate} a second, at most {@code burst}. */
    private static long refill(long tokens, long elapsedNs, int rate, int burst) {
        if (elapsedNs <= 0) {
            return tokens;
        }
        long added = elapsedNs >= SECOND_NS * 1000 ? burst * 1000L : elapsedNs * rate / 1_000_000L;
        return Math.min(burst * 1000L, tokens + added);
    }
}
