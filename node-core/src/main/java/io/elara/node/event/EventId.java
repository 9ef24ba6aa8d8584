package io.elara.node.event;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A 128-bit event id, random per event. Text form: 32 lowercase hex digits. */
public record EventId(long high, long low) {
    /** Length in bytes on the wire. */
    public static final int LENGTH = 16;

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
