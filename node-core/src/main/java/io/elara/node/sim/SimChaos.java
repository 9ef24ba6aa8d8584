package io.elara.node.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A random scenario from a seed, for sweeps ({@code elara sim --random}, {@code scripts/sim-sweep}): 4 to 12 nodes
 * chatting for 20 to 40 s over links of 5-60 ms ± 0-20 ms with 0-30 % loss, 0-5 % duplication and 0-10 % reordering;
 * up to two partitions of 2-10 s that heal; up to three crashes, each restarted 1-5 s later (churn); up to two NAT
 * rebinds. The same seed gives the same scenario, and {@link SimWorld} with the same seed runs it the same way, so one
 * seed is the whole replay.
 */
public final class SimChaos {
    private SimChaos() {}

    public static SimScenario scenario(long seed) {
        // Its own stream, so that the scenario does not share draws with the run that uses the same seed.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5CE9A);
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
            crashes.add(new SimScenario.CrashPlan(
                    random.nextLong(durationNs), random.nextInt(nodes), seconds(1 + random.nextInt(5))));
        }
        List<SimScenario.RebindPlan> rebinds = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            rebinds.add(new SimScenario.RebindPlan(random.nextLong(durationNs), random.nextInt(nodes)));
        }
        return SimScenario.defaults(nodes, durationNs)
                .withLink(link)
                .withPartitions(partitions)
                .withCrashes(crashes)
                .withRebinds(rebinds);
    }

    /** One line for people: what the scenario of a sweep's seed holds. */
    public static String describe(SimScenario scenario) {
        LinkProfile link = scenario.link();
        return String.format(
                Locale.ROOT,
                "%d nodes, %s, %d±%d ms, loss %.1f%%, duplication %.1f%%, reordering %.1f%%, %d partitions,"
                        + " %d crashes, %d rebinds",
                scenario.nodes(),
                SimDurations.format(scenario.durationNs()),
                TimeUnit.NANOSECONDS.toMillis(link.latencyNs()),
                TimeUnit.NANOSECONDS.toMillis(link.jitterNs()),
                link.loss() * 100,
                link.duplication() * 100,
                link.reorder() * 100,
                scenario.partitions().size(),
                scenario.crashes().size(),
                scenario.rebinds().size());
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
