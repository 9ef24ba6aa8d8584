package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Simulation scenarios: whole worlds of node cores run from fixed seeds, with every invariant checked as they run and
 * replicas compared once the network has healed. A failure prints the seed and the command that replays it.
 */
class SimScenarioTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private static SimSummary run(SimScenario scenario, long seed, String method) {
        String replay = "./mvnw -B -ntp -pl node-core -am verify -Dtest='SimScenarioTest#" + method
                + "' -Dsurefire.failIfNoSpecifiedTests=false";
        SimSummary summary = new SimWorld(scenario, seed, replay).run();
        assertThat(summary.passed()).as(summary.toText()).isTrue();
        assertThat(summary.settled()).as(summary.toText()).isTrue();
        assertThat(summary.rejects()).as(summary.toText()).doesNotContainKeys("malformed-event", "packet-too-short");
        return summary;
    }

    @Test
    @DisplayName("sim: chat with loss (3 nodes, 5% loss, 20 s)")
    void shouldConvergeWhenThreeNodesChatOverALossyNetwork() {
        // Goal: the smallest session delivers everything despite loss, duplication and reordering.
        // Method: one session of three, 5% loss, run 20 s of traffic, let it settle, compare replicas.
        SimScenario scenario = SimScenario.defaults(3, 20 * SECOND_NS).withLink(LinkProfile.DEFAULT.withLoss(0.05));
        SimSummary summary = run(scenario, 3, "shouldConvergeWhenThreeNodesChatOverALossyNetwork");
        assertThat(summary.sends().sent()).isGreaterThan(10);
        assertThat(summary.sends().acknowledged()).isEqualTo(summary.sends().sent());
        assertThat(summary.deliveries()).isEqualTo(2 * summary.sends().sent());
        assertThat(summary.datagrams().lost()).isPositive();
        assertThat(summary.comparedEvents()).isEqualTo(summary.sends().sent());
    }
}
