package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The same seed gives the same run, action for action; another seed gives another run. */
class SimDeterminismTest {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    /** Loss, duplication, reordering, a partition and a crash: every source of randomness at once. */
    private static SimScenario everything() {
        return SimScenario.defaults(12, 15 * SECOND_NS)
                .withSessionSize(4)
                .withLink(new LinkProfile(
                        TimeUnit.MILLISECONDS.toNanos(15), TimeUnit.MILLISECONDS.toNanos(20), 0.05, 0.02, 0.05, 0))
                .withPartitions(List.of(new SimScenario.PartitionPlan(2 * SECOND_NS, 6 * SECOND_NS, List.of(0, 5))))
                .withCrashes(List.of(new SimScenario.CrashPlan(4 * SECOND_NS, 9, 2 * SECOND_NS)));
    }

    @Test
    @DisplayName("sim: determinism (12 nodes, same seed twice)")
    void shouldProduceIdenticalSummariesAndTracesWhenTheSeedIsTheSame() {
        SimSummary first = new SimWorld(everything(), 42, "replay").run();
        SimSummary second = new SimWorld(everything(), 42, "replay").run();
        assertThat(first.passed()).as(first.toText()).isTrue();
        assertThat(second.toText()).isEqualTo(first.toText());
        assertThat(second.toJson()).isEqualTo(first.toJson());
        assertThat(second.trace()).isEqualTo(first.trace());
    }

    @Test
    @DisplayName("sim: determinism (12 nodes, two seeds)")
    void shouldProduceDifferentTracesWhenTheSeedsDiffer() {
        SimSummary first = new SimWorld(everything(), 42, "replay").run();
        SimSummary other = new SimWorld(everything(), 43, "replay").run();
        assertThat(other.passed()).as(other.toText()).isTrue();
        assertThat(other.trace()).isNotEqualTo(first.trace());
        assertThat(other.toText()).isNotEqualTo(first.toText());
    }

    @Test
    void shouldPrintTheSeedAndTheReplayCommandWhenAnInvariantFailed() {
        SimSummary passed = new SimWorld(SimScenario.defaults(2, SECOND_NS), 5, "elara sim --seed 5").run();
        SimSummary failed = new SimSummary(
                passed.seed(),
                passed.scenario(),
                passed.sessions(),
                passed.sends(),
                passed.deliveries(),
                passed.acknowledgements(),
                passed.acknowledgementsFromLostIncarnations(),
                passed.latencyNsP50(),
                passed.latencyNsP90(),
                passed.latencyNsP99(),
                passed.latencyNsMax(),
                passed.datagrams(),
                passed.crashes(),
                passed.restarts(),
                passed.rebinds(),
                passed.migrations(),
                passed.settled(),
                passed.settleNs(),
                passed.virtualNs(),
                passed.comparedEvents(),
                passed.uncomparedEvents(),
                passed.rejects(),
                Map.of("no acknowledged event lost", new SimSummary.InvariantResult(3, 1)),
                List.of("no acknowledged event lost: at 1.0 ms: n0001 lost it"),
                passed.trace(),
                passed.replayCommand());
        assertThat(failed.passed()).isFalse();
        assertThat(failed.toText())
                .contains("FAILED 1 times")
                .contains("n0001 lost it")
                .endsWith("FAILED with seed 5; replay with: elara sim --seed 5\n");
        assertThat(failed.toJson()).contains("\"replay\":\"elara sim --seed 5\"");
    }
}
