package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sessions made at run time between real {@code elara run} processes that know nothing of each other beforehand: one
 * creates a session, the others join with invites (one through a member who is not the creator), they talk in a full
 * mesh, the membership survives a restart, a member gets what it missed from another member while the author is
 * away, and the creator removes a member. Presence and the topic reach every member, survive a restart, and reach a
 * member that was away through another. Used-up and garbled invites are refused with one line.
 */
class SessionsSystemTest extends SystemTestSupport {
    private NodeProcess run(String name, Path config) {
        NodeProcess run = elara(name + " run", "run", "-c", config.toString());
        run.awaitStderr(name + " ready on", START);
        return run;
    }

    private JsonNode team(Path config) {
        return sessionNamed(config, "team");
    }

    private int connectedMembers(Path config) {
        JsonNode team = team(config);
        int connected = 0;
        if (team != null) {
            for (JsonNode member : team.path("members")) {
                connected += member.path("connected").asBoolean() ? 1 : 0;
            }
        }
        return connected;
    }

    /** The presence {@code member} set in the session, as the node of {@code config} lists it; null when none. */
    private String presence(Path config, String member) {
        JsonNode team = team(config);
        if (team != null) {
            for (JsonNode each : team.path("members")) {
                if (each.path("name").asText().equals(member)) {
                    return each.path("presence").isNull()
                            ? null
                            : each.path("presence").asText();
                }
            }
        }
        return null;
    }

    private String topic(Path config) {
        JsonNode team = team(config);
        return team == null || team.path("topic").isNull()
                ? null
                : team.path("topic").asText();
    }

    private List<String> history(Path config) {
        return historyLines(config, "team");
    }

    private String invite(Path config, String... options) {
        List<String> args = new ArrayList<>(List.of("invite", "team", "-c", config.toString()));
        args.addAll(List.of(options));
        NodeProcess invite = finished("invite", 0, args.toArray(String[]::new));
        String token = invite.stdout().strip();
        assertThat(token).startsWith("elara-invite1:").doesNotContain("\n");
        return token;
    }

    @Test
    void shouldJoinTheSessionsOfTheConfigsInvitesOnceAndLogAsTheConfigSays() throws Exception {
        // Goal: a headless node configured with an invite joins on its own, logs as its config says, joins nothing
        // twice after a restart, and a bad invite in the file stops it before it starts.
        Path alice = bareConfig("alice");
        run("alice", alice);
        finished("create", 0, "session", "create", "team", "-c", alice.toString());
        String token = invite(alice);
        Path bob = bareConfig("bob");
        Files.writeString(
                bob, "join:\n  - " + token + "\nlogging:\n  level: debug\n  format: json\n", StandardOpenOption.APPEND);

        Files.writeString(bob, "identity-file: keys/bob.key\n", StandardOpenOption.APPEND);

        NodeProcess first = run("bob", bob);
        first.awaitStderr("joined session 'team' with the invite join\\[0\\] of the config", START);
        Await.until(() -> connectedMembers(alice) == 2, Duration.ofSeconds(30), "bob a member at alice");
        List<JsonNode> logged = jsonLines(first.stderr());
        assertThat(logged).as("every line of bob's log is a JSON object").isNotEmpty();
        assertThat(logged).extracting(line -> line.path("level").asText()).contains("DEBUG", "INFO");
        // The key went where identity-file says, and it is the one the node runs with.
        assertThat(directory.resolve("keys/bob.key")).isRegularFile();
        assertThat(directory.resolve("bob-data/identity.key")).doesNotExist();
        assertThat(finished("bob id", 0, "id", "-c", bob.toString()).stdout().strip())
                .isEqualTo("bob  " + status(this, bob).path("id").asText());
        first.kill();

        NodeProcess second = run("bob", bob);
        second.awaitStderr("join\\[0\\] of the config: this node is in session 'team' already", START);
        assertThat(second.stderr()).doesNotContain("joined session").doesNotContain("\"level\":\"WARN\"");
        assertThat(team(bob).path("members").size()).isEqualTo(2);
        second.kill();

        Path broken = write("broken.yaml", "name: broken\njoin:\n  - elara-invite1:AAAA\n");
        NodeProcess refused = finished("broken run", 2, "run", "-c", broken.toString());
        assertThat(refused.stderr().strip())
                .startsWith("elara: " + broken + ":3:5: join[0]: not a valid invite: ")
                .doesNotContain("\n");
    }

    @Test
    void shouldCreateInviteJoinTalkRestartRelayAndRemove() throws Exception {
        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        Path carol = bareConfig("carol");
        Path mallory = bareConfig("mallory");
        NodeProcess aliceRun = run("alice", alice);
        NodeProcess bobRun = run("bob", bob);
        NodeProcess carolRun = run("carol", carol);
        NodeProcess malloryRun = run("mallory", mallory);

        NodeProcess create = finished("create", 0, "session", "create", "team", "-c", alice.toString());
        assertThat(create.stdout()).startsWith("created session 'team' (");
        NodeProcess again = finished("create again", 1, "session", "create", "team", "-c", alice.toString());
        assertThat(again.stderr().strip()).isEqualTo("elara: a session named 'team' exists already");

        // Bob joins with alice's single-use invite; carol with bob's: she has never talked to alice.
        String once = invite(alice, "--uses", "1", "--expires", "10m");
        NodeProcess bobJoins = finished("bob joins", 0, "join", once, "-c", bob.toString());
        assertThat(bobJoins.stdout().strip()).isEqualTo("joined session 'team'");
        NodeProcess carolJoins = finished("carol joins", 0, "join", invite(bob), "-c", carol.toString());
        assertThat(carolJoins.stdout().strip()).isEqualTo("joined session 'team'");
        for (Path config : List.of(alice, bob, carol)) {
            Await.until(() -> connectedMembers(config) == 3, Duration.ofSeconds(30), "a full mesh at " + config);
        }
        assertThat(team(carol).path("kind").asText()).isEqualTo("joined");
        assertThat(team(alice).path("kind").asText()).isEqualTo("created");

        // The single-use invite is spent; a garbled one never leaves mallory's node.
        NodeProcess late = finished("mallory joins late", 1, "join", once, "-c", mallory.toString());
        assertThat(late.stderr().strip())
                .isEqualTo("elara: the inviter refused the join: a JOIN beyond its invite's number of uses");
        NodeProcess garbled = finished(
                "mallory garbles", 1, "join", once.substring(0, once.length() - 4) + "AAAA", "-c", mallory.toString());
        assertThat(garbled.stderr().strip())
                .startsWith("elara: not a valid invite: ")
                .doesNotContain("\n");
        assertThat(team(mallory)).isNull();
        assertThat(status(this, alice)
                        .path("rejects")
                        .path("membership_invite_used_up")
                        .asLong())
                .as("counted at the inviter")
                .isEqualTo(1);

        // Everyone's message reaches everyone.
        for (Path config : List.of(alice, bob, carol)) {
            String name = config.getFileName().toString().replace(".yaml", "");
            NodeProcess send = finished(
                    name + " says hi", 0, "send", "-c", config.toString(), "--session", "team", "hi from " + name);
            assertThat(send.stdout().strip()).startsWith("acknowledged by ");
        }
        for (Path config : List.of(alice, bob, carol)) {
            Await.until(() -> history(config).size() == 3, Duration.ofSeconds(20), "three messages at " + config);
            assertThat(history(config))
                    .containsExactlyInAnyOrder("alice: hi from alice", "bob: hi from bob", "carol: hi from carol");
        }

        // The session's shared state: alice's presence and carol's topic reach everyone, and are not chat.
        NodeProcess away = finished("alice away", 0, "presence", "away", "at", "lunch", "-c", alice.toString());
        assertThat(away.stdout().strip()).isEqualTo("presence 'away at lunch' in 'team': 2 members acknowledged");
        NodeProcess setTopic = finished(
                "carol sets the topic",
                0,
                "session",
                "topic",
                "team",
                "release",
                "on",
                "friday",
                "-c",
                carol.toString());
        assertThat(setTopic.stdout().strip()).isEqualTo("topic set in 'team': 2 members acknowledged");
        for (Path config : List.of(alice, bob, carol)) {
            Await.until(
                    () -> "away at lunch".equals(presence(config, "alice"))
                            && "release on friday".equals(topic(config)),
                    Duration.ofSeconds(20),
                    "the presence and topic at " + config);
        }
        assertThat(finished("bob reads the topic", 0, "session", "topic", "team", "-c", bob.toString())
                        .stdout()
                        .strip())
                .isEqualTo("release on friday");
        assertThat(finished("bob's history", 0, "history", "team", "-c", bob.toString())
                        .stdout())
                .contains("[team] * alice is away: at lunch")
                .contains("[team] * carol set the topic: release on friday");
        assertThat(history(bob)).hasSize(3);
        NodeProcess badPresence = finished("alice mistypes", 2, "presence", "gone", "-c", alice.toString());
        assertThat(badPresence.stderr().strip())
                .isEqualTo("elara: unknown presence 'gone' (online, away, busy or offline)");

        // Bob restarts: the session, its members and its state come back from his database.
        bobRun.terminate();
        assertThat(bobRun.waitFor(EXIT)).isEqualTo(143);
        bobRun = run("bob", bob);
        assertThat(topic(bob)).as("read back from bob's database").isEqualTo("release on friday");
        assertThat(presence(bob, "alice")).isEqualTo("away at lunch");
        Await.until(() -> connectedMembers(bob) == 3, Duration.ofSeconds(30), "bob back in the mesh");

        // Bob goes away; alice says three things only carol hears; alice goes away too; bob returns and gets them
        // from carol, signed by alice.
        bobRun.kill();
        for (int i = 1; i <= 3; i++) {
            NodeProcess send = elara(
                    "alice while bob is away",
                    "send",
                    "-c",
                    alice.toString(),
                    "--session",
                    "team",
                    "--timeout-ms",
                    "1500",
                    "missed " + i);
            assertThat(send.waitFor(EXIT)).as(send.describe()).isEqualTo(1);
        }
        NodeProcess busy = finished("alice busy while bob is away", 0, "presence", "busy", "-c", alice.toString());
        assertThat(busy.stdout().strip())
                .isEqualTo("presence 'busy' in 'team': stored; members not reached yet get it when they are back");
        Await.until(() -> history(carol).size() == 6, Duration.ofSeconds(20), "carol to have alice's three");
        Await.until(() -> "busy".equals(presence(carol, "alice")), Duration.ofSeconds(20), "carol to see alice busy");
        aliceRun.kill();
        bobRun = run("bob", bob);
        Await.until(
                () -> history(bob).containsAll(List.of("alice: missed 1", "alice: missed 2", "alice: missed 3")),
                Duration.ofSeconds(60),
                "bob to get alice's messages from carol");
        assertThat(history(bob)).hasSize(6).doesNotHaveDuplicates();
        Await.until(
                () -> "busy".equals(presence(bob, "alice")),
                Duration.ofSeconds(30),
                "bob to get alice's presence from carol");
        assertThat(status(this, bob).path("rejects").path("signature_invalid").asLong())
                .isZero();

        // Alice returns and removes carol.
        aliceRun = run("alice", alice);
        Await.until(() -> connectedMembers(alice) == 3, Duration.ofSeconds(30), "alice back in the mesh");
        NodeProcess notCreator = finished("bob kicks", 1, "session", "kick", "team", "carol", "-c", bob.toString());
        assertThat(notCreator.stderr().strip()).isEqualTo("elara: only the creator of 'team' can kick members");
        NodeProcess kick = finished("alice kicks", 0, "session", "kick", "team", "carol", "-c", alice.toString());
        assertThat(kick.stdout().strip()).isEqualTo("removed carol from 'team'");
        Await.until(() -> team(carol) == null, Duration.ofSeconds(20), "carol to be out");
        NodeProcess carolList = finished("carol's list", 0, "session", "list", "-c", carol.toString());
        assertThat(carolList.stdout()).contains("team  (removed by its creator)");
        Await.until(() -> team(bob).path("members").size() == 2, Duration.ofSeconds(20), "bob to see two members");
        NodeProcess carolSends =
                finished("carol after", 1, "send", "-c", carol.toString(), "--session", "team", "still here?");
        assertThat(carolSends.stderr().strip()).startsWith("elara: no session named 'team'");

        for (NodeProcess process : List.of(aliceRun, bobRun, carolRun, malloryRun)) {
            process.terminate();
            assertThat(process.waitFor(EXIT)).isEqualTo(143);
            assertThat(process.stderr()).doesNotContain("Exception");
        }
    }
}
