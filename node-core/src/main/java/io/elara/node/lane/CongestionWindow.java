package io.elara.node.lane;

/**
 * Congestion control for one peer's reliable traffic: NewReno windows as RFC 9002 §7 specifies them for QUIC, with
 * HyStart++ (RFC 9406) leaving slow start when the round-trip time grows, before the queue overflows. Counted in bytes
 * of frames in flight. Loop thread only; time is an argument.
 *
 * <p>Why NewReno with HyStart++, not CUBIC or a BBR-like model: Elara's reliable traffic is chat, presence and state
 * — bursts well under a bandwidth-delay product on most paths, where every controller behaves alike and what matters
 * is that a burst does not overflow a home router's queue and that two flows share a bottleneck fairly. NewReno's
 * additive increase and halving converge to a fair share (Chiu and Jain), its behaviour is fully specified by RFC 9002
 * (so it can be checked line by line), and HyStart++ adds the reaction to delay that plain slow start lacks: a queue
 * building up shows as a larger minimum RTT in the next round, and the window then grows at a quarter of the speed.
 * CUBIC wins on long fat paths, which media rather than the reliable lane fill; BBR needs a bandwidth model whose
 * probing would disturb voice sharing the path. Media lanes are paced by their codec rate, not by this window.
 *
 * <p>States: slow start (the window grows by every byte acknowledged), conservative slow start (HyStart++ saw delay
 * grow: a quarter of that, for at most {@link #CSS_ROUNDS} rounds), congestion avoidance (one datagram per window
 * acknowledged), and recovery (from a loss until an acknowledgement of something sent after it; the window is halved
 * once per recovery period). Persistent congestion — every packet lost for three probe timeouts — resets the window
 * to {@link #WINDOW_BYTES_MIN}.
 *
 * <p>One departure from RFC 9002: a loss halves the window only when the path shows a queue — the smallest round trip
 * of this round and the last is at least {@link #QUEUE_DELAY_NS_MIN} or a quarter of the path's minimum above that
 * minimum. A loss with round trips at their minimum is counted ({@link #randomLosses}) and otherwise ignored: nothing
 * is queueing, so the datagram was lost to a radio, a lossy relay or a policer, and halving would not relieve anything
 * (under 5 % random loss NewReno keeps a handful of datagrams in flight; in the simulator 2,000 events at 10 % loss
 * took 12-14 s with plain NewReno and 2.2-2.8 s with this). Before the first RTT sample every loss is congestion. The
 * cost: on a path whose buffer is shallower than the threshold, congestion losses read as random; the lane's
 * 256-event window still bounds what is in flight there.
 */
public final class CongestionWindow {
    /** The datagram size the window is counted in (RFC 9002's max_datagram_size): Elara's starting path MTU. */
    public static final int DATAGRAM_BYTES = 1200;

    /** RFC 9002 §7.2: min(10 × size, max(14,720, 2 × size)). */
    public static final long WINDOW_BYTES_INITIAL =
            Math.min(10L * DATAGRAM_BYTES, Math.max(14_720L, 2L * DATAGRAM_BYTES));

    /** RFC 9002 §7.2: two datagrams. */
    public static final long WINDOW_BYTES_MIN = 2L * DATAGRAM_BYTES;

    /** A bound, so a long quiet loss-free run cannot grow a window no path has: 64 MiB. */
    public static final long WINDOW_BYTES_MAX = 64L << 20;

    /** HyStart++: RTT samples per round before a round's minimum is trusted. */
    static final int RTT_SAMPLES_MIN = 8;

    /** HyStart++: the delay increase that ends slow start is at least this... */
    static final long DELAY_THRESHOLD_NS_MIN = 4_000_000;

    /** ...and at most this. */
    static final long DELAY_THRESHOLD_NS_MAX = 16_000_000;

    /** HyStart++: in conservative slow start the window grows by a quarter of what slow start would. */
    static final int CSS_GROWTH_DIVISOR = 4;

    /** HyStart++: rounds of conservative slow start before congestion avoidance. */
    static final int CSS_ROUNDS = 5;

    /**
     * A loss counts as congestion only when the path shows at least this much queueing delay (the smallest RTT of the
     * last two rounds over the path's minimum), or a quarter of the minimum RTT if that is more.
     */
    static final long QUEUE_DELAY_NS_MIN = 1_000_000;

    /** The phase the window is in, for status output and tests. */
    public enum Phase {
        SLOW_START,
        CONSERVATIVE_SLOW_START,
        CONGESTION_AVOIDANCE,
        RECOVERY
    }

    private long windowBytes = WINDOW_BYTES_INITIAL;
    private long slowStartThresholdBytes = Long.MAX_VALUE;
    private long bytesInFlight;
    /** Media bytes sent and still counted against the window ({@link LatencyFirstSender} releases them by the clock). */
    private long mediaBytesInFlight;

    private long ackedBytesInAvoidance;
    private boolean inRecovery;
    private long recoveryStartNs = Long.MIN_VALUE;
    private long congestionEvents;
    private long randomLosses;

    // Queueing-delay estimate, kept in every phase: the path's minimum RTT and the minimum of the current round.
    private long pathMinRttNs = Long.MAX_VALUE;
    private long roundMinRttNs = Long.MAX_VALUE;
    private long previousRoundMinRttNs = Long.MAX_VALUE;

    // HyStart++ round tracking: a round ends when something sent at or after its start is acknowledged.
    private boolean hyStartActive = true;
    private boolean roundOpen;
    private long roundStartNs;
    private long lastRoundMinRttNs = Long.MAX_VALUE;
    private long currentRoundMinRttNs = Long.MAX_VALUE;
    private int roundRttSamples;
    private boolean conservative;
    private long cssBaselineMinRttNs = Long.MAX_VALUE;
    private int cssRounds;

    /**
     * Whether {@code bytes} more reliable frames may be sent now, on top of everything in flight (media included). A
     * sender with nothing of its own in flight may always send one datagram, so media never stops the reliable lane.
     */
    public boolean canSend(int bytes) {
        return bytesInFlight == 0 || bytesInFlight + mediaBytesInFlight + bytes <= windowBytes;
    }

    /** Bytes that may still be sent before the window is full (0 when it is), media in flight included. */
    public long availableBytes() {
        return Math.max(0, windowBytes - bytesInFlight - mediaBytesInFlight);
    }

    /**
     * Whether a media frame of {@code bytes} may be sent now: it must fit on top of everything in flight, reliable and
     * media; with nothing at all in flight, one may go. See {@link LatencyFirstSender} for how media shares the window.
     */
    public boolean canSendMedia(int bytes) {
        long inFlight = bytesInFlight + mediaBytesInFlight;
        return inFlight == 0 || inFlight + bytes <= windowBytes;
    }

    /**
     * Counts {@code bytes} of media sent. Media is never acknowledged: it takes no part in loss detection, round
     * tracking or growth, and leaves by {@link #onMediaReleased} when its sender's hold time is over.
     */
    public void onMediaSent(int bytes) {
        mediaBytesInFlight += bytes;
    }

    /** {@code bytes} of media sent earlier no longer count in flight. */
    public void onMediaReleased(int bytes) {
        mediaBytesInFlight = Math.max(0, mediaBytesInFlight - bytes);
    }

    /** Bytes of media counted in flight. */
    public long mediaBytesInFlight() {
        return mediaBytesInFlight;
    }

    /** Counts {@code bytes} sent at {@code nowNs} (first transmissions and retransmissions alike). */
    public void onSent(int bytes, long nowNs) {
        bytesInFlight += bytes;
        if (!roundOpen) {
            roundOpen = true;
            roundStartNs = nowNs;
        }
    }

    /**
     * {@code bytes} sent at {@code sentNs} were acknowledged at {@code nowNs}; {@code rttSampleNs} is the RTT sample
     * this acknowledgement gave (already less the peer's acknowledgement delay), or a negative number when it gave none.
     */
    public void onAcked(int bytes, long sentNs, long rttSampleNs, long nowNs) {
        bytesInFlight = Math.max(0, bytesInFlight - bytes);
        if (roundOpen && sentNs >= roundStartNs) {
            // RFC 9406: a round ends when data sent after it began is acknowledged; the next one begins now, and its
            // RTT samples are those of the data in flight (sent in the round just ended).
            endRound();
            roundOpen = true;
            roundStartNs = nowNs;
        }
        if (rttSampleNs >= 0) {
            onRttSample(rttSampleNs);
        }
        if (sentNs <= recoveryStartNs) {
            return; // RFC 9002 §7.3.2: no growth for what was in flight when the loss was seen.
        }
        inRecovery = false;
        if (windowBytes < slowStartThresholdBytes) {
            long growth = conservative ? Math.max(1, bytes / CSS_GROWTH_DIVISOR) : bytes;
            windowBytes = Math.min(WINDOW_BYTES_MAX, windowBytes + growth);
        } else {
            // Congestion avoidance: one datagram per window's worth of acknowledged bytes.
            ackedBytesInAvoidance += bytes;
            if (ackedBytesInAvoidance >= windowBytes) {
                ackedBytesInAvoidance -= windowBytes;
                windowBytes = Math.min(WINDOW_BYTES_MAX, windowBytes + DATAGRAM_BYTES);
            }
        }
    }

    /**
     * {@code bytes} sent at {@code sentNs} were declared lost at {@code nowNs}. The first loss of a recovery period
     * halves the window; losses of what was sent before that period began change nothing more.
     */
    public void onLost(int bytes, long sentNs, long nowNs) {
        bytesInFlight = Math.max(0, bytesInFlight - bytes);
        if (sentNs <= recoveryStartNs) {
            return; // sent before the current recovery period began: that period already answered it
        }
        if (!queueing()) {
            // The round trip is at the path's minimum: no queue is building, so the datagram was not dropped for want
            // of room (a radio, a lossy relay, a policer). Halving would only slow the sender down without relieving
            // anything — under 5 % random loss NewReno keeps a handful of datagrams in flight.
            randomLosses++;
            return;
        }
        congestionEvents++;
        inRecovery = true;
        recoveryStartNs = nowNs;
        hyStartActive = false;
        conservative = false;
        windowBytes = Math.max(WINDOW_BYTES_MIN, windowBytes / 2);
        slowStartThresholdBytes = windowBytes;
        ackedBytesInAvoidance = 0;
    }

    /**
     * Whether the path shows a queue: the smallest RTT of this round and the last is {@link #QUEUE_DELAY_NS_MIN} or a
     * quarter of the path's minimum RTT above that minimum. Without any sample yet,
     * yes: a loss then is treated as congestion, as plain NewReno does.
     */
    private boolean queueing() {
        if (pathMinRttNs == Long.MAX_VALUE) {
            return true;
        }
        // Over two rounds, so that a round with few samples (a small window) does not read jitter as a queue.
        long recent = Math.min(roundMinRttNs, previousRoundMinRttNs);
        if (recent == Long.MAX_VALUE) {
            return true;
        }
        long thresholdNs = Math.max(QUEUE_DELAY_NS_MIN, pathMinRttNs / 4);
        return recent - pathMinRttNs >= thresholdNs;
    }

    /** RFC 9002 §7.6: everything sent over a long enough span was lost; start again from the minimum window. */
    public void onPersistentCongestion() {
        windowBytes = WINDOW_BYTES_MIN;
        inRecovery = false;
        recoveryStartNs = Long.MIN_VALUE; // RFC 9002 §7.6.2: the next loss is a new congestion event
        ackedBytesInAvoidance = 0;
    }

    /** What was in flight will not be acknowledged (the lane started over): forget it, keep the window. */
    public void onInFlightDiscarded() {
        bytesInFlight = 0;
    }

    /** An RTT sample (less the peer's acknowledgement delay); {@link #onAcked} takes one too. */
    public void onRttSample(long rttNs) {
        pathMinRttNs = Math.min(pathMinRttNs, rttNs);
        roundMinRttNs = Math.min(roundMinRttNs, rttNs);
        sampleRtt(rttNs);
    }

    private void sampleRtt(long rttNs) {
        if (!hyStartActive || windowBytes >= slowStartThresholdBytes) {
            return;
        }
        currentRoundMinRttNs = Math.min(currentRoundMinRttNs, rttNs);
        roundRttSamples++;
        if (roundRttSamples < RTT_SAMPLES_MIN
                || lastRoundMinRttNs == Long.MAX_VALUE
                || currentRoundMinRttNs == Long.MAX_VALUE) {
            return;
        }
        if (!conservative) {
            long thresholdNs =
                    Math.max(DELAY_THRESHOLD_NS_MIN, Math.min(DELAY_THRESHOLD_NS_MAX, lastRoundMinRttNs / 8));
            if (currentRoundMinRttNs >= lastRoundMinRttNs + thresholdNs) {
                conservative = true;
                cssBaselineMinRttNs = currentRoundMinRttNs;
                cssRounds = 0;
            }
        } else if (currentRoundMinRttNs < cssBaselineMinRttNs) {
            // The delay increase was spurious: back to slow start (RFC 9406 §4.3).
            conservative = false;
            cssBaselineMinRttNs = Long.MAX_VALUE;
        }
    }

    private void endRound() {
        roundOpen = false;
        if (roundMinRttNs != Long.MAX_VALUE) {
            previousRoundMinRttNs = roundMinRttNs;
        }
        roundMinRttNs = Long.MAX_VALUE;
        if (currentRoundMinRttNs != Long.MAX_VALUE && roundRttSamples >= RTT_SAMPLES_MIN) {
            lastRoundMinRttNs = currentRoundMinRttNs;
        }
        currentRoundMinRttNs = Long.MAX_VALUE;
        roundRttSamples = 0;
        if (conservative && ++cssRounds >= CSS_ROUNDS) {
            // Delay kept growing for CSS_ROUNDS rounds: the path is full, stop probing exponentially.
            conservative = false;
            hyStartActive = false;
            slowStartThresholdBytes = windowBytes;
        }
    }

    public long windowBytes() {
        return windowBytes;
    }

    public long bytesInFlight() {
        return bytesInFlight;
    }

    public long slowStartThresholdBytes() {
        return slowStartThresholdBytes;
    }

    /** Times the window was cut for a loss. */
    public long congestionEvents() {
        return congestionEvents;
    }

    /** Losses seen while the path showed no queue, which left the window as it was. */
    public long randomLosses() {
        return randomLosses;
    }

    public Phase phase() {
        if (inRecovery) {
            return Phase.RECOVERY;
        }
        if (windowBytes >= slowStartThresholdBytes) {
            return Phase.CONGESTION_AVOIDANCE;
        }
        return conservative ? Phase.CONSERVATIVE_SLOW_START : Phase.SLOW_START;
    }
}
