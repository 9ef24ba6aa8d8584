package io.elara.node.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A random scenario from a seed, for sweeps ({@code elara sim --random}, {@code scripts/sim-sweep}): 4 to 12 nodes
 * chatting for 20 to 40 s over links of 5-60 ms ± 0-20 ms with 0-30 % loss, 0-5 % duplication and 0-10 % reordering;
 * up to two partitions of 2-10 s that heal; up to three crashes, five in six restarted 1-5 s later (churn), the rest
 * down for good; up to two NAT rebinds; about half of the nodes with a wall clock up to 25 s ahead or behind (so any
 * two within 50 s, inside the node's 60 s bound on clocks ahead). The same seed gives the same scenario, and {@link
 * SimWorld} with the same seed runs it the same way, so one seed is the whole replay.
 */
public final class SimChaos {
    /** The most a random scenario's clock is off, either way. */
    static final int CLOCK_OFF_MS_MAX = 25_000;

    private SimChaos() {}

    public static SimScenario scenario(long seed) {
        // Its own stream, so that the scenario does not share draws with the run that uses the same seed. The seed is
        // mixed first: SplittableRandom steps its state by the golden gamma, so states a gamma apart (seed * gamma, as
        // this once was) make each seed's stream the last one's shifted by a draw, and neighbouring seeds near copies.
        SplittableRandom random = new SplittableRandom(SimWorld.mix(seed ^ 0x5CE9A));
        int nodes = 4 + random.nextInt(9);
        long durationNs = seconds(20 + random.nextInt(21));
        LinkProfile link = new LinkProfile(
                millis(5 + random.nextInt(56)),
                millis(random.nextInt(21)),
                round(random.nextDouble() * 0.30),
                round(random.nextDouble() * 0.05),
                round(random.nextDouble() * 0.10),
                0);
        List<SimScenario.PartitionPlan> partitions = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            long startNs = random.nextLong(durationNs - seconds(2));
            long lengthNs = seconds(2 + random.nextInt(9));
            partitions.add(new SimScenario.PartitionPlan(startNs, startNs + lengthNs, side(random, nodes)));
        }
        List<SimScenario.CrashPlan> crashes = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            long atNs = random.nextLong(durationNs);
            int node = random.nextInt(nodes);
            // One crash in six stays down: the others must carry on without that member, to the end of the run.
            long restartAfterNs = random.nextInt(6) == 0 ? -1 : seconds(1 + random.nextInt(5));
            crashes.add(new SimScenario.CrashPlan(atNs, node, restartAfterNs));
        }
        List<SimScenario.RebindPlan> rebinds = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            rebinds.add(new SimScenario.RebindPlan(random.nextLong(durationNs), random.nextInt(nodes)));
        }
        List<SimScenario.ClockPlan> clocks = new ArrayList<>();
        for (int node = 0; node < nodes; node++) {
            if (random.nextBoolean()) {
                clocks.add(new SimScenario.ClockPlan(
                        node, millis(random.nextInt(-CLOCK_OFF_MS_MAX, CLOCK_OFF_MS_MAX + 1))));
            }
        }
        return SimScenario.defaults(nodes, durationNs)
                .withLink(link)
                .withPartitions(partitions)
                .withCrashes(crashes)
                .withRebinds(rebinds)
                .withClocks(clocks);
    }

    /** One line for people: what the scenario of a sweep's seed holds. */
    public static String describe(SimScenario scenario) {
        LinkProfile link = scenario.link();
        return String.format(
                Locale.ROOT,
                "%d nodes, %s, %d±%d ms, loss %.1f%%, duplication %.1f%%, reordering %.1f%%, %d partitions,"
                        + " %d crashes (%d for good), %d rebinds, %d clocks off (most %.1f s)",
                scenario.nodes(),
                SimDurations.format(scenario.durationNs()),
                TimeUnit.NANOSECONDS.toMillis(link.latencyNs()),
                TimeUnit.NANOSECONDS.toMillis(link.jitterNs()),
                link.loss() * 100,
                link.duplication() * 100,
                link.reorder() * 100,
                scenario.partitions().size(),
                scenario.crashes().size(),
                scenario.crashes().stream()
                        .filter(crash -> crash.restartAfterNs() < 0)
                        .count(),
                scenario.rebinds().size(),
                scenario.clocks().size(),
                scenario.clocks().stream()
                                .mapToLong(plan -> Math.abs(plan.aheadNs()))
                                .max()
                                .orElse(0)
                        / 1e9);
    }

    /** One side of a partition: 1 to half of the nodes, distinct. */
    private static List<Integer> side(SplittableRandom random, int nodes) {
        int size = 1 + random.nextInt(Math.max(1, nodes / 2));
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            all.add(i);
        }
        List<Integer> side = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            side.add(all.remove(random.nextInt(all.size())));
        }
        side.sort(null);
        return side;
    }

    private static double round(double probability) {
        return Math.round(probability * 1000) / 1000.0;
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    private static long millis(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
