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
                assertThat(crash.restartAfterNs())
                        .as("churn: every crashed node comes back")
                        .isPositive();
            }
            partitions += scenario.partitions().size();
            crashes += scenario.crashes().size();
            rebinds += scenario.rebinds().size();
            lossMax = Math.max(lossMax, scenario.link().loss());
        }
        assertThat(partitions).as("partitions over 2,000 seeds").isGreaterThan(1_000);
        assertThat(crashes).isGreaterThan(1_500);
        assertThat(rebinds).isGreaterThan(1_000);
        assertThat(lossMax).isGreaterThan(0.29);
        assertThat(SimChaos.describe(SimChaos.scenario(7))).matches("\\d+ nodes, \\d+s, \\d+±\\d+ ms, loss .*");
    }
}
