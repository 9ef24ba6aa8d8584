package io.elara.node.sim;

import java.util.Locale;

/** Durations as people write them on a command line or in a scenario: {@code 500ms}, {@code 60s}, {@code 2m}. */
public final class SimDurations {
    private SimDurations() {}

    /**
     * Parses a whole number followed by a unit ({@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}).
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static long parseNs(String text) {
        String value = text.strip();
        int split = 0;
        while (split < value.length() && Character.isDigit(value.charAt(split))) {
            split++;
        }
        String unit = value.substring(split);
        if (split == 0 || split > 15) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 500ms, 60s or 2m)");
        }
        long amount = Long.parseLong(value.substring(0, split));
        long factorNs;
        switch (unit) {
            case "ns" -> factorNs = 1;
            case "us" -> factorNs = 1_000;
            case "ms" -> factorNs = 1_000_000;
            case "s" -> factorNs = 1_000_000_000;
            case "m" -> factorNs = 60_000_000_000L;
            case "h" -> factorNs = 3_600_000_000_000L;
            default ->
                throw new IllegalArgumentException(
                        "'" + text + "' has no known unit (use ns, us, ms, s, m or h, as in 500ms or 60s)");
        }
        try {
            return Math.multiplyExact(amount, factorNs);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is longer than any run can be", e);
        }
    }

    /** The shortest exact form: {@code 60s}, {@code 1500ms}, {@code 2m}. */
    public static String format(long durationNs) {
        long[] factors = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000, 1_000_000, 1_000, 1};
        String[] units = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < factors.length; i++) {
            if (durationNs != 0 && durationNs % factors[i] == 0) {
                return (durationNs / factors[i]) + units[i];
            }
        }
        return "0s";
    }

    /** Milliseconds with one decimal, for reports. */
    public static String millis(long durationNs) {
        return String.format(Locale.ROOT, "%.1f ms", durationNs / 1e6);
    }
}
