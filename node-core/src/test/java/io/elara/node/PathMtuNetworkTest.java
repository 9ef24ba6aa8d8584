package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.config.Limits;
import io.elara.node.peer.PathMtu;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Path MTU discovery between two protected cores over networks with different largest datagrams. */
class PathMtuNetworkTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final Limits LONG_TEXTS = new Limits(64, 4096, Limits.TEXT_BYTES_MAX_CAP, 30_000, 16, 4096);

    private final CoreNetwork network = new CoreNetwork(3);
    private final Member alice =
            network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002").limits(LONG_TEXTS));
    private final Member bob =
            network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001").limits(LONG_TEXTS));

    private void send(String text) {
        CompletableFuture<SendResult> sent = alice.core.sendText(SendTarget.peer("bob"), text, network.clock.nowNs());
        network.runUntil(sent::isDone, LIMIT, "a message of " + text.length() + " bytes");
        assertThat(sent.join().allAcknowledged()).isTrue();
    }

    private NodeStatus.PeerStatus bobAsAliceSeesHim() {
        return alice.core.status(network.clock.nowNs()).peers().get(0);
    }

    // Goal: on a path that carries every size, the search reaches the largest datagram, then stops probing, and long
    // messages go in datagrams of that size. Method: a short message opens the session; 30 s of virtual time.
    @Test
    void shouldReachTheLargestDatagramWhenThePathCarriesEverySize() {
        send("hello");
        assertThat(bobAsAliceSeesHim().pathMtu()).isEqualTo(PathMtu.BASE_LENGTH);
        network.runFor(Duration.ofSeconds(30));

        assertThat(bobAsAliceSeesHim().pathMtu()).isEqualTo(1472);
        assertThat(alice.core.pathMtu("bob").converged()).isTrue();
        long probes = alice.core.pathMtu("bob").probesSent();
        assertThat(probes).as("one probe per size, none lost").isEqualTo(4);
        network.datagramLengthSeenMax = 0;
        network.runFor(Duration.ofSeconds(60));
        assertThat(alice.core.pathMtu("bob").probesSent())
                .as("no more probes once converged")
                .isEqualTo(probes);
        assertThat(network.datagramLengthSeenMax)
                .as("only keepalives while quiet")
                .isLessThan(100);

        network.datagramLengthSeenMax = 0;
        send("p".repeat(20_000));
        assertThat(bob.texts()).last().isEqualTo("alice: " + "p".repeat(20_000));
        assertThat(network.datagramLengthSeenMax).isEqualTo(1472);
        assertThat(alice.core.rejects().total() + bob.core.rejects().total()).isZero();
    }

    // Goal: when the path stops carrying the confirmed size (a route change), the sender notices the silence, falls
    // back to 1,200 bytes and delivers anyway; the search then finds the new largest size. Method: converge on a clean
    // path, then drop datagrams over 1,300 bytes and send a 20 KB message.
    @Test
    void shouldFallBackAndStillDeliverWhenThePathStopsCarryingTheConfirmedSize() {
        send("hello");
        network.runFor(Duration.ofSeconds(30));
        assertThat(alice.core.pathMtu("bob").datagramLengthMax()).isEqualTo(1472);

        network.datagramLengthMax = 1300;
        send("r".repeat(20_000));
        assertThat(bob.texts()).last().isEqualTo("alice: " + "r".repeat(20_000));
        assertThat(alice.core.pathMtu("bob").blackHoles()).isEqualTo(1);

        network.runFor(Duration.ofSeconds(40));
        assertThat(alice.core.pathMtu("bob").datagramLengthMax()).isEqualTo(1280);
        send("s".repeat(20_000));
        assertThat(bob.texts()).last().isEqualTo("alice: " + "s".repeat(20_000));
        assertThat(bob.texts()).filteredOn(t -> t.startsWith("alice: r")).hasSize(1);
    }

    // Goal: an outage looks like a black hole (probe timeouts in a row) but short messages fit the fallback size, so
    // the lane falls back to 1,200 bytes without renumbering: no lane restart for either side, whose round-trip
    // estimates and media streams would start over. Method: converge, cut the sender off for 3 s while it sends a
    // short message, then let the path carry everything again.
    @Test
    void shouldFallBackWithoutRestartingTheLaneWhenOnlyShortMessagesWereLost() {
        send("hello");
        network.runFor(Duration.ofSeconds(30));
        assertThat(alice.core.pathMtu("bob").datagramLengthMax()).isEqualTo(1472);
        long aliceEpoch = alice.core.laneEpoch("bob");
        long bobEpoch = bob.core.laneEpoch("alice");

        alice.cutOff = true;
        CompletableFuture<SendResult> sent =
                alice.core.sendText(SendTarget.peer("bob"), "short", network.clock.nowNs());
        network.runFor(Duration.ofSeconds(3));
        alice.cutOff = false;
        network.runUntil(sent::isDone, LIMIT, "the short message after the outage");

        assertThat(sent.join().allAcknowledged()).isTrue();
        assertThat(bob.texts()).last().isEqualTo("alice: short");
        assertThat(alice.core.pathMtu("bob").blackHoles()).isEqualTo(1);
        assertThat(alice.core.laneEpoch("bob")).isEqualTo(aliceEpoch);
        assertThat(bob.core.laneEpoch("alice")).isEqualTo(bobEpoch);
    }

    // Goal: on a path that drops datagrams over some size, the sender settles on the largest probed size that gets
    // through, loses nothing but probes, and keeps delivering. Method: the network drops datagrams longer than the
    // limit; after the search, a 20 KB message.
    @ParameterizedTest(name = "datagrams over {0} bytes dropped: {1}")
    @CsvSource({"1250, 1200", "1280, 1280", "1420, 1400", "1471, 1452"})
    void shouldSettleOnTheLargestSizeThatPassesWhenLargerDatagramsAreDropped(int pathLimit, int expected) {
        network.datagramLengthMax = pathLimit;
        send("hello");
        network.runFor(Duration.ofSeconds(40));

        assertThat(bobAsAliceSeesHim().pathMtu()).isEqualTo(expected);
        assertThat(bob.core.status(network.clock.nowNs()).peers().get(0).pathMtu())
                .isEqualTo(expected);
        // Each side lost three probes of the size above, and nothing else.
        assertThat(network.datagramsTooLong).isEqualTo(2L * PathMtu.PROBE_LOSSES_MAX);

        send("q".repeat(20_000));
        assertThat(bob.texts()).last().isEqualTo("alice: " + "q".repeat(20_000));
        assertThat(network.datagramsTooLong).isEqualTo(2L * PathMtu.PROBE_LOSSES_MAX);
        assertThat(alice.core.pathMtu("bob").converged()).isTrue();
    }
}
