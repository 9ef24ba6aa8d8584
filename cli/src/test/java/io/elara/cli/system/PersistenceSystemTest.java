package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Persistence with real processes: {@code kill -9} of a receiving node at 20 random points of a burst loses nothing that
 * was acknowledged and shows nothing twice; what a node stored is there after a restart, for {@code elara history}, {@code
 * elara export} and {@code elara tail}.
 */
class PersistenceSystemTest extends SystemTestSupport {
    /** The acceptance's burst: 10,000 messages. */
    private static final int BURST = 10_000;
    /** Times the receiving node is killed during the burst: the acceptance's 20 kill points, or -Delara.crash.kills. */
    private static final int KILLS = Integer.getInteger("elara.crash.kills", 20);
    /** Draws the kill points; printed, and {@code -Delara.crash.seed=S} repeats a run's points. */
    private static final long SEED =
            Long.getLong("elara.crash.seed", ThreadLocalRandom.current().nextLong());

    /**
     * {@code kills} points in the burst, in acknowledgements, increasing and at least 200 apart: the burst less its
     * first and last 300 is cut into equal slots, and each point falls at random in the first part of its slot.
     */
    static int[] killPoints(int kills, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int slot = (BURST - 600) / kills;
        int[] points = new int[kills];
        for (int k = 0; k < kills; k++) {
            points[k] = 300 + k * slot + random.nextInt(Math.max(1, slot - 200));
        }
        return points;
    }

    @Test
    void shouldKeepEveryAcknowledgedMessageThroughTwentyKillsDuringABurst() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        Path bob = config("bob", bobPort, "alice", alicePort);
        NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        aliceRun.awaitStderr("alice ready on", START);
        bobRun.awaitStderr("bob ready on", START);

        // A burst through alice's running node: each line is one message, acknowledged once bob (and alice) stored it.
        StringBuilder lines = new StringBuilder();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            texts.add("burst " + i);
            lines.append("burst ").append(i).append('\n');
        }
        NodeProcess burst = elara(
                "send burst",
                write("burst.txt", lines.toString()),
                "send",
                "-c",
                alice.toString(),
                "--session",
                "lobby",
                "--timeout-ms",
                "30000");
        long startNs = System.nanoTime();
        int[] points = killPoints(KILLS, SEED);
        System.out.println("crash test: a burst of " + BURST + " messages; the receiving node is killed " + KILLS
                + " times, after " + Arrays.toString(points) + " acknowledgements (repeat with -Delara.crash.seed="
                + SEED + ")");
        NodeProcess bobNow = bobRun;
        List<Long> killedAt = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            int point = points[k];
            Await.until(
                    () -> burst.stdout().lines().count() >= point,
                    Duration.ofMinutes(5),
                    "acknowledgement " + point + " of the burst");
            bobNow.kill(); // SIGKILL: no shutdown hook, no last write
            assertThat(bobNow.waitFor(EXIT)).isEqualTo(137);
            killedAt.add(burst.stdout().lines().count());
            assertThat(bobNow.stderr()).as("bob before kill " + (k + 1)).doesNotContain("Exception");
            bobNow = elara("bob run " + (k + 2), "run", "-c", bob.toString());
            bobNow.awaitStderr("bob ready on", START);
        }
        NodeProcess bobAgain = bobNow;
        System.out.printf(
                Locale.ROOT,
                "crash test: killed the receiving node %d times, after %s acknowledgements, %.1f s into the burst%n",
                KILLS,
                killedAt,
                (System.nanoTime() - startNs) / 1e9);

        assertThat(burst.waitFor(Duration.ofMinutes(10))).as(burst.describe()).isZero();
        System.out.printf(
                Locale.ROOT,
                "crash test: all %d messages acknowledged %.1f s after the burst began%n",
                BURST,
                (System.nanoTime() - startNs) / 1e9);
        assertThat(burst.stdout().lines()).hasSize(BURST).containsOnly("acknowledged by bob");

        // Every acknowledged message is in the database of both nodes, once, in the order sent, with the same event
        // ids:
        // the receiving node's (it wrote each before acknowledging it) and the sending node's (it wrote each before
        // reporting it sent).
        List<List<String>> ids = new ArrayList<>();
        for (Path node : List.of(bob, alice)) {
            String who = node == bob ? "the receiving node" : "the sending node";
            NodeProcess history = finished(who + " history", 0, "history", "-c", node.toString(), "lobby", "--json");
            List<JsonNode> stored = jsonLines(history.stdout());
            assertThat(stored)
                    .as("the texts in the history of %s", who)
                    .extracting(e -> e.path("text").asText())
                    .isEqualTo(texts);
            assertThat(new HashSet<>(
                            stored.stream().map(e -> e.path("id").asText()).toList()))
                    .as("distinct event ids in the history of %s", who)
                    .hasSize(BURST);
            ids.add(stored.stream().map(e -> e.path("id").asText()).toList());
            System.out.println("crash test: " + who + " has all " + BURST + " messages, once each, in order");
        }
        assertThat(ids.get(1)).as("the same events at both nodes").isEqualTo(ids.get(0));

        // After the restart, bob's backlog (what a new tail starts from) comes from the database: the last 1,000.
        NodeProcess tail = finished("bob tail", 0, "tail", "-c", bob.toString(), "--json", "-n", "5", "--count", "5");
        assertThat(jsonLines(tail.stdout()))
                .extracting(e -> e.path("text").asText())
                .isEqualTo(texts.subList(BURST - 5, BURST));

        // Export writes the same, as JSON Lines, into a file replaced only once complete.
        Path exported = directory.resolve("lobby.jsonl");
        NodeProcess export =
                finished("bob export", 0, "export", "-c", bob.toString(), "lobby", "-o", exported.toString());
        assertThat(export.stderr()).contains("exported " + BURST + " messages of 'lobby'");
        assertThat(jsonLines(Files.readString(exported)))
                .extracting(e -> e.path("text").asText())
                .isEqualTo(texts);

        JsonNode bobStatus = status(this, bob);
        assertThat(bobStatus.path("rejects").path("store_failed").asLong()).isZero();

        aliceRun.terminate();
        bobAgain.terminate();
        assertThat(aliceRun.waitFor(EXIT)).isEqualTo(143);
        assertThat(bobAgain.waitFor(EXIT)).isEqualTo(143);
        assertThat(aliceRun.stderr() + bobAgain.stderr()).doesNotContain("Exception");
    }

    @Test
    void shouldSendAgainAfterItsOwnRestartWhatNobodyHadAcknowledged() throws Exception {
        // Goal: a message is not lost because its sender died before the recipient got it. Method: bob is not running;
        // alice's send is not acknowledged in time (exit 1) but stays in her mailbox; alice is killed with SIGKILL;
        // bob starts, then alice again: her node sends it from the database and bob stores it once.
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        Path bob = config("bob", bobPort, "alice", alicePort);
        NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
        aliceRun.awaitStderr("alice ready on", START);
        NodeProcess unanswered = finished(
                "send to nobody",
                1,
                "send",
                "-c",
                alice.toString(),
                "--to",
                "bob",
                "--timeout-ms",
                "2000",
                "while you were out");
        assertThat(unanswered.stderr()).startsWith("elara: not acknowledged by bob within 2000 ms");
        aliceRun.kill();
        assertThat(aliceRun.waitFor(EXIT)).isEqualTo(137);

        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        bobRun.awaitStderr("bob ready on", START);
        NodeProcess aliceAgain = elara("alice run again", "run", "-c", alice.toString());
        aliceAgain.awaitStderr("alice ready on", START);
        Await.until(
                () -> finished("bob history", 0, "history", "-c", bob.toString(), "direct")
                        .stdout()
                        .contains("alice: while you were out"),
                Duration.ofSeconds(30),
                "the message from alice's mailbox at bob");
        assertThat(finished("bob history", 0, "history", "-c", bob.toString(), "direct", "--json")
                        .stdout()
                        .lines())
                .hasSize(1);
        assertThat(finished("alice history", 0, "history", "-c", alice.toString(), "direct")
                        .stdout())
                .as("her own message is in her history too")
                .contains("alice: while you were out");
        aliceAgain.terminate();
        bobRun.terminate();
        assertThat(aliceAgain.waitFor(EXIT)).isEqualTo(143);
        assertThat(bobRun.waitFor(EXIT)).isEqualTo(143);
    }

    @Test
    void shouldDeliverEverythingSentWhileAMemberWasAwayWhenItComesBack() throws Exception {
        // Goal: a member that stops misses nothing. Method: bob stops; alice sends 100 messages to the session, none
        // acknowledged in time (exit 1, one line each, all kept queued); bob starts again and, within a mailbox check,
        // has all 100, once each, in order.
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        Path bob = config("bob", bobPort, "alice", alicePort);
        NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        aliceRun.awaitStderr("alice ready on", START);
        bobRun.awaitStderr("bob ready on", START);
        bobRun.terminate();
        assertThat(bobRun.waitFor(EXIT)).isEqualTo(143);

        StringBuilder lines = new StringBuilder();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            texts.add("while away " + i);
            lines.append("while away ").append(i).append('\n');
        }
        NodeProcess away = elara(
                "send while bob is away",
                write("away.txt", lines.toString()),
                "send",
                "-c",
                alice.toString(),
                "--session",
                "lobby",
                "--timeout-ms",
                "50");
        assertThat(away.waitFor(Duration.ofMinutes(2))).as(away.describe()).isEqualTo(1);
        assertThat(away.stderr().lines().filter(l -> l.contains("not acknowledged by")))
                .hasSize(100);
        assertThat(away.stderr())
                .contains("100 of 100 messages were not acknowledged in time; the node keeps them and sends them when"
                        + " the recipients are back");

        NodeProcess bobAgain = elara("bob run again", "run", "-c", bob.toString());
        bobAgain.awaitStderr("bob ready on", START);
        Await.until(
                () -> jsonLines(finished("bob history", 0, "history", "-c", bob.toString(), "lobby", "--json")
                                        .stdout())
                                .size()
                        >= 100,
                Duration.ofSeconds(90),
                "all 100 at bob");
        List<JsonNode> stored = jsonLines(finished("bob history", 0, "history", "-c", bob.toString(), "lobby", "--json")
                .stdout());
        assertThat(stored).extracting(e -> e.path("text").asText()).isEqualTo(texts);
        aliceRun.terminate();
        bobAgain.terminate();
        assertThat(aliceRun.waitFor(EXIT)).isEqualTo(143);
        assertThat(bobAgain.waitFor(EXIT)).isEqualTo(143);
    }

    @Test
    void shouldRefuseAnUnknownSessionAndADamagedDatabaseInOneLine() throws Exception {
        int port = FreePorts.udp();
        Path carol = config("carol", port, "dave", FreePorts.udp());
        NodeProcess unknown = finished("history of nothing", 2, "history", "-c", carol.toString(), "attic");
        assertThat(unknown.stderr()).isEqualTo("elara: no session named 'attic' (this node has: lobby, direct)\n");
        NodeProcess empty = finished("history before any run", 1, "history", "-c", carol.toString(), "lobby");
        assertThat(empty.stderr()).startsWith("elara: no database at ").hasLineCount(1);

        Path data = directory.resolve("carol-data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("elara.db"), "this is not a database, it is a shopping list");
        NodeProcess damaged = finished("history of garbage", 1, "history", "-c", carol.toString(), "lobby");
        assertThat(damaged.stderr()).startsWith("elara: ").contains("elara.db").hasLineCount(1);
        NodeProcess run = finished("run on garbage", 1, "run", "-c", carol.toString());
        assertThat(run.stderr()).contains("elara.db");
        assertThat(Files.readString(data.resolve("elara.db")))
                .as("a refused file is left as it was")
                .isEqualTo("this is not a database, it is a shopping list");
    }

    @Test
    void shouldRefuseANewerSchemaAndADamagedStoreInOneLineAndLeaveTheFileAsItWas() throws Exception {
        // Goal: a database this elara cannot read safely is refused by both the node and the reading commands, in one
        // line that names the file and what to do, and left byte for byte as it was (no migration, no repair).
        int port = FreePorts.udp();
        Path erin = config("erin", port, "frank", FreePorts.udp());
        Path database = directory.resolve("erin-data").resolve("elara.db");
        NodeProcess first = elara("erin run", "run", "-c", erin.toString());
        first.awaitStderr("erin ready on", START);
        first.terminate();
        assertThat(first.waitFor(EXIT)).isEqualTo(143);
        byte[] fresh = Files.readAllBytes(database); // a real store of this elara's schema, closed cleanly

        // Newer: the schema version in the header (user_version, bytes 60-63) as a later elara would leave it.
        byte[] newer = fresh.clone();
        ByteBuffer.wrap(newer).putInt(60, 99);
        refuseAndLeaveAlone(erin, database, newer, "a newer schema", "has schema version 99; this elara knows up to ");

        // Damaged: the second page (a table's root) overwritten, as a bad sector or a careless copy would leave it.
        byte[] damaged = fresh.clone();
        int pageSize = Short.toUnsignedInt(ByteBuffer.wrap(fresh).getShort(16));
        assertThat(fresh.length).as("a store of more than one page").isGreaterThan(pageSize);
        Arrays.fill(damaged, pageSize, 2 * pageSize, (byte) 0xFF);
        refuseAndLeaveAlone(erin, database, damaged, "a damaged store", "is damaged (");
    }

    private void refuseAndLeaveAlone(Path config, Path database, byte[] contents, String what, String why)
            throws IOException {
        Files.write(database, contents);
        for (String command : List.of("history", "run")) {
            NodeProcess refused = command.equals("run")
                    ? finished("run on " + what, 1, "run", "-c", config.toString())
                    : finished("history of " + what, 1, "history", "-c", config.toString(), "lobby");
            System.out.println("bad input: elara " + command + " on " + what + " said: "
                    + refused.stderr().strip());
            assertThat(refused.stderr())
                    .as("elara %s on %s", command, what)
                    .startsWith("elara: " + database + " " + why)
                    .hasLineCount(1);
            assertThat(Files.readAllBytes(database))
                    .as("the file after elara %s on %s", command, what)
                    .isEqualTo(contents);
        }
    }
}
