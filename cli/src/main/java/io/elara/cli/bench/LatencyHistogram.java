package io.elara.cli.bench;

/**
 * Counts of non-negative values (microseconds here) in log-linear buckets: exact below 128, then 64 buckets per power
 * of two, so a percentile read back is within 1/64 (1.6 %) of the value recorded. Fixed size (2,496 counters, about
 * 20 KB) whatever the number of samples, so the receiver can record every event of a long run without growing; an
 * exact sorted array would need 8 bytes per event. Not thread-safe: one thread records, and reads happen on the same
 * thread or under the owner's lock.
 */
public final class LatencyHistogram {
    /** Values below this are counted exactly. */
    private static final int LINEAR_MAX = 128;
    /** Sub-buckets per power of two above {@link #LINEAR_MAX}, as a bit count. */
    private static final int SUB_BITS = 6;

    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Values from 2^44 (µs: about 200 days) up share the top bucket. */
    private static final int EXPONENT_MAX = 44;

    private final long[] counts = new long[LINEAR_MAX + (EXPONENT_MAX - 7) * SUB_BUCKETS];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    /** Counts {@code value}; a negative one counts as 0 (the caller decides whether that is an error). */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    public long count() {
        return total;
    }

    /** The largest value recorded, exactly; 0 when empty. */
    public long max() {
        return total == 0 ? 0 : max;
    }

    /** The smallest value recorded, exactly; 0 when empty. */
    public long min() {
        return total == 0 ? 0 : min;
    }

    /**
     * The value at {@code quantile} (0 to 1): the middle of the bucket that holds the sample of rank
     * {@code ceil(quantile × count)}, never more than {@link #max()}; 0 when empty.
     */
    public long valueAt(double quantile) {
        if (quantile < 0 || quantile > 1) {
            throw new IllegalArgumentException("a quantile is 0 to 1, got " + quantile);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, Math.max(min, middle(i)));
            }
        }
        return max;
    }

    static int index(long value) {
        if (value < LINEAR_MAX) {
            return (int) value;
        }
        long clamped = Math.min(value, (1L << EXPONENT_MAX) - 1);
        int exponent = 63 - Long.numberOfLeadingZeros(clamped);
        int shift = exponent - SUB_BITS;
        int top = (int) (clamped >>> shift); // in [64, 128)
        return LINEAR_MAX + (exponent - 7) * SUB_BUCKETS + (top - SUB_BUCKETS);
    }

    /** The middle of bucket {@code index}: its value when exact, else lower bound plus half its width. */
    static long middle(int index) {
        if (index < LINEAR_MAX) {
            return index;
        }
        int above = index - LINEAR_MAX;
        int exponent = 7 + above / SUB_BUCKETS;
        int shift = exponent - SUB_BITS;
        long lower = ((long) (SUB_BUCKETS + above % SUB_BUCKETS)) << shift;
        return lower + (1L << shift) / 2;
    }
}
