package io.elara.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.bench.BenchText;
import io.elara.cli.bench.EndToEndBench;
import io.elara.node.event.Event;
import io.elara.node.sim.SimDurations;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options {@code bench throughput} and {@code bench latency} share, checked once before anything starts. */
public final class EndToEndOptions {
    /** The longest measured window: a run keeps a bit per event and the latency histogram is fixed, but a user waits. */
    static final long DURATION_MAX_NS = 3_600_000_000_000L;
    /** Losses above this make handshakes and acknowledgements so rare that the run measures the timeouts. */
    static final double LOSS_PERCENT_MAX = 50;

    /** Loopback addresses a flood comes from. */
    static final int FLOOD_SOURCES = 1_000;
    /** A faster flood than this mostly measures the flooding thread on this machine. */
    static final long FLOOD_MAX = 500_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--size",
            paramLabel = "BYTES",
            defaultValue = "64",
            description = "text per event, " + BenchText.SIZE_MIN + " to " + Event.TEXT_LENGTH_MAX
                    + " bytes (default: ${DEFAULT-VALUE})")
    int sizeBytes;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            defaultValue = "10s",
            description = "the measured window, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(
            names = "--warmup",
            paramLabel = "TIME",
            defaultValue = "10s",
            description = "sending before the window opens, for the JIT; 0s for none (default: ${DEFAULT-VALUE}: the"
                    + " JIT compiles the node's paths for about 15 s, and a shorter warm-up measures it more than the"
                    + " node)")
    String warmup;

    @Option(
            names = "--loss",
            paramLabel = "PERCENT",
            defaultValue = "0",
            description = "drop this share of datagrams at random, both directions, through a relay in this process,"
                    + " 0 to " + (int) LOSS_PERCENT_MAX + " (default: ${DEFAULT-VALUE}: a direct path)")
    double lossPercent;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "seed of the relay's random drops (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--persist",
            description = "both nodes keep every event in their database (SQLite, synchronous FULL), committed before"
                    + " it is acknowledged, as 'elara run' does")
    boolean persist;

    @Option(
            names = "--flood",
            paramLabel = "PER_S",
            defaultValue = "0",
            description = "during warm-up and window, also send the receiver this many forged handshake initiations a"
                    + " second (valid MAC1, never completed) from " + FLOOD_SOURCES + " loopback addresses, 0 to "
                    + FLOOD_MAX + " (default: ${DEFAULT-VALUE}: none)")
    long floodPerSecond;

    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    /**
     * Prints {@code figures}: as one JSON object with {@code --json}, else as {@code line}; then, when any event was
     * lost, duplicated or reordered, fails with exit code 1 and one line saying so.
     */
    int print(CommandSpec spec, EndToEndBench.Figures figures, String line) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(JSON.writeValueAsString(figures));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a record of numbers always serialises", e);
            }
        } else {
            out.println(line);
        }
        out.flush();
        if (!figures.exactlyOnceInOrder()) {
            throw new ElaraUserException(ExitCode.FAILURE, "DELIVERY CHECK FAILED: " + deliveries(figures));
        }
        return ExitCode.OK;
    }

    /** {@code all 1,234 events delivered exactly once, in order}, or what went wrong. */
    static String deliveries(EndToEndBench.Figures figures) {
        if (figures.exactlyOnceInOrder()) {
            return String.format(Locale.ROOT, "all %,d events delivered exactly once, in order", figures.sent());
        }
        return String.format(
                        Locale.ROOT,
                        "%,d sent, %,d delivered: %,d lost, %,d duplicated, %,d out of order, %,d sends not"
                                + " acknowledged",
                        figures.sent(),
                        figures.delivered(),
                        figures.lost(),
                        figures.duplicates(),
                        figures.outOfOrder(),
                        figures.failedSends())
                + (figures.firstFailure() != null ? " (first: " + figures.firstFailure() + ")" : "");
    }

    /** {@code , 5 % loss (relay dropped 1,234 of 25,000 datagrams, 3.1 µs/event of CPU)}, or nothing without a relay. */
    static String loss(EndToEndBench.Figures figures) {
        String persisted = figures.persisted() ? ", persisted" : "";
        if (figures.lossPercent() == 0) {
            return persisted;
        }
        return persisted
                + String.format(
                        Locale.ROOT,
                        ", %s %% loss (relay dropped %,d of %,d datagrams, its CPU %.1f µs/event)",
                        number(figures.lossPercent()),
                        figures.relayDropped(),
                        figures.relayDropped() + figures.relayForwarded(),
                        figures.relayCpuUsPerEvent());
    }

    /** {@code ; a flood of 49,980 handshake initiations/s …}, or nothing without a flood. */
    static String flood(EndToEndBench.Figures figures) {
        if (figures.floodSent() == 0) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "; a flood of %,.0f forged handshake initiations/s (%,d sent from %,d addresses): %,d answered with a"
                        + " cookie, %,d with Diffie-Hellman work; the receiver's resident memory %,d → %,d MB",
                figures.floodPerSecond(),
                figures.floodSent(),
                figures.floodSources(),
                figures.floodCookieReplies(),
                figures.floodResponses(),
                figures.receiverRssBeforeMb(),
                figures.receiverRssAfterMb());
    }

    /** {@code 5} or {@code 2.5}: a percentage as typed. */
    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The settings, or a usage error naming the first bad option. */
    EndToEndBench.Settings settings(long ratePerSecond) {
        if (sizeBytes < BenchText.SIZE_MIN || sizeBytes > Event.TEXT_LENGTH_MAX) {
            throw new ElaraUserException(
                    ExitCode.USAGE,
                    "--size must be " + BenchText.SIZE_MIN + " to " + Event.TEXT_LENGTH_MAX
                            + " bytes (an event carries its sequence number and send time), got " + sizeBytes);
        }
        long durationNs = duration("--duration", duration);
        if (durationNs < 100_000_000L) {
            throw new ElaraUserException(ExitCode.USAGE, "--duration must be at least 100ms, got " + duration);
        }
        long warmupNs = duration("--warmup", warmup);
        if (!(lossPercent >= 0 && lossPercent <= LOSS_PERCENT_MAX)) {
            throw new ElaraUserException(
                    ExitCode.USAGE, "--loss must be 0 to " + (int) LOSS_PERCENT_MAX + " percent, got " + lossPercent);
        }
        if (floodPerSecond < 0 || floodPerSecond > FLOOD_MAX) {
            throw new ElaraUserException(
                    ExitCode.USAGE,
                    "--flood must be 0 to " + FLOOD_MAX + " initiations a second, got " + floodPerSecond);
        }
        return new EndToEndBench.Settings(
                sizeBytes,
                warmupNs,
                durationNs,
                ratePerSecond,
                lossPercent,
                seed,
                persist,
                floodPerSecond,
                FLOOD_SOURCES);
    }

    private static long duration(String option, String text) {
        long ns;
        try {
            ns = SimDurations.parseNs(text);
        } catch (IllegalArgumentException e) {
            throw new ElaraUserException(ExitCode.USAGE, option + ": " + e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw new ElaraUserException(ExitCode.USAGE, option + " must be at most 1h, got " + text, e);
        }
        if (ns > DURATION_MAX_NS) {
            throw new ElaraUserException(ExitCode.USAGE, option + " must be at most 1h, got " + text);
        }
        return ns;
    }
}
