package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code elara bench chat} as a user runs it: two {@code elara run} nodes and two {@code elara chat --plain} as child
 * processes, every message shown once, the figures in the JSON, and nothing left behind: no child, no temporary
 * directory. No assertion is about speed.
 */
class ChatLatencyBenchSystemTest extends SystemTestSupport {
    @AfterEach
    void nothingLeftBehind() throws IOException {
        // The run's temporary directory is made under this test's directory (java.io.tmpdir below), and every child's
        // command line names a config file in it, so any child still running would show that path.
        String marker = directory.toString();
        assertThat(ProcessHandle.allProcesses()
                        .filter(process -> process.info()
                                .commandLine()
                                .map(line -> line.contains(marker) && line.contains("elara-bench-chat-"))
                                .orElse(false))
                        .map(process -> process.pid() + " "
                                + process.info().commandLine().orElse("")))
                .as("child processes still running")
                .isEmpty();
        try (Stream<Path> left = Files.list(directory)) {
            assertThat(left.filter(path -> path.getFileName().toString().startsWith("elara-bench-")))
                    .as("temporary directories")
                    .isEmpty();
        }
    }

    @Test
    void shouldShowEveryMessageOnceAndReportOrderedPercentilesWhenMeasuringChatLatency() {
        NodeProcess bench = elaraWithJvmOption(
                "bench chat",
                "-Djava.io.tmpdir=" + directory,
                "bench",
                "chat",
                "--messages",
                "20",
                "--warmup",
                "5",
                "--json");
        assertThat(bench.waitFor(EXIT.multipliedBy(2))).as(bench.describe()).isZero();
        JsonNode figures = jsonLines(bench.stdout()).get(0);
        assertThat(figures.path("benchmark").asText()).isEqualTo("chat");
        assertThat(figures.path("mode").asText()).isEqualTo("plain");
        assertThat(figures.path("messages").asInt()).isEqualTo(20);
        assertThat(figures.path("samples").asInt()).isEqualTo(20);
        assertThat(figures.path("lost").asInt()).isZero();
        assertThat(figures.path("duplicates").asInt()).isZero();
        assertThat(figures.path("exactlyOnce").asBoolean()).isTrue();
        double p50 = figures.path("p50Ms").asDouble();
        double p90 = figures.path("p90Ms").asDouble();
        double p99 = figures.path("p99Ms").asDouble();
        double max = figures.path("maxMs").asDouble();
        assertThat(p50).isPositive();
        assertThat(p50).isLessThanOrEqualTo(p90);
        assertThat(p90).isLessThanOrEqualTo(p99);
        assertThat(p99).isLessThanOrEqualTo(max);
        assertThat(bench.stderr()).isEmpty();
    }
}
