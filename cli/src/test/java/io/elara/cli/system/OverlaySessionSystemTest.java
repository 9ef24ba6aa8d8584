package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session too large for a full mesh, between 13 real {@code elara run} processes on loopback: members join through
 * other members (most of them not the creator), the session switches to the overlay once it has more than 11
 * members, each node sends to at most 10 neighbours, and messages from three members reach all 13, each once.
 */
class OverlaySessionSystemTest extends SystemTestSupport {
    private static final int NODES = 13;

    private JsonNode team(Path config) {
        return sessionNamed(config, "team");
    }

    private List<String> history(Path config) {
        return historyLines(config, "team");
    }

    @Test
    void shouldRunALargeSessionOnTheOverlayAndReachEveryMember() throws Exception {
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            // One after the other: thirteen JVMs starting at once on two cores take longer than the start timeout.
            Path config = bareConfig("n" + i);
            configs.add(config);
            elara("n" + i + " run", "run", "-c", config.toString()).awaitStderr("n" + i + " ready on", START);
        }
        finished("create", 0, "session", "create", "team", "-c", configs.get(0).toString());
        for (int i = 1; i < NODES; i++) {
            // Node i joins through node (i - 1) / 2: a tree of inviters, most of them not the creator.
            Path inviter = configs.get((i - 1) / 2);
            NodeProcess invite = finished("invite", 0, "invite", "team", "-c", inviter.toString());
            String token = invite.stdout().strip();
            NodeProcess join = finished(
                    "n" + i + " joins", 0, "join", token, "-c", configs.get(i).toString());
            assertThat(join.stdout().strip()).isEqualTo("joined session 'team'");
        }
        List<JsonNode> teams = new ArrayList<>();
        for (Path config : configs) {
            JsonNode[] seen = new JsonNode[1];
            Await.until(
                    () -> {
                        seen[0] = team(config);
                        return seen[0] != null
                                && seen[0].path("members").size() == NODES
                                && seen[0].path("propagation").asText().equals("overlay");
                    },
                    Duration.ofSeconds(60),
                    "every member known, on the overlay, at " + config);
            teams.add(seen[0]);
        }
        for (JsonNode team : teams) {
            int neighbours = 0;
            for (JsonNode member : team.path("members")) {
                neighbours += member.path("neighbour").asBoolean() ? 1 : 0;
            }
            assertThat(neighbours).as("neighbours in " + team).isBetween(2, 10);
        }
        List<String> expected = new ArrayList<>();
        for (int i : new int[] {0, 7, NODES - 1}) {
            NodeProcess send = finished(
                    "n" + i + " says hi",
                    0,
                    "send",
                    "-c",
                    configs.get(i).toString(),
                    "--session",
                    "team",
                    "hi from n" + i);
            assertThat(send.stdout().strip()).startsWith("acknowledged by ");
            expected.add("n" + i + ": hi from n" + i);
        }
        for (Path config : configs) {
            Await.until(
                    () -> history(config).containsAll(expected),
                    Duration.ofSeconds(60),
                    "all three messages at " + config);
            assertThat(history(config)).as(config.toString()).hasSize(3).doesNotHaveDuplicates();
        }
        long forwarded = 0;
        for (Path config : configs) {
            forwarded += status(this, config)
                    .path("counters")
                    .path("eventsForwarded")
                    .asLong();
        }
        assertThat(forwarded)
                .as("events passed on by members other than their authors")
                .isPositive();
    }
}
