package io.elara.node.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in config files: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private Durations() {}

    /** Nanoseconds, or throws with what is wrong; {@code minMs} and {@code maxMs} bound the result. */
    static long parseNs(String text, long minMs, long maxMs) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 5s, 2m or 1h");
        }
        long value = Long.parseLong(m.group(1));
        long ms = switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1_000L;
            case "m" -> value * 60_000L;
            default -> value * 3_600_000L;
        };
        if (ms < minMs || ms > maxMs) {
            throw new IllegalArgumentException(
                    "'" + text + "' is out of range (" + format(minMs) + " to " + format(maxMs) + ")");
        }
        return ms * 1_000_000L;
    }

    private static String format(long ms) {
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        } else if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        } else if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }
}
