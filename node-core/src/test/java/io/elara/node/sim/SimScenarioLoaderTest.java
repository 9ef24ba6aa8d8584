package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Scenario files: what they set, and one-line errors that point at the problem. */
class SimScenarioLoaderTest {
    private static final Path FILE = Path.of("scenario.yaml");

    @Test
    void shouldReadEveryFieldWhenTheFileIsComplete() throws ConfigException {
        SimScenario scenario = SimScenarioLoader.parse("""
                nodes: 6
                duration: 2m
                settle: 40s
                sessions: {groups: [[0, 1, 2], [2, 3, 4, 5]]}
                traffic: {messages-per-second: 0.25, text-bytes-min: 10, text-bytes-max: 20}
                link: {latency: 5ms, jitter: 1ms, loss: 0.2, duplication: 0, reorder: 0, bandwidth-bytes-per-second: 9000}
                links:
                  - {nodes: [3], latency: 300ms, bandwidth-bytes-per-second: 16000}
                partitions:
                  - {start: 1s, end: 500s, nodes: [1]}
                crashes:
                  - {at: 3s, node: 4, restart-after: 500ms}
                  - {at: 4s, node: 5}
                rebinds:
                  - {at: 7s, node: 2}
                clocks:
                  - {node: 1, ahead: 20s}
                  - {node: 3, behind: 1500ms}
                """, FILE);
        assertThat(scenario.nodes()).isEqualTo(6);
        assertThat(scenario.durationNs()).isEqualTo(120_000_000_000L);
        assertThat(scenario.settleNs()).isEqualTo(40_000_000_000L);
        assertThat(scenario.sessions()).hasSize(2);
        assertThat(scenario.messagesPerSecond()).isEqualTo(0.25);
        assertThat(scenario.link()).isEqualTo(new LinkProfile(5_000_000, 1_000_000, 0.2, 0, 0, 9000));
        assertThat(scenario.links().get(0).nodes()).containsExactly(3);
        assertThat(scenario.links().get(0).profile())
                .isEqualTo(new LinkProfile(300_000_000, 1_000_000, 0.2, 0, 0, 16000));
        assertThat(scenario.partitions().get(0).endNs()).isEqualTo(500_000_000_000L);
        assertThat(scenario.crashes().get(0).restartAfterNs()).isEqualTo(500_000_000L);
        assertThat(scenario.crashes().get(1).restartAfterNs()).isNegative();
        assertThat(scenario.rebinds()).containsExactly(new SimScenario.RebindPlan(7_000_000_000L, 2));
        assertThat(scenario.clocks())
                .containsExactly(
                        new SimScenario.ClockPlan(1, 20_000_000_000L), new SimScenario.ClockPlan(3, -1_500_000_000L));
        assertThat(scenario.clockAheadNs(3)).isEqualTo(-1_500_000_000L);
        assertThat(scenario.clockAheadNs(0)).isZero();
    }

    @Test
    void shouldRefuseAClockWithBothOrNeitherDirectionTwoClocksForANodeOrOneOffByMoreThanAnHour() {
        assertThatThrownBy(() ->
                        SimScenarioLoader.parse("nodes: 3\nclocks:\n  - {node: 1, ahead: 2s, behind: 1s}\n", FILE))
                .hasMessage("scenario.yaml:3:5: clocks[0]: give one of ahead or behind (as in ahead: 20s)");
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: 3\nclocks:\n  - {node: 1}\n", FILE))
                .hasMessage("scenario.yaml:3:5: clocks[0]: give one of ahead or behind (as in ahead: 20s)");
        assertThatThrownBy(() -> SimScenarioLoader.parse(
                        "nodes: 3\nclocks:\n  - {node: 1, ahead: 2s}\n  - {node: 1, behind: 2s}\n", FILE))
                .hasMessageEndingWith("clocks[1].node: node 1 already has a clock above");
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: 3\nclocks:\n  - {node: 1, behind: 61m}\n", FILE))
                .hasMessage("scenario.yaml:3:5: clocks[0]: a clock may be off by at most 1h");
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: 3\nclocks:\n  - {node: 5, ahead: 1s}\n", FILE))
                .hasMessageEndingWith("clocks[0].node: node 5 does not exist (nodes are 0..2)");
    }

    @Test
    void shouldRefuseADurationTooLongToCountInOneLine() {
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: 3\nduration: 999999999999999h\n", FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("scenario.yaml:2:1: duration: '999999999999999h' is longer than any run can be");
    }

    @Test
    void shouldNameFileLineAndFieldWhenAKeyIsUnknown() {
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: 3\nlink:\n  lost: 0.1\n", FILE))
                .hasMessageStartingWith("scenario.yaml:3:")
                .hasMessageContaining("link.lost: unknown key (known here: bandwidth-bytes-per-second, duplication,")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldPointAtTheNodeWhenAPartitionNamesOneThatDoesNotExist() {
        assertThatThrownBy(() -> SimScenarioLoader.parse(
                        "nodes: 3\npartitions:\n  - start: 1s\n    end: 2s\n    nodes: [7]\n", FILE))
                .hasMessage("scenario.yaml:5:5: partitions[0].nodes: node 7 does not exist (nodes are 0..2)");
    }

    @Test
    void shouldExplainTheFormatWhenADurationIsBad() {
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: 3\nduration: soon\n", FILE))
                .hasMessage("scenario.yaml:2:1: duration: 'soon' is not a duration (write e.g. 500ms, 60s or 2m)");
        assertThatThrownBy(() -> SimScenarioLoader.parse("nodes: three\n", FILE))
                .hasMessage("scenario.yaml:1:8: nodes: expected a whole number");
    }

    @Test
    void shouldParseAndFormatDurationsWhenTheyUseEveryUnit() {
        assertThat(SimDurations.parseNs("500ms")).isEqualTo(500_000_000L);
        assertThat(SimDurations.parseNs("60s")).isEqualTo(60_000_000_000L);
        assertThat(SimDurations.parseNs("2m")).isEqualTo(120_000_000_000L);
        assertThat(SimDurations.format(120_000_000_000L)).isEqualTo("2m");
        assertThat(SimDurations.format(1_500_000_000L)).isEqualTo("1500ms");
        assertThatThrownBy(() -> SimDurations.parseNs("5 parsecs")).isInstanceOf(IllegalArgumentException.class);
    }
}
