package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Random scenarios for sweeps: the same seed makes the same scenario, and every seed makes one that can run. */
class SimChaosTest {
    @Test
    void shouldMakeTheSameScenarioFromTheSameSeedAndARunnableOneFromEverySeed() {
        assertThat(SimChaos.scenario(7)).isEqualTo(SimChaos.scenario(7));
        assertThat(SimChaos.scenario(7)).isNotEqualTo(SimChaos.scenario(8));
        int partitions = 0;
        int crashes = 0;
        int rebinds = 0;
        int clocks = 0;
        int crashesForGood = 0;
        long clockAheadMax = 0;
        long clockBehindMax = 0;
        double lossMax = 0;
        for (long seed = 0; seed < 2_000; seed++) {
            SimScenario scenario = SimChaos.scenario(seed);
            assertThat(scenario.problem()).as("seed " + seed).isNull();
            assertThat(scenario.nodes()).isBetween(4, 12);
            assertThat(scenario.durationNs()).isBetween(TimeUnit.SECONDS.toNanos(20), TimeUnit.SECONDS.toNanos(40));
            assertThat(scenario.link().loss()).isBetween(0.0, 0.30);
            for (SimScenario.PartitionPlan partition : scenario.partitions()) {
                assertThat(partition.nodes().size())
                        .as("one side, never everyone")
                        .isLessThan(scenario.nodes());
            }
            for (SimScenario.CrashPlan crash : scenario.crashes()) {
                if (crash.restartAfterNs() < 0) {
                    crashesForGood++;
                } else {
                    assertThat(crash.restartAfterNs())
                            .isBetween(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(5));
                }
            }
            partitions += scenario.partitions().size();
            crashes += scenario.crashes().size();
            rebinds += scenario.rebinds().size();
            lossMax = Math.max(lossMax, scenario.link().loss());
            for (SimScenario.ClockPlan clock : scenario.clocks()) {
                clockAheadMax = Math.max(clockAheadMax, clock.aheadNs());
                clockBehindMax = Math.max(clockBehindMax, -clock.aheadNs());
            }
            clocks += scenario.clocks().size();
        }
        assertThat(partitions).as("partitions over 2,000 seeds").isGreaterThan(1_000);
        assertThat(crashes).isGreaterThan(1_500);
        assertThat(crashesForGood).as("about one crash in six stays down").isBetween(crashes / 9, crashes / 4);
        assertThat(rebinds).isGreaterThan(1_000);
        assertThat(lossMax).isGreaterThan(0.29);
        assertThat(clocks).as("about half of the nodes' clocks are off").isBetween(6_000, 10_000);
        assertThat(clockAheadMax + clockBehindMax)
                .as("two clocks may be 50 s apart, never past the node's 60 s bound on a clock ahead")
                .isBetween(TimeUnit.SECONDS.toNanos(49), TimeUnit.SECONDS.toNanos(50));
        int neighboursSharingAClock = 0;
        for (long seed = 0; seed < 2_000; seed++) {
            java.util.Set<Long> offsets = new java.util.HashSet<>();
            SimChaos.scenario(seed).clocks().forEach(clock -> offsets.add(clock.aheadNs()));
            if (SimChaos.scenario(seed + 1).clocks().stream().anyMatch(clock -> offsets.contains(clock.aheadNs()))) {
                neighboursSharingAClock++;
            }
        }
        assertThat(neighboursSharingAClock)
                .as("neighbouring seeds are unrelated scenarios, not one stream shifted by a draw")
                .isLessThan(20);
        assertThat(SimChaos.describe(SimChaos.scenario(7))).matches("\\d+ nodes, \\d+s, \\d+±\\d+ ms, loss .*");
    }
}
