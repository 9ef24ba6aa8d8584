package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.identity.Identity;
import io.elara.node.config.NodeConfig;
import io.elara.node.event.RejectReason;
import io.elara.testing.Await;
import io.elara.testing.Threads;
import io.elara.testing.net.FreePorts;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real nodes on real UDP sockets on loopback. */
class NodeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
    }

    private Node start(NodeConfig config, Node.Options options) throws Exception {
        Node node = Node.start(config, Identity.generate(new SecureRandom()), options);
        nodes.add(node);
        return node;
    }

    private NodeConfig config(String name, int port, String peer, int peerPort) throws Exception {
        return NodeConfig.builder(name)
                .dataDirectory(directory.resolve(name))
                .bind("127.0.0.1", port)
                .peer(peer, "127.0.0.1:" + peerPort)
                .session("lobby", peer)
                .build();
    }

    @Test
    void shouldDeliverTextInOrderOverRealUdp() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Node alice = start(config("alice", alicePort, "bob", bobPort), Node.Options.embedded());
        Node bob = start(config("bob", bobPort, "alice", alicePort), Node.Options.embedded());
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        bob.proxy().subscribe(event -> received.add(event.event().text()), 0).get(5, TimeUnit.SECONDS);

        List<CompletableFuture<SendResult>> results = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            results.add(alice.proxy().sendText(SendTarget.session("lobby"), "message " + i));
            expected.add("message " + i);
        }
        for (CompletableFuture<SendResult> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS).acknowledgedBy()).containsExactly("bob");
        }
        Await.until(() -> received.size() >= 500, WAIT, "500 messages at bob");
        assertThat(received).isEqualTo(expected);

        NodeStatus status = alice.status().get(5, TimeUnit.SECONDS);
        assertThat(status.listen()).isEqualTo("127.0.0.1:" + alicePort);
        assertThat(status.counters().eventsSent()).isEqualTo(500);
        assertThat(status.rejects()).isEmpty();
    }

    @Test
    void shouldCountMalformedDatagramsAndKeepServing() throws Exception {
        int alicePort = FreePorts.udp();
        int bobPort = FreePorts.udp();
        Node alice = start(config("alice", alicePort, "bob", bobPort), Node.Options.embedded());
        Node bob = start(config("bob", bobPort, "alice", alicePort), Node.Options.embedded());

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = bob.localAddress();
            attacker.send(new DatagramPacket(new byte[] {(byte) 0xE0, 9, 9}, 3, to));
            attacker.send(new DatagramPacket(new byte[] {0x55, 1, 2, 3, 4}, 5, to));
            attacker.send(new DatagramPacket(new byte[0], 0, to));
            byte[] noise = new byte[1500];
            new SecureRandom().nextBytes(noise);
            noise[0] = (byte) 0xE0;
            attacker.send(new DatagramPacket(noise, noise.length, to));
        }
        Await.until(
                () -> bob.status().join().rejects().values().stream()
                                .mapToLong(Long::longValue)
                                .sum()
                        == 4,
                WAIT,
                () -> "4 counted rejects, have " + bob.status().join().rejects());
        // Plaintext Elara packets are refused before any parsing: only a secure session carries frames.
        assertThat(bob.status().get().rejects())
                .containsEntry(RejectReason.PACKET_UNPROTECTED.label(), 2L)
                .containsEntry(RejectReason.UNKNOWN_PROTOCOL.label(), 1L)
                .containsEntry(RejectReason.PACKET_TOO_SHORT.label(), 1L);

        SendResult result =
                alice.proxy().sendText(SendTarget.peer("bob"), "still alive").get(10, TimeUnit.SECONDS);
        assertThat(result.allAcknowledged()).isTrue();
    }

    @Test
    void shouldFailWithOneLineWhenThePortIsInUse() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            assertThatThrownBy(() -> start(config("alice", port, "bob", 9), Node.Options.embedded()))
                    .isInstanceOf(NodeStartException.class)
                    .hasMessage("cannot bind UDP 127.0.0.1:" + port + ": address already in use");
        }
        Await.until(() -> Threads.named("elara-alice").isEmpty(), WAIT, "the failed node's thread to stop");
    }

    @Test
    void shouldReleasePortLockAndThreadsWhenClosed() throws Exception {
        int port = FreePorts.udp();
        NodeConfig config = config("solo", port, "other", 9);
        Node node = Node.start(config, Identity.generate(new SecureRandom()), Node.Options.daemon());
        assertThat(Threads.named("elara-solo")).isNotEmpty();
        assertThatThrownBy(() -> start(config, Node.Options.daemon()))
                .isInstanceOf(NodeStartException.class)
                .hasMessage("data directory " + directory.resolve("solo") + " is in use by another elara node");
        node.close();

        Await.until(() -> Threads.named("elara-solo").isEmpty(), WAIT, "node threads to stop");
        Node again = start(config, Node.Options.daemon());
        assertThat(again.localAddress().getPort()).isEqualTo(port);
    }

    @Test
    void shouldFailPendingSendsWhenTheNodeStops() throws Exception {
        Node lonely = Node.start(
                config("lonely", FreePorts.udp(), "absent", FreePorts.udp()),
                Identity.generate(new SecureRandom()),
                Node.Options.embedded());
        CompletableFuture<SendResult> pending = lonely.proxy().sendText(SendTarget.peer("absent"), "hello?");
        lonely.close();
        SendResult result = pending.get(5, TimeUnit.SECONDS);
        assertThat(result.failures()).containsEntry("absent", "the node stopped");
        assertThatThrownBy(() -> lonely.proxy()
                        .sendText(SendTarget.peer("absent"), "after")
                        .get())
                .hasCauseInstanceOf(SendException.class)
                .hasMessageContaining("the node stopped");
    }
}
