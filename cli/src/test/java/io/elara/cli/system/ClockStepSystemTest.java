package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.testing.Await;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A machine's clock that steps back between two runs of a node (a wrong clock corrected by NTP, a dead RTC battery,
 * a virtual machine restored from a snapshot), with real processes: the node's clock is moved by libfaketime, preloaded
 * into its JVM. A running node never sees a step (its clock advances by the monotonic clock from its start); a restart
 * does.
 */
class ClockStepSystemTest extends SystemTestSupport {
    private static final Duration DELIVERY = Duration.ofSeconds(20);

    @BeforeAll
    static void tools() {
        requireTools("faketime");
    }

    @Test
    void shouldKeepANodesNewMessagesAndPresenceAfterItsOldOnesWhenItRestartsWithItsClockAnHourBack() {
        // Goal: what a node says after a restart with its clock set back an hour comes after what it said before,
        // at every member: its messages in the order it sent them, and its presence the one it set last. A node that
        // stamped its new events from the wall clock alone would put them an hour before its old ones: the message
        // shown an hour up the history, and the presence lost to the older one (last writer wins, by timestamp).
        // Method: alice says two things and goes away; her node stops and starts an hour back; she says a third
        // thing and comes online. Bob's node and alice's own are read.
        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        NodeProcess aliceRun = run("alice", alice, Map.of());
        try (NodeProcess bobRun = run("bob", bob, Map.of())) {
            finished("create", 0, "session", "create", "team", "-c", alice.toString());
            String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("bob joins", 0, "join", token, "-c", bob.toString());
            finished("first", 0, "send", "-c", alice.toString(), "--session", "team", "before the restart, 1");
            finished("second", 0, "send", "-c", alice.toString(), "--session", "team", "before the restart, 2");
            finished("away", 0, "presence", "-c", alice.toString(), "--session", "team", "away", "lunch");
            Await.until(() -> "away lunch".equals(presence(bob, "alice")), DELIVERY, "alice away at bob");

            aliceRun.terminate();
            aliceRun.waitFor(EXIT);
            assertThat(aliceRun.stderr()).as("a clean stop").contains("alice stopped");
            aliceRun = run("alice (clock an hour back)", alice, libfaketime("-1h"));

            finished("third", 0, "send", "-c", alice.toString(), "--session", "team", "after the restart");
            finished("online", 0, "presence", "-c", alice.toString(), "--session", "team", "online");

            List<String> said =
                    List.of("alice: before the restart, 1", "alice: before the restart, 2", "alice: after the restart");
            Await.until(() -> historyLines(bob, "team").size() == 3, DELIVERY, "the third message at bob");
            assertThat(historyLines(bob, "team")).containsExactlyElementsOf(said);
            assertThat(historyLines(alice, "team")).containsExactlyElementsOf(said);
            Await.until(() -> "online".equals(presence(bob, "alice")), DELIVERY, "alice online again at bob");
            assertThat(presence(alice, "alice")).isEqualTo("online");
            assertThat(bobRun.isAlive()).isTrue();
        } finally {
            aliceRun.close();
        }
    }

    private NodeProcess run(String name, Path config, Map<String, String> environment) {
        NodeProcess run = elaraWithEnvironment(name, environment, "run", "-c", config.toString());
        run.awaitStderr("ready on", START);
        return run;
    }

    /**
     * The variables that preload libfaketime with the wall clock {@code offset} from the real one ("-1h"). The
     * monotonic clock is left alone: the JVM's timers and the node's lanes run on it.
     */
    private static Map<String, String> libfaketime(String offset) {
        try (Stream<Path> found = Files.find(
                Path.of("/usr/lib"),
                3,
                (path, attributes) -> path.getFileName().toString().equals("libfaketime.so.1"))) {
            Path library =
                    found.findFirst().orElseThrow(() -> new AssertionError("libfaketime.so.1 not under /usr/lib"));
            return Map.of(
                    "LD_PRELOAD",
                    library.toString(),
                    "FAKETIME",
                    offset,
                    "FAKETIME_DONT_FAKE_MONOTONIC",
                    "1",
                    "FAKETIME_DONT_RESET",
                    "1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String presence(Path config, String member) {
        return presence(config, "team", member);
    }
}
