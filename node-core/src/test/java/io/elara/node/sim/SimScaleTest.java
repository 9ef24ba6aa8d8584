package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulator suites at 10, 100 and 1,000 node cores, in sessions of ten, with churn (a tenth of the nodes crash and
 * restart, a few stay down) and a partition that cuts a fifth of them off and heals, over a lossy network. Every
 * invariant of the simulator holds (no event delivered twice, none lost once acknowledged, each author's events in
 * order, replicas converged after the heal, queues bounded), and the world settles. Figures print to stdout.
 */
class SimScaleTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    @ParameterizedTest(name = "{0} nodes")
    @CsvSource({"10, 101", "100, 102", "1000, 103"})
    void shouldKeepEveryInvariantWithChurnAndAPartition(int nodes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SimScenario.CrashPlan> crashes = new ArrayList<>();
        int churned = Math.max(1, nodes / 10);
        java.util.Set<Integer> picked = new java.util.HashSet<>();
        for (int i = 0; i < churned; i++) {
            int node = random.nextInt(nodes);
            while (!picked.add(node)) {
                node = random.nextInt(nodes);
            }
            long at = (3 + random.nextInt(8)) * SECOND_NS;
            // One in five stays down for good; the others come back after 2 to 6 s, empty, with their identity.
            long restartAfter = i % 5 == 4 ? -1 : (2 + random.nextInt(5)) * SECOND_NS;
            crashes.add(new SimScenario.CrashPlan(at, node, restartAfter));
        }
        List<Integer> cut = new ArrayList<>();
        for (int node = 0; node < nodes; node++) {
            if (random.nextInt(5) == 0) {
                cut.add(node);
            }
        }
        SimScenario scenario = SimScenario.defaults(nodes, 24 * SECOND_NS)
                .withLink(LinkProfile.DEFAULT.withLoss(0.02))
                .withSessionSize(10)
                .withCrashes(crashes)
                .withPartitions(List.of(new SimScenario.PartitionPlan(6 * SECOND_NS, 12 * SECOND_NS, cut)));
        String replay =
                "./mvnw -B -ntp -pl node-core -am verify -Dtest='SimScaleTest' -Dsurefire.failIfNoSpecifiedTests=false";
        long startedNs = System.nanoTime();
        SimSummary summary = new SimWorld(scenario, seed, replay).run();
        long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNs);
        System.out.println(nodes + " nodes, seed " + seed + ", " + wallMs + " ms of wall time:\n" + summary.toText());

        assertThat(summary.passed()).as(summary.toText()).isTrue();
        assertThat(summary.settled()).as(summary.toText()).isTrue();
        assertThat(summary.crashes()).isEqualTo(crashes.size());
        assertThat(summary.restarts()).isPositive();
        assertThat(summary.datagrams().partitioned()).isPositive();
        assertThat(summary.sends().acknowledged()).isPositive();
        assertThat(summary.comparedEvents()).isPositive();
        assertThat(summary.invariants().get("replicas converge after healing").checks())
                .isPositive();
        assertThat(summary.rejects()).as(summary.toText()).doesNotContainKeys("frame_malformed");
    }
}
