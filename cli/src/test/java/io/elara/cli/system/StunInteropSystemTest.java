package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Elara's STUN responder against STUN clients that are not Elara's: Debian's {@code stun} (RFC 3489, no magic cookie)
 * and coturn's {@code turnutils_stunclient} (RFC 5389), both asking a running {@code elara run} on its own port.
 */
class StunInteropSystemTest extends SystemTestSupport {
    private static final Duration TOOL = Duration.ofSeconds(20);

    @BeforeAll
    static void tools() {
        requireTools("stun", "turnutils_stunclient");
    }

    @Test
    void shouldTellIndependentStunClientsTheirReflexiveAddress() throws Exception {
        Path config = bareConfig("stunny");
        int port = portOf(config);
        NodeProcess node = elara("stunny run", "run", "-c", config.toString());
        node.awaitStderr("stunny ready on", START);

        // Debian's client from a source port of our choosing: the mapped address it is told must be exactly that.
        int source = FreePorts.udp();
        ToolRun classic = tool("stun", TOOL, "stun", "127.0.0.1:" + port, "-v", "-p", Integer.toString(source));
        assertThat(classic.output()).contains("MappedAddress = 127.0.0.1:" + source);
        assertThat(classic.output()).contains("Primary: Open");

        // coturn's client from another loopback address: the reflexive address names that address, and a port
        // that is the client's, not the node's.
        ToolRun modern = tool(
                "turnutils_stunclient",
                TOOL,
                "turnutils_stunclient",
                "-p",
                Integer.toString(port),
                "-L",
                "127.0.0.2",
                "127.0.0.1");
        Matcher reflexive =
                Pattern.compile("UDP reflexive addr: 127\\.0\\.0\\.2:(\\d+)").matcher(modern.output());
        assertThat(reflexive.find()).as(modern.output()).isTrue();
        int clientPort = Integer.parseInt(reflexive.group(1));
        assertThat(clientPort).isBetween(1024, 65535).isNotEqualTo(port);

        JsonNode status = status(this, config);
        assertThat(status.path("counters").path("stunAnswered").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(status.path("rejects").path("stun_malformed").asLong()).isZero();
        node.terminate();
        assertThat(node.waitFor(EXIT)).isEqualTo(143);
    }

    private static int portOf(Path config) throws java.io.IOException {
        Matcher port = Pattern.compile("port: (\\d+)").matcher(java.nio.file.Files.readString(config));
        assertThat(port.find()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    @Test
    void shouldHoldARelayOnCoturnFromTheNodesPortAndSayWhyWhenRefused() throws Exception {
        // Goal: a running node takes its relayed address on coturn with the config's credential, and a wrong one is
        // reported in status, in one line, without stopping the node. Method: two nodes on loopback, one with the
        // right password, one with a wrong one.
        requireTools("turnserver");
        try (Coturn coturn = Coturn.start(directory)) {
            write("right.pw", Coturn.PASSWORD + "\n");
            write("wrong.pw", "not it\n");
            Path right = turnConfig("relayed", coturn, "right.pw");
            Path wrong = turnConfig("refused", coturn, "wrong.pw");
            NodeProcess relayed = elara("relayed run", "run", "-c", right.toString());
            NodeProcess refused = elara("refused run", "run", "-c", wrong.toString());
            relayed.awaitStderr("relayed ready on", START);
            refused.awaitStderr("refused ready on", START);
            Await.until(
                    () -> status(this, right).path("relayed").asText().matches("127\\.0\\.0\\.[12]:\\d+"),
                    Duration.ofSeconds(20),
                    "a relayed address");
            Await.until(
                    () -> status(this, wrong).path("relayed").asText().startsWith("none: the TURN server refused"),
                    Duration.ofSeconds(20),
                    "the refusal in status");
            assertThat(status(this, wrong).path("relayed").asText())
                    .isEqualTo("none: the TURN server refused the allocation: wrong user or password (401)");
            assertThat(finished("status", 0, "status", "-c", wrong.toString()).stdout())
                    .contains("no relay: the TURN server refused the allocation: wrong user or password (401)");
            assertThat(refused.isAlive()).isTrue();
        }
    }

    private Path turnConfig(String name, Coturn coturn, String passwordFile) {
        return write(
                name + ".yaml",
                String.join(
                        "\n",
                        "name: " + name,
                        "data-dir: " + name + "-data",
                        "bind:",
                        "  address: 127.0.0.1",
                        "  port: " + io.elara.testing.net.FreePorts.udp(),
                        "stun:",
                        "  turn:",
                        "    server: 127.0.0.1:" + coturn.port,
                        "    user: " + Coturn.USER,
                        "    password-file: " + passwordFile,
                        ""));
    }

    @Test
    void shouldReportTheNetworkAndAllocateARelayOnCoturn() throws Exception {
        // Goal: Elara's own client against a standard server. Method: coturn on two loopback addresses (so it does
        // RFC 5780) with one long-term user; an elara node as a plain STUN server beside it.
        requireTools("turnserver");
        Path config = bareConfig("plain");
        NodeProcess node = elara("plain run", "run", "-c", config.toString());
        node.awaitStderr("plain ready on", START);
        Path password = write("turn.pw", Coturn.PASSWORD + "\n");
        try (Coturn coturn = Coturn.start(directory)) {
            String server = "127.0.0.1:" + coturn.port;
            JsonNode report = JSON.readTree(finished("stun against coturn", 0, "stun", "--server", server, "--json")
                    .stdout());
            String socketPort = report.path("socket").asText().replaceFirst(".*:", "");
            assertThat(report.path("reflexive").asText()).isEqualTo("127.0.0.1:" + socketPort);
            assertThat(report.path("otherAddress").asText()).isEqualTo("127.0.0.2:" + (coturn.port + 1));
            assertThat(report.path("nat").asBoolean()).isFalse();
            assertThat(report.path("mapping").asText()).startsWith("none (no NAT");
            assertThat(report.path("filtering").asText()).isEqualTo("endpoint-independent");
            assertThat(report.path("relayNeeded").asText()).startsWith("no:");

            // A relay from coturn, asked for with the long-term credential; the node answers the Binding part.
            JsonNode relayed = JSON.readTree(finished(
                            "stun with turn",
                            0,
                            "stun",
                            "--server",
                            "127.0.0.1:" + portOf(config),
                            "--turn",
                            server,
                            "--turn-user",
                            Coturn.USER,
                            "--turn-password-file",
                            password.toString(),
                            "--json")
                    .stdout());
            assertThat(relayed.path("turn").path("error").isNull())
                    .as(relayed.toString())
                    .isTrue();
            assertThat(relayed.path("turn").path("relayed").asText()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(relayed.path("turn").path("reflexive").asText()).startsWith("127.0.0.1:");
            assertThat(relayed.path("turn").path("lifetimeSeconds").asInt()).isPositive();

            // Refusals are one clear line and exit 1: a wrong password, a server that is no TURN server, silence.
            Path wrong = write("wrong.pw", "not it\n");
            NodeProcess refused = finished(
                    "stun with a wrong password",
                    1,
                    "stun",
                    "--server",
                    server,
                    "--turn",
                    server,
                    "--turn-user",
                    Coturn.USER,
                    "--turn-password-file",
                    wrong.toString());
            assertThat(refused.stdout()).contains("refused the credentials of 'elara' (401 Unauthorized)");
            NodeProcess notTurn = finished(
                    "stun with an elara node as turn",
                    1,
                    "stun",
                    "--server",
                    server,
                    "--turn",
                    "127.0.0.1:" + portOf(config),
                    "--turn-user",
                    Coturn.USER,
                    "--turn-password-file",
                    password.toString());
            assertThat(notTurn.stdout()).contains("refused the allocation: 400");
        }
        int silent = io.elara.testing.net.FreePorts.udp();
        NodeProcess nobody =
                finished("stun to nobody", 1, "stun", "--server", "127.0.0.1:" + silent, "--timeout-ms", "500");
        assertThat(nobody.stdout()).contains("no answer from the STUN server 127.0.0.1:" + silent);
        NodeProcess garbled = finished("stun with a bad address", 2, "stun", "--server", "not an address");
        assertThat(garbled.stderr().strip())
                .startsWith("elara: --server not an address: ")
                .doesNotContain("\n");
        node.terminate();
        assertThat(node.waitFor(EXIT)).isEqualTo(143);
    }
}
