package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Five {@code elara run} processes in one session: messages from all reach all, exactly once, and every node's stored
 * history is the same list in the same order.
 */
class FiveNodesSystemTest extends SystemTestSupport {
    private static final List<String> NAMES = List.of("ann", "ben", "cai", "dee", "eli");
    private static final int EACH = 20;

    @Test
    void shouldDeliverEveryonesMessagesToEveryoneInOneOrderExactlyOnce() throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            ports.add(FreePorts.udp());
        }
        List<Path> configs = new ArrayList<>();
        List<NodeProcess> runs = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            configs.add(config(i, ports));
            runs.add(elara(NAMES.get(i) + " run", "run", "-c", configs.get(i).toString()));
        }
        for (int i = 0; i < NAMES.size(); i++) {
            runs.get(i).awaitStderr(NAMES.get(i) + " ready on", START);
        }

        // Everyone sends at once: five bursts of twenty, interleaved on the wire.
        List<NodeProcess> bursts = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < NAMES.size(); i++) {
            StringBuilder lines = new StringBuilder();
            for (int m = 0; m < EACH; m++) {
                String text = NAMES.get(i) + " says " + m;
                lines.append(text).append('\n');
                expected.add(text);
            }
            Path stdin = write(NAMES.get(i) + "-burst.txt", lines.toString());
            bursts.add(elara(
                    NAMES.get(i) + " burst", stdin, "send", "-c", configs.get(i).toString(), "--session", "lobby"));
        }
        for (NodeProcess burst : bursts) {
            assertThat(burst.waitFor(Duration.ofMinutes(2)))
                    .as(burst.describe())
                    .isZero();
            assertThat(burst.stdout().lines())
                    .hasSize(EACH)
                    .allSatisfy(line -> assertThat(line).startsWith("acknowledged by "));
        }

        List<String> first = null;
        for (int i = 0; i < NAMES.size(); i++) {
            Path config = configs.get(i);
            Await.until(
                    () -> history(config).size() >= NAMES.size() * EACH,
                    Duration.ofSeconds(30),
                    "every message stored at " + NAMES.get(i));
            List<JsonNode> stored = history(config);
            List<String> texts =
                    stored.stream().map(e -> e.path("text").asText()).toList();
            assertThat(texts)
                    .as("at " + NAMES.get(i))
                    .hasSize(NAMES.size() * EACH)
                    .doesNotHaveDuplicates();
            assertThat(new HashSet<>(texts)).isEqualTo(expected);
            for (String name : NAMES) {
                // Each author's own messages in the order written.
                List<String> own = texts.stream()
                        .filter(t -> t.startsWith(name + " says "))
                        .toList();
                List<String> written = new ArrayList<>();
                for (int m = 0; m < EACH; m++) {
                    written.add(name + " says " + m);
                }
                assertThat(own).as(name + "'s messages at " + NAMES.get(i)).isEqualTo(written);
            }
            if (first == null) {
                first = texts;
            } else {
                assertThat(texts)
                        .as("the same order at " + NAMES.get(i) + " as at " + NAMES.get(0))
                        .isEqualTo(first);
            }
            assertThat(status(this, config).path("rejects").path("duplicate").asLong())
                    .as("full mesh: nothing arrives twice")
                    .isZero();
        }
        for (NodeProcess run : runs) {
            run.terminate();
        }
        for (NodeProcess run : runs) {
            assertThat(run.waitFor(EXIT)).isEqualTo(143);
            assertThat(run.stderr()).doesNotContain("Exception");
        }
    }

    private List<JsonNode> history(Path config) {
        NodeProcess history = finished("history", 0, "history", "-c", config.toString(), "lobby", "--json");
        return jsonLines(history.stdout());
    }

    /** Node {@code index}: every other node a peer, all five in session "lobby". */
    private Path config(int index, List<Integer> ports) {
        StringBuilder yaml = new StringBuilder();
        String name = NAMES.get(index);
        yaml.append("name: ").append(name).append('\n');
        yaml.append("data-dir: ").append(name).append("-data\n");
        yaml.append("bind:\n  address: 127.0.0.1\n  port: ")
                .append(ports.get(index))
                .append('\n');
        yaml.append("peers:\n");
        List<String> others = new ArrayList<>();
        for (int j = 0; j < NAMES.size(); j++) {
            if (j != index) {
                yaml.append("  - name: ").append(NAMES.get(j)).append('\n');
                yaml.append("    address: 127.0.0.1:").append(ports.get(j)).append('\n');
                others.add(NAMES.get(j));
            }
        }
        yaml.append("sessions:\n  - name: lobby\n    members: [")
                .append(String.join(", ", others))
                .append("]\n");
        return write(name + ".yaml", yaml.toString());
    }
}
