package io.elara.crdt.clock;

import java.time.Instant;

/**
 * Hybrid logical clock timestamps packed into one {@code long}: the high 48 bits are physical milliseconds since the
 * Unix epoch (good until the year 10889), the low 16 bits a logical counter. Packed values compare as plain unsigned
 * longs, so ordering costs nothing. Ties between nodes are broken by the author's id, outside this class.
 */
public final class Hlc {
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;
    /** Largest logical counter value. */
    public static final int LOGICAL_MAX = (1 << LOGICAL_BITS) - 1;
    /** Largest physical time that fits. */
    public static final long PHYSICAL_MS_MAX = (1L << (64 - LOGICAL_BITS)) - 1;

    private Hlc() {}

    public static long pack(long physicalMs, int logical) {
        if (physicalMs < 0 || physicalMs > PHYSICAL_MS_MAX) {
            throw new IllegalArgumentException("physical time out of range: " + physicalMs);
        }
        if (logical < 0 || logical > LOGICAL_MAX) {
            throw new IllegalArgumentException("logical counter out of range: " + logical);
        }
        return (physicalMs << LOGICAL_BITS) | logical;
    }

    public static long physicalMs(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    public static int logical(long hlc) {
        return (int) (hlc & LOGICAL_MAX);
    }

    /** ISO-8601 time of the physical part, then the counter: {@code 2026-01-01T00:00:00.123Z+4}. */
    public static String format(long hlc) {
        return Instant.ofEpochMilli(physicalMs(hlc)) + "+" + logical(hlc);
    }
}
