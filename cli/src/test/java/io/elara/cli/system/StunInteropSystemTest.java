package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
}
