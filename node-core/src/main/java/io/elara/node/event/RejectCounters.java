package io.elara.node.event;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of rejected input by reason. Owned by the loop thread; {@link #snapshot} copies for other threads. A plain
 * {@code long[]} indexed by ordinal: counting a drop must cost one array increment, never an allocation.
 */
@SuppressWarnings("EnumOrdinal") // indexing by ordinal is the point: see above
public final class RejectCounters {
    private static final RejectReason[] REASONS = RejectReason.values();
    private final long[] counts = new long[REASONS.length];

    public void increment(RejectReason reason) {
        counts[reason.ordinal()]++;
    }

    public long get(RejectReason reason) {
        return counts[reason.ordinal()];
    }

    /** Total of all reasons except {@link RejectReason#NONE}. */
    public long total() {
        long total = 0;
        for (int i = 1; i < counts.length; i++) {
            total += counts[i];
        }
        return total;
    }

    /** Non-zero counts, in declaration order. */
    public Map<RejectReason, Long> snapshot() {
        Map<RejectReason, Long> copy = new EnumMap<>(RejectReason.class);
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] != 0) {
                copy.put(REASONS[i], counts[i]);
            }
        }
        return copy;
    }
}
