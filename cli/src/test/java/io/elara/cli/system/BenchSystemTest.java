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
 * {@code elara bench throughput} and {@code elara bench latency} as a user runs them: a real child process for the
 * receiver, every event delivered exactly once and in order (also through 5 % loss), the figures in the JSON, and
 * nothing left behind afterwards: no receiver process, no temporary directory. No assertion is about speed.
 */
class BenchSystemTest extends SystemTestSupport {
    @AfterEach
    void nothingLeftBehind() throws IOException {
        // Each run's temporary directory is made under this test's directory (java.io.tmpdir below), and the receiver's
        // command line names its config file in it, so any receiver still running would show that path.
        String marker = directory.toString();
        assertThat(ProcessHandle.allProcesses()
                        .filter(process -> process.info()
                                .commandLine()
                                .map(line -> line.contains(marker) && line.contains("peer"))
                                .orElse(false))
                        .map(process -> process.pid() + " "
                                + process.info().commandLine().orElse("")))
                .as("receiver processes still running")
                .isEmpty();
        try (Stream<Path> left = Files.list(directory)) {
            assertThat(left.filter(path -> path.getFileName().toString().startsWith("elara-bench-")))
                    .as("temporary directories")
                    .isEmpty();
        }
    }

    @Test
    void shouldDeliverEveryEventExactlyOnceInOrderAndReportTheFiguresWhenMeasuringThroughput() throws Exception {
        NodeProcess bench = bench("throughput", "bench", "throughput", "--duration", "1s", "--warmup", "0s", "--json");
        assertThat(bench.waitFor(EXIT)).as(bench.describe()).isZero();
        JsonNode figures = jsonLines(bench.stdout()).get(0);
        assertThat(figures.path("benchmark").asText()).isEqualTo("throughput");
        assertThat(figures.path("sizeBytes").asInt()).isEqualTo(64);
        assertThat(figures.path("encrypted").asBoolean()).isTrue();
        assertThat(figures.path("exactlyOnceInOrder").asBoolean()).isTrue();
        assertThat(figures.path("delivered").asLong())
                .isPositive()
                .isEqualTo(figures.path("sent").asLong());
        assertThat(figures.path("lost").asLong()).isZero();
        assertThat(figures.path("duplicates").asLong()).isZero();
        assertThat(figures.path("outOfOrder").asLong()).isZero();
        assertThat(figures.path("eventsPerSecond").asDouble()).isPositive();
        assertThat(figures.path("megabytesPerSecond").asDouble()).isPositive();
        assertThat(figures.path("senderCpuUsPerEvent").asDouble()).isPositive();
        assertThat(figures.path("receiverCpuUsPerEvent").asDouble()).isPositive();
        assertThat(figures.path("transmissions").asLong()).isPositive();
        for (String field : new String[] {"retransmissions", "retransmittedPercent", "durationS", "cores"}) {
            assertThat(figures.has(field)).as(field).isTrue();
        }
        assertThat(bench.stderr()).isEmpty();
    }

    @Test
    void shouldStillDeliverEveryEventInOrderWhenTheRelayDropsFivePercent() throws Exception {
        NodeProcess bench = bench(
                "throughput with loss",
                "bench",
                "throughput",
                "--duration",
                "2s",
                "--warmup",
                "0s",
                "--loss",
                "5",
                "--seed",
                "3",
                "--json");
        assertThat(bench.waitFor(EXIT.multipliedBy(2))).as(bench.describe()).isZero();
        JsonNode figures = jsonLines(bench.stdout()).get(0);
        assertThat(figures.path("lossPercent").asDouble()).isEqualTo(5.0);
        assertThat(figures.path("relayDropped").asLong())
                .as("the relay dropped datagrams")
                .isPositive();
        assertThat(figures.path("exactlyOnceInOrder").asBoolean()).isTrue();
        assertThat(figures.path("delivered").asLong())
                .isPositive()
                .isEqualTo(figures.path("sent").asLong());
        assertThat(figures.path("lost").asLong()).isZero();
    }

    /**
     * The loss target: under 5 % random loss the reliable lane delivers everything, in order, at 70 % or more of the
     * loss-free goodput. With {@code tc netem} (root, a network namespace, the sch_netem module) two real processes
     * run the throughput benchmark over a loopback that loses 5 %, and once over one that does not. Where this kernel
     * has no netem, the test says so and checks the target in the simulator instead, through {@code elara bench
     * goodput} as a real process: the same transport code, with a bandwidth-limited link as the bottleneck.
     */
    @Test
    void shouldKeepSeventyPercentOfLossFreeGoodputAtFivePercentLoss() throws Exception {
        String netem = NetemProbe.unavailableReason();
        if (netem == null) {
            double clean = NetemProbe.throughputInNamespace(directory, 0);
            double lossy = NetemProbe.throughputInNamespace(directory, 5);
            System.out.printf(
                    java.util.Locale.ROOT,
                    "loss target with tc netem: %.0f events/s loss-free, %.0f at 5%% loss (%.1f%%)%n",
                    clean,
                    lossy,
                    100 * lossy / clean);
            assertThat(lossy / clean)
                    .as("goodput at 5% loss (netem) relative to loss-free")
                    .isGreaterThanOrEqualTo(0.70);
            return;
        }
        System.out.println("loss target: tc netem is not available here (" + netem
                + "); checking it in the simulator instead (elara bench goodput)");
        NodeProcess bench = bench("goodput", "bench", "goodput", "--loss", "5", "--seeds", "3", "--json");
        assertThat(bench.waitFor(EXIT.multipliedBy(2))).as(bench.describe()).isZero();
        JsonNode figures = jsonLines(bench.stdout()).get(0);
        System.out.println("loss target in the simulator: " + figures);
        assertThat(figures.path("simulated").asBoolean()).isTrue();
        assertThat(figures.path("exactlyOnceInOrder").asBoolean()).isTrue();
        assertThat(figures.path("ratios")).hasSize(3);
        assertThat(figures.path("ratioMin").asDouble())
                .as("goodput at 5% loss relative to loss-free, worst of three seeds")
                .isGreaterThanOrEqualTo(0.70);
    }

    @Test
    void shouldPrintPercentilesOnOneLineWhenMeasuringLatency() {
        NodeProcess bench = bench("latency", "bench", "latency", "--rate", "200", "--duration", "1s", "--warmup", "0s");
        assertThat(bench.waitFor(EXIT)).as(bench.describe()).isZero();
        assertThat(bench.stdout())
                .matches("latency at 200 events/s offered \\(achieved [0-9,]+\\), 64 B, [0-9.]+ s: p50 [0-9.]+ ms,"
                        + " p99 [0-9.]+ ms, p99.9 [0-9.]+ ms, max [0-9.]+ ms over [0-9,]+ events; [0-9,]+"
                        + " retransmitted; all [0-9,]+ events delivered exactly once, in order\n");
    }

    // Goal: under a flood of forged handshake initiations a real node keeps its session going and answers the flood
    // with cookies at a bounded rate. Method: a short latency run with 20,000 initiations a second from 1,000 loopback
    // addresses; the figures come as JSON. The acceptance's 50,000 a second with figures is in docs/RELIABILITY.md.
    @Test
    void shouldKeepDeliveringAndAnswerAFloodWithBoundedCookieRepliesWhenFlooded() throws Exception {
        NodeProcess bench = bench(
                "flood",
                "bench",
                "latency",
                "--rate",
                "100",
                "--flood",
                "20000",
                "--duration",
                "2s",
                "--warmup",
                "1s",
                "--json");
        assertThat(bench.waitFor(EXIT)).as(bench.describe()).isZero();
        JsonNode figures = JSON.readTree(bench.stdout());
        assertThat(figures.path("exactlyOnceInOrder").asBoolean()).isTrue();
        assertThat(figures.path("floodSent").asLong()).as("initiations sent").isGreaterThan(20_000);
        assertThat(figures.path("floodCookieReplies").asLong())
                .as("cookie replies: at most the burst and 2,000 a second, over about 3 s")
                .isPositive()
                .isLessThanOrEqualTo(200 + 2_000 * 5);
        assertThat(figures.path("floodResponses").asLong())
                .as("handshake responses: only until the node is under load")
                .isLessThanOrEqualTo(60);
    }

    @Test
    void shouldExitTwoWithOneLineAndLeaveNothingRunningWhenAnOptionIsBad() {
        NodeProcess size = bench("bad size", "bench", "throughput", "--size", "0");
        assertThat(size.waitFor(EXIT)).isEqualTo(2);
        assertThat(size.stderr()).startsWith("elara: --size must be 32 to 1024 bytes");
        assertThat(size.stderr().lines()).hasSize(1);
        NodeProcess rate = bench("bad rate", "bench", "latency", "--rate", "-1");
        assertThat(rate.waitFor(EXIT)).isEqualTo(2);
        assertThat(rate.stderr()).isEqualTo("elara: --rate must be 1 to 1000000 events per second, got -1\n");
        NodeProcess flood = bench("bad flood", "bench", "latency", "--flood", "-5");
        assertThat(flood.waitFor(EXIT)).isEqualTo(2);
        assertThat(flood.stderr()).isEqualTo("elara: --flood must be 0 to 500000 initiations a second, got -5\n");
    }

    /** Starts {@code elara ARGS} with its temporary files under this test's directory. */
    private NodeProcess bench(String name, String... args) {
        return elaraWithJvmOption(name, "-Djava.io.tmpdir=" + directory, args);
    }
}
