package io.elara.node.event;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A 128-bit event id, unique per event. A node makes its own as {@link #ordered}: the event's HLC, then 64 random bits.
 * Nothing checks that layout (an id is opaque to every reader); it is there so that ids a node stores one after another
 * sort one after another, and the database's index on them grows at its end instead of at random pages. Text form: 32
 * lowercase hex digits.
 */
public record EventId(long high, long low) {
    /** Length in bytes on the wire. */
    public static final int LENGTH = 16;

    /**
     * The id of a new event stamped {@code hlc}: {@code hlc} in the high 64 bits, 64 random bits below. Unique as long as
     * two events with the same stamp do not draw the same 64 bits (a node's own stamps never repeat).
     */
    public static EventId ordered(long hlc, RandomGenerator random) {
        return new EventId(hlc, random.nextLong());
    }

    /** 128 random bits: for tests and tools that need an id with no event behind it. */
    public static EventId random(RandomGenerator random) {
        return new EventId(random.nextLong(), random.nextLong());
    }

    /** Parses the 32-hex-digit form. */
    public static EventId parse(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("an event id has 32 hex digits, got " + hex.length());
        }
        return new EventId(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }
}
