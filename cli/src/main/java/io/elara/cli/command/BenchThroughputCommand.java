package io.elara.cli.command;

import io.elara.cli.bench.EndToEndBench;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench throughput}: one sender, one receiver in a child process, the reliable lane between them on
 * loopback with protection on, kept full (see {@link EndToEndBench} for how and why); prints events and payload per
 * second, CPU time per event on each side, retransmissions, and whether every event arrived exactly once, in order.
 * Exits 1 when one did not.
 */
@Command(
        name = "throughput",
        description = {
            "Send events as fast as the reliable lane takes them from one node to a second node (a child process)",
            "over loopback, encrypted and signed, and print events/s, MB/s of payload, CPU time per event on each",
            "side, and retransmissions. Exits 1 if any event was lost, duplicated or reordered."
        },
        footer = {
            "",
            "Examples:",
            "  elara bench throughput --size 64 --duration 10s",
            "  elara bench throughput --size 1024 --loss 5 --json"
        })
public final class BenchThroughputCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EndToEndOptions options;

    @Override
    public Integer call() {
        EndToEndBench.Settings settings = options.settings(0);
        EndToEndBench.Figures figures =
                EndToEndBench.run("throughput", settings, spec.commandLine().getErr());
        String line = String.format(
                Locale.ROOT,
                "throughput %d B events, encrypted%s, %.1f s: %,.0f events/s, %.2f MB/s (payload), sender CPU %.1f"
                        + " µs/event, receiver CPU %.1f µs/event, %.1f events per signature; %,d lost, %,d"
                        + " retransmitted (%.3f %%); %s",
                figures.sizeBytes(),
                EndToEndOptions.loss(figures),
                figures.durationS(),
                figures.eventsPerSecond(),
                figures.megabytesPerSecond(),
                figures.senderCpuUsPerEvent(),
                figures.receiverCpuUsPerEvent(),
                figures.eventsPerSignature(),
                figures.lost(),
                figures.retransmissions(),
                figures.retransmittedPercent(),
                EndToEndOptions.deliveries(figures));
        return options.print(spec, figures, line);
    }
}
