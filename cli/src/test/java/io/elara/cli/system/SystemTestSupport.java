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

    /** Starts {@code elara ARGS} in network namespace {@code namespace}. */
    NodeProcess elaraIn(String namespace, String name, String... args) {
        NodeProcess process = builder(name, args).inNamespace(namespace).start();
        processes.add(process);
        return process;
    }

    /** Starts {@code elara ARGS} with the variables {@code environment} added to its environment. */
    NodeProcess elaraWithEnvironment(String name, java.util.Map<String, String> environment, String... args) {
        NodeProcess.Builder builder = builder(name, args);
        environment.forEach(builder::environment);
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

    /** {@code member}'s presence in session {@code session} as the node of {@code config} lists it; null if not listed. */
    String presence(Path config, String session, String member) {
        JsonNode listed = sessionNamed(config, session);
        if (listed != null) {
            for (JsonNode each : listed.path("members")) {
                if (each.path("name").asText().equals(member)) {
                    return each.path("presence").asText(null);
                }
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

    /** An external program's run: its exit code (-1 when it was killed at its timeout) and its output. */
    record ToolRun(int exit, String output) {}

    private static boolean toolsInstalled;

    /**
     * Makes sure the external programs {@code commands} are there, installing them with {@code scripts/test-tools}
     * (Debian packages, as root) once per JVM. Where they cannot be installed the test is skipped with the reason,
     * except under CI, where it fails: CI runs as root and must run every test.
     */
    static synchronized void requireTools(String... commands) {
        Path script = repositoryRoot().resolve("scripts/test-tools");
        String problem = null;
        if (!toolsInstalled) {
            try {
                Process install = new ProcessBuilder("bash", script.toString())
                        .redirectErrorStream(true)
                        .start();
                String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!install.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || install.exitValue() != 0) {
                    problem = output.strip();
                } else {
                    toolsInstalled = true;
                }
            } catch (IOException e) {
                problem = "cannot run " + script + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted while installing test tools";
            }
        }
        for (String command : commands) {
            if (problem == null && !onPath(command)) {
                problem = command + " is not installed";
            }
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must run this test, but: " + problem);
            }
            org.junit.jupiter.api.Assumptions.abort("skipped: " + problem);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator, -1)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "not inside the repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Runs the external program {@code command} to completion, killing it after {@code timeout}; its output (stdout
     * and stderr together) is kept in this test's log folder as {@code NAME.out}.
     */
    ToolRun tool(String name, Duration timeout, String... command) {
        try {
            Files.createDirectories(logDirectory);
            Path log = logDirectory.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .directory(directory.toFile())
                    .start();
            int exit = -1;
            if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                exit = process.exitValue();
            } else {
                process.destroyForcibly().waitFor();
            }
            return new ToolRun(exit, Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + name, e);
        }
    }
}
