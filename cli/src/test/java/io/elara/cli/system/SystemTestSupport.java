package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base for system tests: real {@code elara} processes from the packaged jar, each with a timeout, their output kept
 * under {@code target/system-test-logs/CLASS/METHOD/} and printed when a test fails.
 */
abstract class SystemTestSupport {
    static final Duration START = Duration.ofSeconds(30);
    static final Duration EXIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSPHRASE = "system test passphrase";

    @TempDir
    Path directory;

    private final List<NodeProcess> processes = new ArrayList<>();
    private Path logDirectory;

    @BeforeEach
    void logs(TestInfo info) {
        logDirectory = Path.of(
                "target",
                "system-test-logs",
                info.getTestClass().orElseThrow().getSimpleName(),
                info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stopAll() {
        processes.forEach(NodeProcess::close);
    }

    /** Starts {@code elara ARGS}, named for its log files. */
    NodeProcess elara(String name, String... args) {
        return elara(name, null, args);
    }

    /** Starts {@code elara ARGS} with {@code stdin} (or none). */
    NodeProcess elara(String name, Path stdin, String... args) {
        NodeProcess.Builder builder = builder(name, args);
        if (stdin != null) {
            builder.stdin(stdin);
        }
        NodeProcess process = builder.start();
        processes.add(process);
        return process;
    }

    /** Starts {@code elara ARGS} in a JVM given {@code jvmOption} (such as {@code -Dkey=value}). */
    NodeProcess elaraWithJvmOption(String name, String jvmOption, String... args) {
        NodeProcess process = builder(name, args).jvmOption(jvmOption).start();
        processes.add(process);
        return process;
    }

    private NodeProcess.Builder builder(String name, String... args) {
        // Keys made by these processes are sealed with this passphrase: the real path, scrypt and all.
        return NodeProcess.elara(args)
                .name(name)
                .logDirectory(logDirectory)
                .environment("ELARA_PASSPHRASE", PASSPHRASE);
    }

    /** Runs {@code elara ARGS} on a pseudo-terminal with {@code typed} as the keyboard, and no passphrase variable. */
    NodeProcess atTerminal(String name, String typed, String... args) {
        Path keys = write(name.replaceAll("[^A-Za-z0-9]+", "-") + ".typed", typed);
        NodeProcess process = NodeProcess.elara(args)
                .name(name)
                .logDirectory(logDirectory)
                .stdin(keys)
                .terminal()
                .start();
        processes.add(process);
        return process;
    }

    /** Runs {@code elara ARGS} to completion and returns it, asserting the exit code. */
    NodeProcess finished(String name, int expectedExit, String... args) {
        NodeProcess process = elara(name, args);
        assertThat(process.waitFor(EXIT)).as(process.describe()).isEqualTo(expectedExit);
        return process;
    }

    /** Writes a config for a node on loopback with one peer and a session "lobby" of the two. */
    Path config(String name, int port, String peer, int peerPort) {
        String yaml = String.join(
                "\n",
                "name: " + name,
                "data-dir: " + name + "-data",
                "bind:",
                "  address: 127.0.0.1",
                "  port: " + port,
                "peers:",
                "  - name: " + peer,
                "    address: 127.0.0.1:" + peerPort,
                "sessions:",
                "  - name: lobby",
                "    members: [" + peer + "]",
                "");
        return write(name + ".yaml", yaml);
    }

    /** Writes a config for a node on loopback, on a free port, with no peers: its sessions are made at run time. */
    Path bareConfig(String name) {
        return write(
                name + ".yaml",
                String.join(
                        "\n",
                        "name: " + name,
                        "data-dir: " + name + "-data",
                        "bind:",
                        "  address: 127.0.0.1",
                        "  port: " + io.elara.testing.net.FreePorts.udp(),
                        ""));
    }

    /** Session {@code session} as {@code elara session list --json} shows it on the node of {@code config}; null if none. */
    JsonNode sessionNamed(Path config, String session) {
        NodeProcess list = finished("session list", 0, "session", "list", "--json", "-c", config.toString());
        for (JsonNode listed : jsonLines(list.stdout()).get(0).path("sessions")) {
            if (listed.path("name").asText().equals(session)) {
                return listed;
            }
        }
        return null;
    }

    /** {@code elara history SESSION --json} on the node of {@code config}, as "author: text" lines. */
    /** The chat lines ({@code "author: text"}) {@code elara history --json} prints, state changes left out. */
    List<String> historyLines(Path config, String session) {
        NodeProcess history = finished("history", 0, "history", "-c", config.toString(), session, "--json");
        return jsonLines(history.stdout()).stream()
                .filter(e -> !e.path("type").asText().equals("state"))
                .map(e -> e.path("authorName").asText() + ": " + e.path("text").asText())
                .toList();
    }

    Path write(String fileName, String text) {
        try {
            Path file = directory.resolve(fileName);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code elara tail --json -n 0} on the node of {@code config} and waits until it has subscribed. */
    NodeProcess subscribedTail(String name, Path config) {
        int before = status(this, config).path("counters").path("subscribers").asInt();
        NodeProcess tail = elara(name, "tail", "-c", config.toString(), "--json", "-n", "0");
        io.elara.testing.Await.until(
                () -> status(this, config).path("counters").path("subscribers").asInt() == before + 1,
                START,
                name + " to subscribe");
        return tail;
    }

    static List<JsonNode> jsonLines(String text) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return lines;
    }

    static JsonNode status(SystemTestSupport test, Path config) {
        NodeProcess status = test.finished("status", 0, "status", "-c", config.toString(), "--json");
        return jsonLines(status.stdout()).get(0);
    }
}
