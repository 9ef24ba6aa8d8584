package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped example configs in {@code docs/examples/}, each run as a real {@code elara run} process next to a
 * second node ("alice") that talks to it through {@code elara send} and watches with {@code elara tail}. The files
 * are copied unchanged except for their ports, which become free ones.
 */
class ExamplesSystemTest extends SystemTestSupport {
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    private int alicePort;
    private Path alice;

    /** Copies example {@code name} (and its helper files) into the test folder, on free ports. */
    private Path example(String name, int defaultPort) throws IOException {
        alicePort = FreePorts.udp();
        int port = FreePorts.udp();
        String yaml = Files.readString(EXAMPLES.resolve(name + ".yaml"), StandardCharsets.UTF_8);
        assertThat(yaml).contains("port: " + defaultPort).contains("127.0.0.1:7460");
        yaml = yaml.replace("port: " + defaultPort, "port: " + port)
                .replace("127.0.0.1:7460", "127.0.0.1:" + alicePort);
        try (var files = Files.list(EXAMPLES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
                Files.copy(file, directory.resolve(file.getFileName()));
            }
        }
        alice = config("alice", alicePort, name, port);
        return write(name + ".yaml", yaml);
    }

    private NodeProcess run(String name, Path config) {
        NodeProcess process = elara(name + " run", "run", "-c", config.toString());
        process.awaitStderr(name + " ready on ", START);
        return process;
    }

    /** Starts alice's tail for {@code count} events and waits until it is subscribed. */
    private NodeProcess tail(int count) {
        NodeProcess tail =
                elara("alice tail", "tail", "-c", alice.toString(), "--json", "-n", "0", "--count", "" + count);
        Await.until(
                () -> status(this, alice).path("counters").path("subscribers").asInt() == 1,
                START,
                "alice's tail to subscribe");
        return tail;
    }

    private void send(String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "send";
        command[1] = "-c";
        command[2] = alice.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        finished("alice send", 0, command);
    }

    private static List<JsonNode> jsonLines(Path file) {
        try {
            return Files.exists(file) ? jsonLines(Files.readString(file, StandardCharsets.UTF_8)) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldEchoSessionAndDirectMessagesButNotSlashLines() throws Exception {
        Path bot = example("echo-bot", 7461);
        run("echo-bot", bot);
        run("alice", alice);
        NodeProcess tail = tail(5);

        send("--session", "lobby", "hello bot");
        send("--session", "lobby", "/ignored");
        send("--to", "echo-bot", "psst");

        assertThat(tail.waitFor(EXIT)).as(tail.describe()).isZero();
        List<JsonNode> events = jsonLines(tail.stdout());
        assertThat(events)
                .extracting(e -> e.path("authorName").asText() + "@"
                        + e.path("session").asText() + ": " + e.path("text").asText())
                .containsExactlyInAnyOrder(
                        "alice@lobby: hello bot",
                        "alice@lobby: /ignored",
                        "alice@direct: psst",
                        "echo-bot@lobby: echo: hello bot",
                        "echo-bot@direct: echo: psst");
    }

    @Test
    void shouldAnswerInTheSessionAChatTerminalIsIn() throws Exception {
        // Goal: a headless bot from a shipped config is a member a person chats with. Method: the echo bot and alice
        // run; alice's `elara chat` (plain lines, fed through a named pipe) says hello in lobby and shows the bot's
        // answer as a chat line.
        Path bot = example("echo-bot", 7461);
        run("echo-bot", bot);
        run("alice", alice);
        Path pipe = directory.resolve("alice-chat.in");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        try (java.io.RandomAccessFile typed = new java.io.RandomAccessFile(pipe.toFile(), "rw")) {
            NodeProcess chat = elara("alice chat", pipe, "chat", "--plain", "-c", alice.toString());
            chat.awaitStdout("Elara chat as alice in 'lobby'", START);
            typed.write("hello bot\n".getBytes(StandardCharsets.UTF_8));
            chat.awaitStdout("\\d\\d:\\d\\d:\\d\\d alice: hello bot", START);
            chat.awaitStdout("\\d\\d:\\d\\d:\\d\\d echo-bot: echo: hello bot", START);
            typed.write("/quit\n".getBytes(StandardCharsets.UTF_8));
            assertThat(chat.waitFor(EXIT)).as(chat.describe()).isZero();
        }
    }

    @Test
    void shouldRecordEverySessionEventToJsonLinesAndAppendAfterARestart() throws Exception {
        Path recorderConfig = example("recorder", 7462);
        NodeProcess recorder = run("recorder", recorderConfig);
        run("alice", alice);
        Path file = directory.resolve("recorder-data/lobby.jsonl");

        send("--session", "lobby", "first");
        send("--session", "lobby", "second");
        send("--to", "recorder", "a direct message is not in the session");
        Await.until(() -> jsonLines(file).size() == 2, START, "2 recorded events");

        recorder.terminate();
        assertThat(recorder.waitFor(EXIT)).isEqualTo(143);
        run("recorder", recorderConfig);
        send("--session", "lobby", "third, after a restart");
        Await.until(() -> jsonLines(file).size() == 3, START, "3 recorded events");

        List<JsonNode> recorded = jsonLines(file);
        assertThat(recorded)
                .extracting(e -> e.path("text").asText())
                .containsExactly("first", "second", "third, after a restart");
        assertThat(recorded).allSatisfy(e -> {
            assertThat(e.path("flow").asText()).isEqualTo("record");
            assertThat(e.path("session").asText()).isEqualTo("lobby");
            assertThat(e.path("authorName").asText()).isEqualTo("alice");
            assertThat(e.path("from").asText()).isEqualTo("alice");
            assertThat(e.path("id").asText()).hasSize(32);
        });
    }

    @Test
    void shouldPipeCommandsToTheScriptPostItsAnswersAndDeadLetterItsFailures() throws Exception {
        Path bridge = example("bridge", 7463);
        run("bridge", bridge);
        run("alice", alice);
        NodeProcess tail = tail(6);

        send("--session", "lobby", "!upper make me loud");
        send("--session", "lobby", "not for the bridge");
        send("--session", "lobby", "!count one two three");
        send("--session", "lobby", "!nonsense");

        assertThat(tail.waitFor(EXIT)).as(tail.describe()).isZero();
        List<String> texts = jsonLines(tail.stdout()).stream()
                .map(e -> e.path("authorName").asText() + ": " + e.path("text").asText())
                .toList();
        assertThat(texts)
                .containsExactlyInAnyOrder(
                        "alice: !upper make me loud",
                        "alice: not for the bridge",
                        "alice: !count one two three",
                        "alice: !nonsense",
                        "bridge: MAKE ME LOUD",
                        "bridge: 3 words");

        Path deadLetters = directory.resolve("bridge-data/dead-letters.jsonl");
        Await.until(() -> jsonLines(deadLetters).size() == 1, START, "a dead letter");
        JsonNode letter = jsonLines(deadLetters).get(0);
        assertThat(letter.path("flow").asText()).isEqualTo("bridge");
        assertThat(letter.path("step").asText()).isEqualTo("steps[1] exec");
        assertThat(letter.path("reason").asText())
                .isEqualTo("'sh bridge-command.sh' exited with 2: unknown command: !nonsense");
        assertThat(letter.path("message").path("text").asText()).isEqualTo("!nonsense");

        JsonNode flows = status(this, bridge).path("flows");
        assertThat(flows.path("flows").asInt()).isEqualTo(1);
        assertThat(flows.path("entered").asLong())
                .as("every lobby event from alice")
                .isEqualTo(4);
        assertThat(flows.path("deadLetters").asLong()).isEqualTo(1);
        assertThat(flows.path("deadLetterFile").asText())
                .isEqualTo(deadLetters.toAbsolutePath().toString());
        NodeProcess human = finished("bridge status", 0, "status", "-c", bridge.toString());
        assertThat(human.stdout()).contains("flows: 1 configured; 4 events in, ", ", 1 dead letters (");
    }
}
