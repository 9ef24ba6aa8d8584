package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.process.NodeProcess;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Each kind of bad input gets one clear line and the right exit code, and a running node keeps running. */
class BadInputSystemTest extends SystemTestSupport {
    @Test
    void shouldExitTwoWithOneLineWhenTheConfigFileIsMissing() {
        Path missing = directory.resolve("missing.yaml");
        NodeProcess run = finished("run", 2, "run", "-c", missing.toString());
        assertThat(run.stderr()).isEqualTo("elara: config file not found: " + missing + "\n");
    }

    @Test
    void shouldExitTwoNamingLineAndColumnWhenYamlIsBroken() {
        Path config = write("broken.yaml", "name: alice\nbind:\n  port: [7001\n");
        NodeProcess run = finished("run", 2, "run", "-c", config.toString());
        assertThat(run.stderr())
                .isEqualTo("elara: " + config + ":4:1: YAML syntax error: expected ',' or ']', but got <stream end>"
                        + " (while parsing a flow sequence at 3:9)\n");
    }

    @Test
    void shouldExitTwoNamingTheKeyWhenItIsUnknown() {
        Path config = write("typo.yaml", "name: alice\nbind:\n  address: 127.0.0.1\n  prot: 7001\n");
        NodeProcess run = finished("run", 2, "run", "-c", config.toString());
        assertThat(run.stderr())
                .isEqualTo("elara: " + config + ":4:3: bind: unknown key 'prot' (known here: address, port)\n");
    }

    @Test
    void shouldExitOneWithOneLineWhenThePortIsInUse() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            Path config = config("alice", port, "bob", FreePorts.udp());
            NodeProcess run = finished("run", 1, "run", "-c", config.toString());
            assertThat(run.stderr())
                    .endsWith("elara: cannot bind UDP 127.0.0.1:" + port + ": address already in use\n");
            assertThat(run.stderr().lines().filter(line -> line.startsWith("elara:")))
                    .hasSize(1);
        }
    }

    @Test
    void shouldExitOneAndSayHowToMakeAnIdentityWhenThereIsNone() {
        Path config = config("alice", FreePorts.udp(), "bob", FreePorts.udp());
        NodeProcess send = finished("send", 1, "send", "-c", config.toString(), "--to", "bob", "hi");
        assertThat(send.stderr())
                .isEqualTo("elara: no identity at "
                        + directory.resolve("alice-data").resolve("identity.key")
                        + " yet; 'elara run' creates one on first start, or use 'elara init'\n");
    }

    @Test
    void shouldExitOneWhenAnotherNodeUsesTheDataDirectory() {
        Path config = config("alice", FreePorts.udp(), "bob", FreePorts.udp());
        NodeProcess first = elara("first run", "run", "-c", config.toString());
        first.awaitStderr("ready on", START);
        NodeProcess second = finished("second run", 1, "run", "-c", config.toString());
        assertThat(second.stderr())
                .endsWith("elara: data directory " + directory.resolve("alice-data")
                        + " is in use by another elara node\n");
        assertThat(first.isAlive()).isTrue();
    }

    @Test
    void shouldCountMalformedDatagramsAndKeepDelivering() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        Path bob = config("bob", bobPort, "alice", alicePort);
        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        bobRun.awaitStderr("ready on", START);

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            SecureRandom random = new SecureRandom();
            byte[] plaintext = new byte[600]; // a version 0 DATA packet: no longer accepted outside a session
            random.nextBytes(plaintext);
            plaintext[0] = (byte) 0xE0;
            byte[] initiation = new byte[72]; // a handshake initiation whose MAC1 cannot verify
            random.nextBytes(initiation);
            initiation[0] = (byte) 0xE1;
            initiation[1] = 0;
            initiation[2] = 0;
            initiation[3] = 0;
            byte[] transport = new byte[200]; // a transport packet for a session that does not exist
            random.nextBytes(transport);
            transport[0] = (byte) 0xE5;
            transport[1] = 0;
            transport[2] = 0;
            transport[3] = 0;
            for (byte[] datagram : new byte[][] {plaintext, {0x16, 0x03, 0x01}, initiation, transport}) {
                attacker.send(new DatagramPacket(datagram, datagram.length, loopback, bobPort));
            }
        }
        Await.until(
                () -> status(this, bob).path("counters").path("datagramsIn").asLong() >= 4,
                START,
                "bob to receive the four bad datagrams");
        JsonNode rejects = status(this, bob).path("rejects");
        assertThat(rejects.path("packet_unprotected").asLong())
                .as("%s", rejects)
                .isEqualTo(1);
        assertThat(rejects.path("unknown_protocol").asLong()).as("%s", rejects).isEqualTo(1);
        assertThat(rejects.path("secure_bad_mac1").asLong()).as("%s", rejects).isEqualTo(1);
        assertThat(rejects.path("secure_unknown_receiver_index").asLong())
                .as("%s", rejects)
                .isEqualTo(1);
        assertThat(status(this, bob).path("security").path("pendingHandshakes").asInt())
                .as("nothing is kept for a sender whose message did not verify")
                .isZero();

        // Alice is not running: send starts a temporary node with her identity, made here by init.
        finished("init alice", 0, "init", directory.resolve("alice-data").toString(), "--name", "alice");
        NodeProcess send =
                finished("send after noise", 0, "send", "-c", alice.toString(), "--to", "bob", "still there?");
        assertThat(send.stdout()).isEqualTo("acknowledged by bob\n");
        assertThat(bobRun.isAlive()).isTrue();
        assertThat(bobRun.stderr()).doesNotContain("Exception");
    }
}
