package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.Await;
import io.elara.testing.net.FreePorts;
import io.elara.testing.net.UdpRelay;
import io.elara.testing.process.NodeProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The secure channel between real {@code elara run} processes: what crosses the wire is opaque, a captured packet sent
 * again is dropped, and a node with another key at a known peer's address is refused in both directions.
 */
class SecureChannelSystemTest extends SystemTestSupport {
    private static final String SECRET = "the quick brown fox meets at the old mill at noon";

    @Test
    void shouldDeliverOnceAndDropEveryReplayedPacketWhenAnOnPathAttackerResendsThem() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (UdpRelay relay = UdpRelay.between(
                new InetSocketAddress(loopback, alicePort), new InetSocketAddress(loopback, bobPort))) {
            // Each node reaches the other only through the relay, which keeps what alice sends.
            Path alice = config("alice", alicePort, "bob", relay.leftFacing().getPort());
            Path bob = config("bob", bobPort, "alice", relay.rightFacing().getPort());
            NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
            NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
            aliceRun.awaitStderr("alice ready", START);
            bobRun.awaitStderr("bob ready", START);
            NodeProcess tail = subscribedTail("bob tail", bob);

            NodeProcess send = finished("send", 0, "send", "-c", alice.toString(), "--to", "bob", SECRET);
            assertThat(send.stdout()).isEqualTo("acknowledged by bob\n");
            tail.awaitStdout(SECRET, START);

            List<byte[]> captured = relay.fromLeft();
            assertThat(captured).as("handshake and transport packets").hasSizeGreaterThanOrEqualTo(3);
            byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
            for (byte[] datagram : captured) {
                assertThat(indexOf(datagram, secret))
                        .as("the text is not visible on the wire")
                        .isNegative();
                assertThat(indexOf(datagram, "alice".getBytes(StandardCharsets.UTF_8)))
                        .as("neither is the author's name")
                        .isNegative();
            }
            JsonNode before = status(this, bob);
            String aliceId = status(this, alice).path("id").asText();
            JsonNode peer = before.path("peers").get(0);
            assertThat(peer.path("secure").asText()).isEqualTo("up");
            assertThat(peer.path("nodeId").asText()).isEqualTo(aliceId);

            // The attacker sends every captured datagram again: handshakes and transport packets alike.
            for (byte[] datagram : captured) {
                relay.replayToRight(datagram);
            }
            long transport =
                    captured.stream().filter(d -> (d[0] & 0xFF) == 0xE5).count();
            assertThat(transport).isPositive();
            Await.until(
                    () -> status(this, bob)
                                    .path("rejects")
                                    .path("secure_replayed")
                                    .asLong()
                            >= transport,
                    START,
                    () -> transport + " replayed transport packets counted; rejects are "
                            + status(this, bob).path("rejects"));
            JsonNode after = status(this, bob);
            assertThat(after.path("counters").path("eventsDelivered").asLong())
                    .as("the replayed event is not delivered again")
                    .isEqualTo(before.path("counters").path("eventsDelivered").asLong())
                    .isEqualTo(1);
            assertThat(after.path("security").path("sessions").asInt())
                    .as("a replayed message 1 makes no second session")
                    .isEqualTo(before.path("security").path("sessions").asInt());

            // The session still works after the attack.
            finished("send after", 0, "send", "-c", alice.toString(), "--to", "bob", "still private");
            tail.awaitStdout("still private", START);
            assertThat(jsonLines(tail.stdout())).hasSize(2);
        }
    }

    @Test
    void shouldRefuseANodeWithAnotherKeyAtAKnownPeersAddressWhicheverSideDials() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Path alice = config("alice", alicePort, "bob", bobPort);
        NodeProcess aliceRun = elara("alice run", "run", "-c", alice.toString());
        aliceRun.awaitStderr("alice ready", START);
        String aliceId = status(this, alice).path("id").asText();
        // Bob knows alice's id (not her key): he dials with the all-zero MAC1 key and checks who answers.
        Path bob = write(
                "bob.yaml",
                String.join(
                        "\n",
                        "name: bob",
                        "data-dir: bob-data",
                        "bind:",
                        "  address: 127.0.0.1",
                        "  port: " + bobPort,
                        "peers:",
                        "  - name: alice",
                        "    address: 127.0.0.1:" + alicePort,
                        "    id: " + aliceId,
                        "sessions:",
                        "  - name: lobby",
                        "    members: [alice]",
                        ""));
        NodeProcess bobRun = elara("bob run", "run", "-c", bob.toString());
        bobRun.awaitStderr("bob ready", START);
        NodeProcess tail = subscribedTail("bob tail", bob);
        finished("bob to alice", 0, "send", "-c", bob.toString(), "--to", "alice", "hello alice");
        finished("alice to bob", 0, "send", "-c", alice.toString(), "--to", "bob", "hello bob");
        tail.awaitStdout("hello bob", START);

        // Alice goes; a node with its own key takes her address.
        aliceRun.terminate();
        assertThat(aliceRun.waitFor(EXIT)).isEqualTo(143);
        Path mallory = config("mallory", alicePort, "bob", bobPort);
        NodeProcess malloryRun = elara("mallory run", "run", "-c", mallory.toString());
        malloryRun.awaitStderr("mallory ready", START);

        // Bob dials "alice": the node that answers proves another identity, and bob's send fails saying so.
        NodeProcess refused = finished("bob to impostor", 1, "send", "-c", bob.toString(), "--to", "alice", "you?");
        assertThat(refused.stderr())
                .startsWith("elara: refused alice at 127.0.0.1:" + alicePort + ": it is not " + aliceId);
        assertThat(refused.stderr().lines()).hasSize(1);

        // The impostor dials bob: its handshake completes on its side, bob closes the session and reads nothing.
        NodeProcess claim = elara("impostor to bob", "send", "-c", mallory.toString(), "--to", "bob", "it is me");
        Await.until(
                () -> status(this, bob)
                                .path("rejects")
                                .path("peer_identity_mismatch")
                                .asLong()
                        >= 1,
                START,
                () -> "bob to count the impostor; rejects are "
                        + status(this, bob).path("rejects"));
        claim.close();
        JsonNode bobStatus = status(this, bob);
        assertThat(bobStatus.path("peers").get(0).path("eventsReceived").asLong())
                .as("only alice's message, never the impostor's")
                .isEqualTo(1);
        assertThat(tail.stdout()).doesNotContain("it is me");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
