package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process lane: two protected cores in one JVM, datagrams passed by reference. */
class InProcessNetworkTest {
    private static final long START_NS = 1_767_225_600_000_000_000L;

    private final InProcessNetwork network = new InProcessNetwork();
    private final InetSocketAddress aliceAddress = CoreNetwork.address(7001);
    private final InetSocketAddress bobAddress = CoreNetwork.address(7002);
    private final List<String> atBob = new ArrayList<>();
    private NodeCore alice;
    private NodeCore bob;

    InProcessNetworkTest() throws ConfigException {
        alice = core("alice", 7001, "bob", 7002);
        bob = core("bob", 7002, "alice", 7001);
        bob.subscribe(
                delivered -> {
                    if (!delivered.local()) {
                        atBob.add(delivered.event().text());
                    }
                },
                0);
        network.attach(aliceAddress, alice);
        network.attach(bobAddress, bob);
    }

    private NodeCore core(String name, int port, String peer, int peerPort) throws ConfigException {
        NodeConfig config = NodeConfig.builder(name)
                .bind("127.0.0.1", port)
                .peer(peer, "127.0.0.1:" + peerPort)
                .build();
        return new NodeCore(
                config,
                CoreNetwork.identityFor(port),
                new SplittableRandom(port),
                CoreNetwork.seededSecureRandom(port),
                network.outbox(CoreNetwork.address(port)));
    }

    @Test
    void shouldDeliverEveryEventInOrderWhenTwoCoresShareOneJvm() {
        // Goal: the in-process lane is a full lane: handshake, signatures, acknowledgements, in order. Method: alice
        // sends 2,000 messages in bursts of 100, the network hands datagrams across by reference after each burst.
        long nowNs = START_NS;
        List<CompletableFuture<SendResult>> sent = new ArrayList<>();
        for (int burst = 0; burst < 20; burst++) {
            for (int i = 0; i < 100; i++) {
                sent.add(alice.sendText(SendTarget.peer("bob"), "m" + (burst * 100 + i), nowNs));
            }
            nowNs += TimeUnit.MILLISECONDS.toNanos(1);
            network.tick(nowNs);
        }
        for (int round = 0; round < 1000 && !sent.stream().allMatch(CompletableFuture::isDone); round++) {
            nowNs = Math.max(nowNs + 1, Math.min(network.nextDeadlineNs(nowNs), nowNs + 1_000_000));
            network.tick(nowNs);
        }
        assertThat(sent).allMatch(result -> result.isDone() && result.join().allAcknowledged());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            expected.add("m" + i);
        }
        assertThat(atBob).isEqualTo(expected);
        assertThat(network.undeliverable()).isZero();
        assertThat(alice.status(nowNs).peers().get(0).retransmissions())
                .as("nothing is lost on this lane")
                .isZero();
    }

    @Test
    void shouldDropAndCountDatagramsToADetachedCore() {
        // Goal: a core that left the process is like a closed UDP port. Method: bob is detached; alice's handshake
        // initiations find nobody and are counted; nothing throws.
        network.detach(bobAddress);
        CompletableFuture<SendResult> sent = alice.sendText(SendTarget.peer("bob"), "anyone?", START_NS);
        network.tick(START_NS);
        assertThat(sent).isNotDone();
        assertThat(network.undeliverable()).isPositive();
        assertThat(network.carried()).isZero();
    }
}
