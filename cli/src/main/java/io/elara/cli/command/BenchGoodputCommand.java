package io.elara.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.sim.LaneTransfer;
import io.elara.node.sim.LinkProfile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench goodput}: the reliable lane's goodput under random loss relative to the same transfer without
 * loss, in the simulator. Two protected node cores, the real transport code, one simulated link whose bandwidth (not
 * this machine's CPU) is the bottleneck, virtual time: the ratio is the same on every machine and every run of a seed.
 * The loopback benchmark ({@code bench throughput --loss}) measures the same lane with real processes, where the CPU is
 * the bottleneck and the figures move with the machine's load.
 */
@Command(
        name = "goodput",
        description = {
            "Goodput of the reliable lane at a given random loss, relative to the same transfer without loss, in the"
                    + " simulator: two node cores, one 20 ms +- 5 ms link of 500,000 bytes/s, virtual time.",
            "Exits 1 if any event was not delivered exactly once, in order."
        },
        footer = {"", "Example:", "  elara bench goodput --loss 5 --seeds 3 --json"})
public final class BenchGoodputCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_BYTES = 100;
    private static final long LIMIT_NS = TimeUnit.SECONDS.toNanos(120);

    @Spec
    CommandSpec spec;

    @Option(names = "--loss", paramLabel = "PERCENT", description = "random loss on the link, both ways (default: 5)")
    double lossPercent = 5;

    @Option(names = "--seeds", paramLabel = "N", description = "seeds 1..N, one transfer pair each (default: 3)")
    int seeds = 3;

    @Option(names = "--events", paramLabel = "N", description = "events per transfer, 100 bytes each (default: 2000)")
    int events = 2000;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    private static LinkProfile link(double loss) {
        return new LinkProfile(
                TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(5), loss, 0, 0, 500_000);
    }

    @Override
    public Integer call() {
        if (!(lossPercent >= 0 && lossPercent <= 50)) {
            throw new ElaraUserException(ExitCode.USAGE, "--loss must be between 0 and 50 percent, got " + lossPercent);
        }
        if (seeds < 1 || seeds > 100) {
            throw new ElaraUserException(ExitCode.USAGE, "--seeds must be between 1 and 100, got " + seeds);
        }
        if (events < 1 || events > 100_000) {
            throw new ElaraUserException(ExitCode.USAGE, "--events must be between 1 and 100000, got " + events);
        }
        List<Double> ratios = new ArrayList<>();
        boolean exact = true;
        long retransmitted = 0;
        long sent = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            LaneTransfer.Result clean = new LaneTransfer(link(0), seed).run(events, TEXT_BYTES, LIMIT_NS);
            LaneTransfer.Result lossy =
                    new LaneTransfer(link(lossPercent / 100), seed).run(events, TEXT_BYTES, LIMIT_NS);
            exact &= clean.acknowledged() == events
                    && lossy.acknowledged() == events
                    && LaneTransfer.inOrderExactlyOnce(clean.delivered(), events)
                    && LaneTransfer.inOrderExactlyOnce(lossy.delivered(), events);
            ratios.add((double) clean.elapsedNs() / lossy.elapsedNs());
            retransmitted += lossy.retransmitted();
            sent += lossy.sent();
        }
        double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("benchmark", "goodput");
            figures.put("simulated", true);
            figures.put("lossPercent", lossPercent);
            figures.put("events", events);
            figures.put("eventBytes", TEXT_BYTES);
            figures.put("seeds", seeds);
            figures.put("ratios", ratios);
            figures.put("ratioMin", min);
            figures.put("retransmittedPercent", sent == 0 ? 0 : 100.0 * retransmitted / sent);
            figures.put("exactlyOnceInOrder", exact);
            try {
                out.println(JSON.writeValueAsString(figures));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a map of numbers always serialises", e);
            }
        } else {
            StringBuilder each = new StringBuilder();
            for (double ratio : ratios) {
                each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f%%", 100 * ratio));
            }
            out.printf(
                    Locale.ROOT,
                    "goodput at %s%% loss, simulated (%,d events of %d B over 20 ms +- 5 ms at 500,000 B/s): %.1f%% of"
                            + " loss-free at worst (seeds 1-%d: %s); %s%n",
                    number(lossPercent),
                    events,
                    TEXT_BYTES,
                    100 * min,
                    seeds,
                    each,
                    exact ? "every event exactly once, in order" : "EVENTS LOST, DUPLICATED OR REORDERED");
        }
        out.flush();
        return exact ? ExitCode.OK : ExitCode.FAILURE;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
