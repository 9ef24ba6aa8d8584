package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.process.NodeProcess;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A running node's {@code /metrics} (Prometheus text) and {@code /health} over real HTTP: counters move with the
 * traffic a test sends, and agree with {@code elara status --json}. The node logs with {@code --log-format json}: every
 * line it writes is a JSON object.
 */
class MetricsSystemTest extends SystemTestSupport {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeCountersThatMoveWithTrafficAndAgreeWithStatus() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path alice = write(
                "alice-metrics.yaml",
                Files.readString(bareConfig("alice")) + "metrics:\n  listen: 127.0.0.1:" + port + "\n");
        Path bob = bareConfig("bob");
        try (NodeProcess aliceRun = elara("alice run", "run", "--log-format", "json", "-c", alice.toString());
                NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString())) {
            aliceRun.awaitStderr("\"message\":\"alice ready on", START);
            for (String line : aliceRun.stderr().strip().split("\n", -1)) {
                if (line.startsWith("OpenJDK 64-Bit Server VM warning")) {
                    continue; // the JVM's own, before logging starts
                }
                JsonNode logged = JSON.readTree(line);
                assertThat(logged.path("level").asText()).as(line).isNotEmpty();
                assertThat(logged.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
                assertThat(logged.path("logger").asText()).as(line).startsWith("io.elara.");
            }
            bobRun.awaitStderr("bob ready on", START);
            URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");

            HttpResponse<String> health = get(URI.create("http://127.0.0.1:" + port + "/health"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("ok");
            assertThat(get(URI.create("http://127.0.0.1:" + port + "/nothing")).statusCode())
                    .isEqualTo(404);

            HttpResponse<String> before = get(metrics);
            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(before.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(before.body())
                    .contains("# TYPE elara_datagrams_total counter")
                    .contains("# HELP elara_rejects_total");
            double sentBefore = value(before.body(), "elara_events_total{stage=\"sent\"}");
            double outBefore = value(before.body(), "elara_datagrams_total{direction=\"out\"}");
            double handshakesOutBefore =
                    value(before.body(), "elara_traffic_datagrams_total{kind=\"handshake\",direction=\"out\"}");

            finished("create", 0, "session", "create", "team", "-c", alice.toString());
            String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("bob joins", 0, "join", token, "-c", bob.toString());
            for (int i = 0; i < 5; i++) {
                finished("alice says " + i, 0, "send", "-c", alice.toString(), "--session", "team", "message " + i);
            }

            String after = get(metrics).body();
            JsonNode status = status(this, alice);
            assertThat(value(after, "elara_events_total{stage=\"sent\"}") - sentBefore)
                    .as("five messages (and the session's own control events)")
                    .isGreaterThanOrEqualTo(5);
            assertThat(value(after, "elara_datagrams_total{direction=\"out\"}")).isGreaterThan(outBefore);
            assertThat(value(after, "elara_peer_connected{peer=\"bob\"}")).isEqualTo(1);
            assertThat(value(after, "elara_session_members{session=\"team\"}"))
                    .as("bob, besides alice")
                    .isEqualTo(1);
            assertThat(value(after, "elara_events_total{stage=\"sent\"}"))
                    .as("the same figure as elara status --json")
                    .isEqualTo(status.path("counters").path("eventsSent").asDouble());
            assertThat(value(after, "elara_peer_rtt_seconds{peer=\"bob\"}")).isBetween(0.0, 1.0);
            assertThat(value(after, "elara_peer_rtt_variation_seconds{peer=\"bob\"}"))
                    .isBetween(0.0, 1.0);
            // Datagrams by kind: the join needed a handshake; the messages went sealed, and their bytes are counted.
            assertThat(value(after, "elara_traffic_datagrams_total{kind=\"handshake\",direction=\"out\"}")
                            + value(after, "elara_traffic_datagrams_total{kind=\"handshake\",direction=\"in\"}"))
                    .isGreaterThan(handshakesOutBefore);
            double transportOut = value(after, "elara_traffic_datagrams_total{kind=\"transport\",direction=\"out\"}");
            assertThat(transportOut).isGreaterThanOrEqualTo(5);
            assertThat(value(after, "elara_traffic_bytes_total{kind=\"transport\",direction=\"out\"}"))
                    .isGreaterThan(transportOut * 40);
            assertThat(status.path("traffic").findValuesAsText("kind"))
                    .containsExactly("transport", "handshake", "stun", "plain", "unknown");
            // Every message reached bob: nothing waits in alice's mailbox, and nothing for her writer.
            assertThat(value(after, "elara_mailbox_entries")).isZero();
            assertThat(status.path("counters").path("mailboxDepth").asLong()).isZero();
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code series} (name and labels, exactly as written) in {@code text}. */
    private static double value(String text, String series) {
        Matcher matcher =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(matcher.find()).as(series + " in:\n" + text).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
