package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.config.ConfigException;
import io.elara.node.sim.SimChaos;
import io.elara.node.sim.SimDurations;
import io.elara.node.sim.SimScenario;
import io.elara.node.sim.SimScenarioLoader;
import io.elara.node.sim.SimSummary;
import io.elara.node.sim.SimWorld;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elara sim}: runs many nodes in one process on a simulated network, from a seed, and reports. The output holds
 * nothing from the machine (no wall-clock time), so the same arguments print the same bytes.
 */
@Command(
        name = "sim",
        description = {
            "Simulate many nodes chatting over a simulated network (latency, jitter, loss, duplication, reordering,",
            "partitions, crashes), in virtual time, reproducibly from a seed. Exits 1 when an invariant fails."
        },
        footer = {
            "",
            "Examples:",
            "  elara sim --nodes 100 --seed 7 --duration 60s --loss 0.02",
            "  elara sim --seed 7 --scenario partition.yaml --json"
        })
public final class SimCommand implements Callable<Integer> {
    /** Nodes when neither --nodes nor a scenario says. */
    static final int NODES_DEFAULT = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", description = "how many nodes (default: the scenario's, else 10)")
    Integer nodes;

    @Option(names = "--seed", paramLabel = "S", description = "the seed of every random choice (default: 1)")
    long seed = 1;

    @Option(
            names = "--duration",
            paramLabel = "D",
            description = "virtual time of traffic, e.g. 500ms, 60s, 2m (default: the scenario's, else 60s)")
    String duration;

    @Option(
            names = "--loss",
            paramLabel = "P",
            description = "probability that a link drops a datagram, 0 to 1 (default: the scenario's, else 0.01)")
    Double loss;

    @Option(names = "--scenario", paramLabel = "FILE.yaml", description = "a scenario file (see the docs)")
    Path scenarioFile;

    @Option(
            names = "--random",
            description = "a random scenario from the seed: 4-12 nodes, 20-40 s, 0-30 % loss, duplication,"
                    + " reordering, partitions, crashes with restarts, NAT rebinds, clocks off (see scripts/sim-sweep)")
    boolean random;

    @Option(
            names = "--sweep",
            paramLabel = "N",
            description = "with --random: run N seeds from --seed on, one line each, and a replay command for each"
                    + " seed where an invariant failed")
    Integer sweep;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (random && (scenarioFile != null || nodes != null || duration != null || loss != null)) {
            throw new ElaraUserException(
                    ExitCode.USAGE,
                    "--random makes the whole scenario from the seed: no --scenario, --nodes,"
                            + " --duration or --loss with it");
        }
        if (sweep != null) {
            if (!random) {
                throw new ElaraUserException(ExitCode.USAGE, "--sweep runs random scenarios: add --random");
            }
            if (sweep < 1 || sweep > 1_000_000) {
                throw new ElaraUserException(ExitCode.USAGE, "--sweep: 1 to 1000000 seeds, got " + sweep);
            }
            return sweep(out);
        }
        SimScenario scenario;
        if (random) {
            scenario = SimChaos.scenario(seed);
        } else if (scenarioFile != null) {
            try {
                scenario = SimScenarioLoader.load(scenarioFile);
            } catch (ConfigException e) {
                throw new ElaraUserException(ExitCode.USAGE, e.getMessage(), e);
            }
        } else {
            scenario = SimScenario.defaults(NODES_DEFAULT, SimDurations.parseNs("60s"));
        }
        if (nodes != null) {
            scenario = scenario.withNodes(nodes);
        }
        if (duration != null) {
            try {
                scenario = scenario.withDuration(SimDurations.parseNs(duration));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ElaraUserException(ExitCode.USAGE, "--duration: " + e.getMessage(), e);
            }
        }
        if (loss != null) {
            if (!(loss >= 0 && loss <= 1)) {
                throw new ElaraUserException(ExitCode.USAGE, "--loss: must be between 0 and 1, got " + loss);
            }
            scenario = scenario.withLink(scenario.link().withLoss(loss));
        }
        String problem = scenario.problem();
        if (problem != null) {
            throw new ElaraUserException(ExitCode.USAGE, problem);
        }
        String replay = random
                ? "elara sim --random --seed " + seed + (json ? " --json" : "")
                : "elara sim --nodes " + scenario.nodes() + " --seed " + seed + " --duration "
                        + SimDurations.format(scenario.durationNs()) + " --loss "
                        + scenario.link().loss()
                        + (scenarioFile != null ? " --scenario " + scenarioFile : "") + (json ? " --json" : "");
        if (random && !json) {
            out.println("scenario: " + SimChaos.describe(scenario));
        }
        SimSummary summary = new SimWorld(scenario, seed, replay).run();
        if (json) {
            out.println(summary.toJson());
        } else {
            out.print(summary.toText());
        }
        out.flush();
        if (!summary.passed()) {
            spec.commandLine()
                    .getErr()
                    .println("elara: an invariant failed with seed " + seed + "; replay with: " + replay);
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }

    /** Seeds {@code seed} to {@code seed + sweep - 1}, each a random scenario: a line each, then the failures. */
    private int sweep(PrintWriter out) {
        List<String> failed = new ArrayList<>();
        long events = 0;
        for (long s = seed; s < seed + sweep; s++) {
            SimScenario scenario = SimChaos.scenario(s);
            String replay = "elara sim --random --seed " + s;
            SimSummary summary = new SimWorld(scenario, s, replay).run();
            events += summary.sends().sent();
            out.printf(
                    Locale.ROOT,
                    "seed %d: %s: %s%n",
                    s,
                    SimChaos.describe(scenario),
                    summary.passed() ? "ok" : "INVARIANT FAILED: " + String.join("; ", summary.violations()));
            out.flush();
            if (!summary.passed()) {
                failed.add(replay);
            }
        }
        out.printf(
                Locale.ROOT,
                "sweep: %d seeds from %d, %d messages sent, %d failed%n",
                sweep,
                seed,
                events,
                failed.size());
        for (String replay : failed) {
            out.println("  replay with: " + replay);
        }
        out.flush();
        return failed.isEmpty() ? ExitCode.OK : ExitCode.FAILURE;
    }
}
