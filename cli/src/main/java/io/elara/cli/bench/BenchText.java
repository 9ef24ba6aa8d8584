package io.elara.cli.bench;

import java.time.Clock;
import java.time.Instant;

/**
 * The text of one benchmark event: {@code SEQUENCE SENT_US PHASE } then {@code x} up to the event size, all ASCII so
 * that characters are bytes. {@code SENT_US} is the sender's wall clock in microseconds since the epoch: both nodes
 * run on one machine and read the same clock, which {@code nanoTime} (an arbitrary origin per process) is not. {@code
 * PHASE} is {@code m} for an event sent inside the measured window, {@code w} for warm-up and the rest, so the
 * receiver's latency figures cover exactly the measured events.
 */
public final class BenchText {
    /**
     * The smallest event the benchmarks accept: room for the header of any run (a sequence number of up to 10 digits,
     * a 16-digit time, the phase and three spaces: 30 bytes).
     */
    public static final int SIZE_MIN = 32;

    private static final Clock WALL = Clock.systemUTC();

    private BenchText() {}

    /** The wall clock in microseconds since the epoch (micro precision on Linux with Java 17). */
    public static long nowUs() {
        Instant now = WALL.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The event text, exactly {@code sizeBytes} long (or the header alone if that is longer). */
    public static String encode(long sequence, long sentUs, boolean measured, int sizeBytes) {
        StringBuilder text = new StringBuilder(sizeBytes);
        text.append(sequence)
                .append(' ')
                .append(sentUs)
                .append(' ')
                .append(measured ? 'm' : 'w')
                .append(' ');
        while (text.length() < sizeBytes) {
            text.append('x');
        }
        return text.toString();
    }

    /** What {@link #parse} reads back; sequence -1 when the text is not a benchmark event. */
    public record Parsed(long sequence, long sentUs, boolean measured) {
        static final Parsed FOREIGN = new Parsed(-1, 0, false);
    }

    /** Reads the header of {@code text}; {@link Parsed#FOREIGN} when it is not one this class wrote. */
    public static Parsed parse(String text) {
        int first = text.indexOf(' ');
        int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
        if (first <= 0 || second <= first + 1 || second + 2 > text.length()) {
            return Parsed.FOREIGN;
        }
        long sequence = digits(text, 0, first);
        long sentUs = digits(text, first + 1, second);
        char phase = text.charAt(second + 1);
        if (sequence < 0 || sentUs < 0 || (phase != 'm' && phase != 'w')) {
            return Parsed.FOREIGN;
        }
        return new Parsed(sequence, sentUs, phase == 'm');
    }

    /** The decimal number in {@code text[from, to)}, or -1 when it is not one (or too long to be ours). */
    private static long digits(String text, int from, int to) {
        if (to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
