package io.elara.cli.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether {@code tc netem} works on this machine, and the throughput benchmark run inside a network namespace whose
 * loopback loses a given share of packets. Everything stays in a namespace of its own, deleted afterwards: no traffic
 * leaves the machine, and the host's interfaces are untouched.
 */
final class NetemProbe {
    private static final String NAMESPACE =
            "elara-netem-" + ProcessHandle.current().pid();

    private NetemProbe() {}

    /** Null when netem can shape a namespace's loopback here; otherwise why not, in a few words. */
    static String unavailableReason() {
        try {
            Result add = run("ip", "netns", "add", NAMESPACE);
            if (add.exit != 0) {
                return "cannot create a network namespace: " + add.output.strip();
            }
            try {
                Result qdisc = run(
                        "ip", "netns", "exec", NAMESPACE, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "loss",
                        "5%");
                return qdisc.exit == 0 ? null : "tc netem: " + qdisc.output.strip();
            } finally {
                run("ip", "netns", "delete", NAMESPACE);
            }
        } catch (IOException e) {
            return "cannot run ip/tc: " + e.getMessage();
        }
    }

    /** Events per second of {@code elara bench throughput} over a loopback that loses {@code lossPercent}. */
    static double throughputInNamespace(Path directory, int lossPercent) throws IOException {
        require(run("ip", "netns", "add", NAMESPACE));
        try {
            require(run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up"));
            if (lossPercent > 0) {
                require(run(
                        "ip",
                        "netns",
                        "exec",
                        NAMESPACE,
                        "tc",
                        "qdisc",
                        "add",
                        "dev",
                        "lo",
                        "root",
                        "netem",
                        "loss",
                        lossPercent + "%"));
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Result bench = run(
                    "ip",
                    "netns",
                    "exec",
                    NAMESPACE,
                    java,
                    "-Djava.io.tmpdir=" + directory,
                    "-jar",
                    NodeProcess.jar().toString(),
                    "bench",
                    "throughput",
                    "--duration",
                    "5s",
                    "--json");
            require(bench);
            JsonNode figures = new ObjectMapper()
                    .readTree(bench.output
                            .lines()
                            .filter(l -> l.startsWith("{"))
                            .findFirst()
                            .orElseThrow(() -> new IOException("no JSON from the benchmark: " + bench.output)));
            if (!figures.path("exactlyOnceInOrder").asBoolean()) {
                throw new AssertionError("events lost, duplicated or reordered: " + figures);
            }
            return figures.path("eventsPerSecond").asDouble();
        } finally {
            run("ip", "netns", "delete", NAMESPACE);
        }
    }

    private record Result(int exit, String output) {}

    private static void require(Result result) throws IOException {
        if (result.exit != 0) {
            throw new IOException("exit " + result.exit + ": " + result.output);
        }
    }

    private static Result run(String... command) throws IOException {
        Path log = Files.createTempFile("elara-netem", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
