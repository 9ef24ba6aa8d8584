package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.bench.EndToEndBench;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench latency}: the same two nodes as {@code bench throughput}, with events offered at a fixed rate on
 * an absolute schedule; prints the one-way latency (send call on the sender to delivery on the receiver, both read
 * from the machine's wall clock) at p50, p99, p99.9 and max. Exits 1 when an event was lost, duplicated or reordered.
 */
@Command(
        name = "latency",
        description = {
            "Offer events at a fixed rate from one node to a second node (a child process) over loopback, encrypted",
            "and signed, and print the one-way latency, send to delivery: p50, p99, p99.9 and max.",
            "Exits 1 if any event was lost, duplicated or reordered."
        },
        footer = {
            "",
            "Examples:",
            "  elara bench latency --rate 1000",
            "  elara bench latency --rate 10000 --duration 10s --json",
            "  elara bench latency --rate 100 --flood 50000"
        })
public final class BenchLatencyCommand implements Callable<Integer> {
    /** A higher offered rate than this is a throughput run, which {@code bench throughput} measures better. */
    static final long RATE_MAX = 1_000_000;

    @Spec
    CommandSpec spec;

    @Mixin
    EndToEndOptions options;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "1000",
            description = "events offered per second, 1 to " + RATE_MAX + " (default: ${DEFAULT-VALUE})")
    long rate;

    @Override
    public Integer call() {
        if (rate < 1 || rate > RATE_MAX) {
            throw new ElaraUserException(
                    ExitCode.USAGE, "--rate must be 1 to " + RATE_MAX + " events per second, got " + rate);
        }
        EndToEndBench.Settings settings = options.settings(rate);
        EndToEndBench.Figures figures =
                EndToEndBench.run("latency", settings, spec.commandLine().getErr());
        String line = String.format(
                Locale.ROOT,
                "latency at %,d events/s offered (achieved %,.0f), %d B%s, %.1f s: p50 %.2f ms, p99 %.2f ms, p99.9"
                        + " %.2f ms, max %.2f ms over %,d events; %,d retransmitted; %s%s",
                figures.offeredPerSecond(),
                figures.eventsPerSecond(),
                figures.sizeBytes(),
                EndToEndOptions.loss(figures),
                figures.durationS(),
                figures.latencyP50Ms(),
                figures.latencyP99Ms(),
                figures.latencyP999Ms(),
                figures.latencyMaxMs(),
                figures.latencySamples(),
                figures.retransmissions(),
                EndToEndOptions.deliveries(figures),
                EndToEndOptions.flood(figures));
        return options.print(spec, figures, line);
    }
}
