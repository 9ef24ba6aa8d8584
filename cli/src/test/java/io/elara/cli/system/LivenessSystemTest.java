package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Members' liveness between three real {@code elara run} processes on loopback. iptables drops every datagram between
 * alice and bob: carol, who hears both, vouches for each to the other, so alice shows bob "answering through carol"
 * rather than gone. With the path back, and then bob killed (-9), alice shows him suspect, then offline with when she
 * last heard him. Needs root for iptables; CI runs it as root.
 */
class LivenessSystemTest extends SystemTestSupport {
    private static final Pattern PORT = Pattern.compile("(?m)^  port: (\\d+)$");

    private final LoopbackFirewall firewall = new LoopbackFirewall();

    @BeforeAll
    static void tools() {
        LoopbackFirewall.requireRoot("the liveness test");
    }

    /** The pipe alice's chat reads; held open so the chat does not see its end. */
    private java.io.RandomAccessFile aliceTypes;

    @AfterEach
    void closePipe() throws Exception {
        if (aliceTypes != null) {
            aliceTypes.close();
        }
    }

    @AfterEach
    void removeRules() throws Exception {
        firewall.heal();
    }

    private static int port(Path config) throws IOException {
        Matcher matcher = PORT.matcher(Files.readString(config, StandardCharsets.UTF_8));
        assertThat(matcher.find()).as("a port in " + config).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    /** Member {@code who} of session team, as the node of {@code config} lists it. */
    private JsonNode member(Path config, String who) {
        JsonNode team = sessionNamed(config, "team");
        if (team != null) {
            for (JsonNode member : team.path("members")) {
                if (member.path("name").asText().equals(who)) {
                    return member;
                }
            }
        }
        return JSON.missingNode();
    }

    /** Bob's line in alice's human {@code elara session list}. */
    private String humanLine(Path config, String who) {
        NodeProcess list = finished("session list", 0, "session", "list", "-c", config.toString());
        for (String line : list.stdout().split("\n", -1)) {
            if (line.strip().startsWith(who + " ")) {
                return line.strip();
            }
        }
        return "";
    }

    @Test
    void shouldTellAFailedPathFromAMemberGoneThenSuspectThenOffline() throws Exception {
        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        Path carol = bareConfig("carol");
        elara("alice run", "run", "-c", alice.toString()).awaitStderr("alice ready on", START);
        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        bobRun.awaitStderr("bob ready on", START);
        elara("carol run", "run", "-c", carol.toString()).awaitStderr("carol ready on", START);
        finished("create", 0, "session", "create", "team", "-c", alice.toString());
        for (Path joiner : List.of(bob, carol)) {
            String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("join", 0, "join", token, "-c", joiner.toString());
        }
        for (Path config : List.of(alice, bob, carol)) {
            Await.until(
                    () -> {
                        JsonNode team = sessionNamed(config, "team");
                        if (team == null || team.path("members").size() != 3) {
                            return false;
                        }
                        for (JsonNode member : team.path("members")) {
                            if (!member.path("connected").asBoolean()) {
                                return false;
                            }
                        }
                        return true;
                    },
                    Duration.ofSeconds(30),
                    "a full mesh at " + config);
        }
        assertThat(member(alice, "bob").path("liveness").asText()).isEqualTo("online");
        // Alice's chat (plain, on a pipe that stays open) announces what happens to bob.
        Path pipe = directory.resolve("alice-chat.in");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor())
                .isZero();
        aliceTypes = new java.io.RandomAccessFile(pipe.toFile(), "rw");
        NodeProcess aliceChat = elara("alice chat", pipe, "chat", "--plain", "-c", alice.toString());
        aliceChat.awaitStdout("Elara chat as alice in 'team'", START);

        // The path between alice and bob fails; carol still hears both.
        Instant blocked = Instant.now();
        firewall.block(port(alice), port(bob));
        Await.until(
                () -> member(alice, "bob").path("vouchedBy").asText().equals("carol"),
                Duration.ofSeconds(45),
                "carol to vouch for bob at alice");
        System.out.println("carol vouched for bob after "
                + Duration.between(blocked, Instant.now()).toMillis() + " ms; alice lists: " + humanLine(alice, "bob"));
        assertThat(member(alice, "bob").path("liveness").asText()).isEqualTo("online");
        assertThat(humanLine(alice, "bob")).contains("answering through carol");
        aliceChat.awaitStdout("\\* bob answers only through carol \\(the path between you failed\\)", START);
        Await.until(
                () -> member(bob, "alice").path("vouchedBy").asText().equals("carol"),
                Duration.ofSeconds(30),
                "carol to vouch for alice at bob");

        // The path is back: alice hears bob directly again.
        removeRules();
        Await.until(
                () -> {
                    JsonNode member = member(alice, "bob");
                    return member.path("liveness").asText().equals("online")
                            && member.path("vouchedBy").isMissingNode()
                            && member.path("lastSeenAgoMs").asLong(-1) >= 0
                            && member.path("lastSeenAgoMs").asLong(-1) < 5_000;
                },
                Duration.ofSeconds(30),
                "alice to hear bob directly again");
        aliceChat.awaitStdout("\\* bob is back", START);

        // Bob is gone: nobody hears him. Suspect first, then offline.
        Instant killed = Instant.now();
        bobRun.kill();
        Await.until(
                () -> member(alice, "bob").path("liveness").asText().equals("suspect"),
                Duration.ofSeconds(45),
                "bob suspect at alice");
        String suspect = humanLine(alice, "bob");
        System.out.println("bob suspect after "
                + Duration.between(killed, Instant.now()).toMillis() + " ms; alice lists: " + suspect);
        assertThat(suspect).containsPattern("connected, not answering for \\d+s \\(suspect\\)");
        aliceChat.awaitStdout("\\* bob is not answering", START);
        Await.until(
                () -> member(alice, "bob").path("liveness").asText().equals("offline"),
                Duration.ofSeconds(75),
                "bob offline at alice");
        String offline = humanLine(alice, "bob");
        System.out.println("bob offline after "
                + Duration.between(killed, Instant.now()).toMillis() + " ms; alice lists: " + offline);
        assertThat(offline).containsPattern("not connected, offline, last seen \\d+s ago");
        aliceChat.awaitStdout("\\* bob is offline", START);
        System.out.println("alice's chat:\n" + aliceChat.stdout());
        assertThat(member(alice, "carol").path("liveness").asText()).isEqualTo("online");
        assertThat(member(carol, "bob").path("liveness").asText()).isIn("suspect", "offline");
    }
}
