package io.elara.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.bench.ChatLatencyBench;
import io.elara.node.sim.SimDurations;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench chat}: Enter-to-render latency of {@code elara chat --plain} between two nodes on loopback, each
 * part a real child process ({@link ChatLatencyBench}). Exits 1 when a message was lost or shown twice.
 */
@Command(
        name = "chat",
        description = {
            "Type messages into one 'elara chat --plain' and time each until the other shows it: two nodes ('elara",
            "run') and two chats as child processes on loopback, in a session made by init, invite and join.",
            "Prints the latency, line written to line read, at p50, p90, p99 and max.",
            "Plain-line mode only: a terminal's line editor and screen drawing are not measured.",
            "Exits 1 if any message was lost or shown twice."
        },
        footer = {"", "Examples:", "  elara bench chat", "  elara bench chat --messages 1000 --interval 20ms --json"})
public final class BenchChatCommand implements Callable<Integer> {
    /** A longer run measures the same path; a bound keeps the per-message arrays small. */
    static final int MESSAGES_MAX = 100_000;
    /** Slower than one message a minute is no chat. */
    static final long INTERVAL_NS_MAX = 60_000_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(
            names = "--messages",
            paramLabel = "N",
            defaultValue = "500",
            description = "messages measured, 1 to " + MESSAGES_MAX + " (default: ${DEFAULT-VALUE})")
    int messages;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "50",
            description = "messages sent first and not counted, 0 to " + MESSAGES_MAX + " (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--interval",
            paramLabel = "TIME",
            defaultValue = "20ms",
            description = "time between two messages typed, e.g. 20ms, 1s; 0ms for back to back (default:"
                    + " ${DEFAULT-VALUE})")
    String interval;

    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        if (messages < 1 || messages > MESSAGES_MAX) {
            throw new ElaraUserException(
                    ExitCode.USAGE, "--messages must be 1 to " + MESSAGES_MAX + ", got " + messages);
        }
        if (warmup < 0 || warmup > MESSAGES_MAX) {
            throw new ElaraUserException(ExitCode.USAGE, "--warmup must be 0 to " + MESSAGES_MAX + ", got " + warmup);
        }
        long intervalNs = intervalNs();
        ChatLatencyBench.Figures figures = ChatLatencyBench.run(
                new ChatLatencyBench.Settings(messages, warmup, intervalNs),
                spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(JSON.writeValueAsString(figures));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a record of numbers and strings always serialises", e);
            }
        } else {
            out.println(String.format(
                    Locale.ROOT,
                    "chat, Enter to render (plain lines), one message every %s ms: p50 %.2f ms, p90 %.2f ms, p99"
                            + " %.2f ms, max %.2f ms over %,d messages; %,d lost, %,d shown twice",
                    EndToEndOptions.number(figures.intervalMs()),
                    figures.p50Ms(),
                    figures.p90Ms(),
                    figures.p99Ms(),
                    figures.maxMs(),
                    figures.samples(),
                    figures.lost(),
                    figures.duplicates()));
        }
        out.flush();
        if (!figures.exactlyOnce()) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    "DELIVERY CHECK FAILED: " + figures.lost() + " of " + figures.messages() + " messages lost, "
                            + figures.warmupLost() + " of " + figures.warmup() + " warm-up messages lost, "
                            + figures.duplicates() + " shown twice"
                            + (figures.senderNotice() != null
                                    ? " (chat A last said: " + figures.senderNotice() + ")"
                                    : ""));
        }
        return ExitCode.OK;
    }

    private long intervalNs() {
        long ns;
        try {
            ns = SimDurations.parseNs(interval);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ElaraUserException(ExitCode.USAGE, "--interval: " + e.getMessage(), e);
        }
        if (ns < 0 || ns > INTERVAL_NS_MAX) {
            throw new ElaraUserException(ExitCode.USAGE, "--interval must be 0ms to 60s, got " + interval);
        }
        return ns;
    }
}
