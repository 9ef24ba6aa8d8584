package io.elara.node.media;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The degradation ladder of one link: from what is measured on it each interval (loss, round-trip time, jitter, and
 * the share of media its lane had to drop for want of bandwidth) it decides the {@link DegradationLevel} media should
 * be sent at. Pure logic, time is an argument; one per peer, on the loop thread.
 *
 * <p>Down: when any measure stays over its threshold for {@link Thresholds#downAfterNs}, one rung down; the next step
 * down needs the same time again, so the sender's change shows in the measures first. A severe measure (the last
 * interval's loss, or queue drops, over {@link #SEVERE} times the threshold: a path that just lost most of its
 * bandwidth) steps down at once, and again after half that time while it lasts, because every second at a rate the
 * path cannot carry fills its queue and delays text behind the media. Up: when every measure stays
 * under half its threshold (the hysteresis band) for {@link Thresholds#upAfterNs}, one rung up. A measure between half
 * and all of its threshold holds the rung. A step up that is followed by a step down within twice the wait (the path
 * could not carry the rung above) doubles the wait before the next try, up to eight times, so a capped path settles on
 * the rung it carries instead of flapping; the wait is back to normal once a rung has held for four waits. Round-trip
 * time and jitter alone take the ladder no lower than {@link DegradationLevel#LOW_VOICE}; only loss and queue drops
 * (a path short of bandwidth) take it to text only.
 */
public final class DegradationLadder {
    /** Longest wait before a step up, as a multiple of {@link Thresholds#upAfterNs}. */
    static final int BACKOFF_MAX = 8;

    /** A measure this many times over its threshold steps down without waiting. */
    static final int SEVERE = 3;

    /**
     * The thresholds, from the config file's {@code degradation:} section.
     *
     * @param loss share of packets lost on the path (0 to 1): media the receivers report missing, or reliable frames
     *     sent again
     * @param rttNs smoothed round-trip time
     * @param jitterNs round-trip time variation
     * @param queueDrops share of media frames this node's lane dropped because the congestion window, its estimate of
     *     the path's bandwidth, had no room for them (0 to 1)
     * @param downAfterNs how long a measure stays over its threshold before a step down
     * @param upAfterNs how long every measure stays under half its threshold before a step up
     * @param floor the lowest rung the ladder goes down to
     */
    public record Thresholds(
            double loss,
            long rttNs,
            long jitterNs,
            double queueDrops,
            long downAfterNs,
            long upAfterNs,
            DegradationLevel floor) {
        public static final Thresholds DEFAULTS = new Thresholds(
                0.10,
                TimeUnit.MILLISECONDS.toNanos(500),
                TimeUnit.MILLISECONDS.toNanos(150),
                0.10,
                TimeUnit.SECONDS.toNanos(2),
                TimeUnit.SECONDS.toNanos(10),
                DegradationLevel.TEXT_ONLY);
    }

    /**
     * What was measured over one interval; a measure that could not be taken (too few packets, no sample yet) is NaN
     * or negative and counts as good.
     *
     * @param loss share lost, 0 to 1, or NaN
     * @param rttNs smoothed round-trip time, or negative
     * @param jitterNs round-trip time variation, or negative
     * @param queueDrops share of media dropped in the sender's queue, 0 to 1, or NaN
     * @param lossNow the last interval's loss alone (the {@code loss} may be smoothed over several), or NaN
     */
    public record Sample(double loss, long rttNs, long jitterNs, double queueDrops, double lossNow) {
        public static final Sample UNKNOWN = new Sample(Double.NaN, -1, -1, Double.NaN, Double.NaN);

        public Sample(double loss, long rttNs, long jitterNs, double queueDrops) {
            this(loss, rttNs, jitterNs, queueDrops, Double.NaN);
        }
    }

    private final Thresholds thresholds;
    private DegradationLevel level = DegradationLevel.FULL;
    private String reason = "no measure over its threshold";
    private long lastSampleNs = Long.MIN_VALUE;
    private long badSinceNs = Long.MIN_VALUE;
    private long goodSinceNs = Long.MIN_VALUE;
    private long lastChangeNs = Long.MIN_VALUE;
    private long lastUpNs = Long.MIN_VALUE;
    private long lastDownNs = Long.MIN_VALUE;
    private int backoff = 1;
    private long stepsDown;
    private long stepsUp;

    public DegradationLadder(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** Takes one interval's measures, ending at {@code nowNs}; returns the level from now on. */
    public DegradationLevel sample(Sample sample, long nowNs) {
        long intervalStartNs = lastSampleNs == Long.MIN_VALUE ? nowNs : lastSampleNs;
        lastSampleNs = nowNs;
        String over = over(sample);
        if (over != null) {
            goodSinceNs = Long.MIN_VALUE;
            if (badSinceNs == Long.MIN_VALUE) {
                badSinceNs = intervalStartNs;
            }
            boolean severe = severe(sample);
            boolean due = severe
                    ? lastDownNs == Long.MIN_VALUE || nowNs - lastDownNs >= thresholds.downAfterNs() / 2
                    : nowNs - badSinceNs >= thresholds.downAfterNs();
            DegradationLevel floor = bandwidthShort(sample)
                    ? thresholds.floor()
                    : higher(thresholds.floor(), DegradationLevel.LOW_VOICE);
            if (due && level.compareTo(floor) < 0) {
                if (lastUpNs != Long.MIN_VALUE && nowNs - lastUpNs < 2 * thresholds.upAfterNs() * backoff) {
                    backoff = Math.min(BACKOFF_MAX, backoff * 2);
                    lastUpNs = Long.MIN_VALUE; // one failed try doubles the wait once, however many steps it costs
                }
                change(level.down(), severe ? over + ", at once" : over, nowNs);
                stepsDown++;
                lastDownNs = nowNs;
                badSinceNs = nowNs;
            }
            return level;
        }
        badSinceNs = Long.MIN_VALUE;
        if (!good(sample)) {
            goodSinceNs = Long.MIN_VALUE;
            return level;
        }
        if (goodSinceNs == Long.MIN_VALUE) {
            goodSinceNs = intervalStartNs;
        }
        if (lastChangeNs != Long.MIN_VALUE && nowNs - lastChangeNs >= 4 * thresholds.upAfterNs() * backoff) {
            backoff = 1;
        }
        if (level != DegradationLevel.FULL && nowNs - goodSinceNs >= thresholds.upAfterNs() * backoff) {
            change(level.up(), "every measure under half its threshold for " + seconds(nowNs - goodSinceNs), nowNs);
            stepsUp++;
            lastUpNs = nowNs;
            goodSinceNs = nowNs;
        }
        return level;
    }

    private void change(DegradationLevel to, String why, long nowNs) {
        level = to;
        reason = why;
        lastChangeNs = nowNs;
    }

    /** The first measure over its threshold, described, or null. */
    private String over(Sample s) {
        double loss = !Double.isNaN(s.lossNow()) && s.lossNow() > SEVERE * thresholds.loss() ? s.lossNow() : s.loss();
        if (!Double.isNaN(loss) && loss > thresholds.loss()) {
            return "loss " + percent(loss) + " over " + percent(thresholds.loss());
        }
        if (!Double.isNaN(s.queueDrops()) && s.queueDrops() > thresholds.queueDrops()) {
            return "bandwidth: " + percent(s.queueDrops()) + " of media dropped in the queue, over "
                    + percent(thresholds.queueDrops());
        }
        if (s.rttNs() > thresholds.rttNs()) {
            return "round trip " + millis(s.rttNs()) + " over " + millis(thresholds.rttNs());
        }
        if (s.jitterNs() > thresholds.jitterNs()) {
            return "jitter " + millis(s.jitterNs()) + " over " + millis(thresholds.jitterNs());
        }
        return null;
    }

    /** Whether the last interval's loss, or the queue drops, are over {@link #SEVERE} times their threshold. */
    private boolean severe(Sample s) {
        return (!Double.isNaN(s.lossNow()) && s.lossNow() > SEVERE * thresholds.loss())
                || (!Double.isNaN(s.queueDrops()) && s.queueDrops() > SEVERE * thresholds.queueDrops());
    }

    /**
     * Whether loss or queue drops are over their thresholds: the path is short of bandwidth, and sending less helps.
     * Round-trip time and jitter alone step down no further than {@code low-voice}: a slow path stays slow with no media
     * on it, and voice is what a call is for.
     */
    private boolean bandwidthShort(Sample s) {
        return (!Double.isNaN(s.loss()) && s.loss() > thresholds.loss())
                || (!Double.isNaN(s.lossNow()) && s.lossNow() > SEVERE * thresholds.loss())
                || (!Double.isNaN(s.queueDrops()) && s.queueDrops() > thresholds.queueDrops());
    }

    private static DegradationLevel higher(DegradationLevel a, DegradationLevel b) {
        return a.rung() <= b.rung() ? a : b;
    }

    /** Whether every known measure is under half its threshold. */
    private boolean good(Sample s) {
        return (Double.isNaN(s.loss()) || s.loss() <= thresholds.loss() / 2)
                && (Double.isNaN(s.queueDrops()) || s.queueDrops() <= thresholds.queueDrops() / 2)
                && s.rttNs() <= thresholds.rttNs() / 2
                && s.jitterNs() <= thresholds.jitterNs() / 2;
    }

    public DegradationLevel level() {
        return level;
    }

    /** Why the ladder last changed rung, for people. */
    public String reason() {
        return reason;
    }

    public long stepsDown() {
        return stepsDown;
    }

    public long stepsUp() {
        return stepsUp;
    }

    /** The current wait before a step up, as a multiple of the configured one (1 to {@link #BACKOFF_MAX}). */
    public int backoff() {
        return backoff;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String millis(long ns) {
        return TimeUnit.NANOSECONDS.toMillis(ns) + " ms";
    }

    private static String seconds(long ns) {
        return String.format(Locale.ROOT, "%.0f s", ns / 1e9);
    }
}
