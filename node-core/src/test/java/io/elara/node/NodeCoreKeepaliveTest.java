package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.peer.Liveness;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Keepalive, idle timeout and clock samples, in virtual time: a quiet session is kept up by PINGs every {@link
 * Liveness#KEEPALIVE_INTERVAL_NS}, a peer that vanishes loses its session after {@link Liveness#IDLE_TIMEOUT_NS}, and
 * each PONG gives a round-trip time and a clock offset.
 */
class NodeCoreKeepaliveTest {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final long KEEPALIVE_S = TimeUnit.NANOSECONDS.toSeconds(Liveness.KEEPALIVE_INTERVAL_NS);

    private final CoreNetwork network = new CoreNetwork(61);
    private final Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
    private final Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));

    /** Alice sends {@code text} to bob and the network runs until he acknowledges it. */
    private void send(Member from, Member to, String text) {
        CompletableFuture<SendResult> sent = from.core.sendText(SendTarget.peer(to.name), text, network.clock.nowNs());
        network.runUntil(sent::isDone, LIMIT, text);
        assertThat(sent.join().allAcknowledged()).as(text).isTrue();
    }

    private NodeStatus.PeerStatus peerStatus(Member member) {
        return member.core.status(member.nowNs(network.clock.nowNs())).peers().get(0);
    }

    private NodeStatus.Security security(Member member) {
        return member.core.status(member.nowNs(network.clock.nowNs())).security();
    }

    @Test
    void shouldKeepTheSessionUpWithPingsWhenTwoNodesStayQuiet() {
        send(alice, bob, "hello");
        long handshakes = security(alice).handshakesCompleted() + security(bob).handshakesCompleted();
        int sessions = security(alice).sessions();

        // Just under the 120 s after which a key wants a new handshake, so that no handshake is due for that reason.
        long quietS = 110;
        network.runFor(Duration.ofSeconds(quietS));

        // Path MTU probes are PINGs too, sent while the search runs (the first 10 s or so); they are not keepalives.
        long pings = alice.core.liveness("bob").pingsSent()
                + bob.core.liveness("alice").pingsSent()
                - alice.core.pathMtu("bob").probesSent()
                - bob.core.pathMtu("alice").probesSent();
        long pongs = alice.core.liveness("bob").pongsReceived()
                + bob.core.liveness("alice").pongsReceived()
                - alice.core.pathMtu("bob").probesSent()
                - bob.core.pathMtu("alice").probesSent();
        assertThat(pings)
                .as("one PING per quiet interval, from one side or the other")
                .isBetween(quietS / KEEPALIVE_S - 1, quietS / KEEPALIVE_S + 1);
        assertThat(pongs).as("every PING answered").isEqualTo(pings);
        assertThat(peerStatus(alice).secure()).isEqualTo("up");
        assertThat(peerStatus(bob).secure()).isEqualTo("up");
        assertThat(peerStatus(alice).lastHeardMsAgo()).isLessThanOrEqualTo(TimeUnit.SECONDS.toMillis(KEEPALIVE_S));
        assertThat(security(alice).sessions()).isEqualTo(sessions);
        assertThat(security(alice).handshakesCompleted() + security(bob).handshakesCompleted())
                .as("no handshake while quiet")
                .isEqualTo(handshakes);
        for (Member member : new Member[] {alice, bob}) {
            long nowNs = member.nowNs(network.clock.nowNs());
            assertThat(member.core.nextDeadlineNs(nowNs))
                    .as("after a flush, no deadline is already due")
                    .isGreaterThan(nowNs);
        }

        long sentAtNs = network.clock.nowNs();
        send(bob, alice, "still there?");
        assertThat(alice.texts()).containsExactly("bob: still there?");
        assertThat(network.clock.nowNs() - sentAtNs)
                .as("delivered and acknowledged over the same session, without a handshake")
                .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(3));
        assertThat(security(alice).handshakesCompleted() + security(bob).handshakesCompleted())
                .isEqualTo(handshakes);
    }

    @Test
    void shouldCloseTheSessionWhenThePeerVanishesAndDialAgainWhenItReturns() {
        send(alice, bob, "hello");
        long heardNs = network.clock.nowNs();
        bob.cutOff = true;

        network.runFor(Duration.ofNanos(Liveness.IDLE_TIMEOUT_NS - TimeUnit.SECONDS.toNanos(2)));
        assertThat(peerStatus(alice).secure())
                .as("pinged, but not yet given up")
                .isEqualTo("up");
        assertThat(alice.core.liveness("bob").pingsSent()).isPositive();
        assertThat(alice.core.liveness("bob").pongsReceived()).isZero();

        network.runUntil(() -> peerStatus(alice).secure().equals("idle"), Duration.ofSeconds(5), "alice gives up");
        assertThat(network.clock.nowNs() - heardNs)
                .as("closed at the idle timeout after the last authenticated packet")
                .isBetween(Liveness.IDLE_TIMEOUT_NS - TimeUnit.MILLISECONDS.toNanos(5), Liveness.IDLE_TIMEOUT_NS);
        assertThat(security(alice).sessions()).as("its keys are gone").isZero();

        // A message written while bob is away waits in the lane; it leaves once he is back and answers the dial.
        CompletableFuture<SendResult> waiting =
                alice.core.sendText(SendTarget.peer("bob"), "welcome back", network.clock.nowNs());
        network.runFor(Duration.ofSeconds(20));
        assertThat(waiting).isNotDone();
        bob.cutOff = false;
        network.runUntil(waiting::isDone, LIMIT, "the waiting message");
        assertThat(waiting.join().allAcknowledged()).isTrue();
        assertThat(bob.texts()).containsExactly("alice: hello", "alice: welcome back");
        assertThat(peerStatus(alice).secure()).isEqualTo("up");
    }

    @Test
    void shouldLetTwoStrangersForgetEachOtherWhenNeitherHasTheOtherInItsConfig() {
        Member eve = network.add("eve", 7003, b -> b);
        CompletableFuture<SendResult> sent =
                alice.core.sendText(SendTarget.peer("127.0.0.1:7003"), "psst", network.clock.nowNs());
        network.runUntil(sent::isDone, LIMIT, "direct message");
        long datagramsBefore = eve.core.status(network.clock.nowNs()).counters().datagramsOut();

        network.runFor(Duration.ofSeconds(121));

        assertThat(eve.core.status(network.clock.nowNs()).counters().datagramsOut())
                .as("no keepalive to a peer known only by its address")
                .isEqualTo(datagramsBefore);
        assertThat(eve.core.status(network.clock.nowNs()).peers()).isEmpty();
        assertThat(alice.core.status(network.clock.nowNs()).peers())
                .extracting(NodeStatus.PeerStatus::name)
                .containsExactly("bob");
    }

    @Test
    void shouldMeasureRoundTripAndClockOffsetWhenAPongArrives() {
        long skewNs = TimeUnit.MILLISECONDS.toNanos(250);
        bob.clockSkewNs = skewNs;
        send(alice, bob, "hello");
        network.runFor(Duration.ofSeconds(KEEPALIVE_S + 1));

        // The network carries each datagram in 1 ms and each node answers in the same step: a 2 ms round trip.
        Liveness aliceSeesBob = alice.core.liveness("bob");
        Liveness bobSeesAlice = bob.core.liveness("alice");
        assertThat(aliceSeesBob.clockSamples() + bobSeesAlice.clockSamples()).isPositive();
        Liveness sampled = aliceSeesBob.clockSamples() > 0 ? aliceSeesBob : bobSeesAlice;
        long expectedOffsetUs = TimeUnit.NANOSECONDS.toMicros(sampled == aliceSeesBob ? skewNs : -skewNs);
        assertThat(sampled.rttNs()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(sampled.clockOffsetUs()).isBetween(expectedOffsetUs - 1_000, expectedOffsetUs + 1_000);

        Member sampler = sampled == aliceSeesBob ? alice : bob;
        NodeStatus.PeerStatus shown = peerStatus(sampler);
        assertThat(shown.clockOffsetMs()).isCloseTo(expectedOffsetUs / 1e3, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void shouldShowAZeroClockOffsetWhenBothClocksAgree() {
        send(alice, bob, "hello");
        assertThat(peerStatus(alice).clockOffsetMs()).as("no PONG yet").isNull();
        network.runFor(Duration.ofSeconds(KEEPALIVE_S + 1));
        Member sampler = alice.core.liveness("bob").clockSamples() > 0 ? alice : bob;
        assertThat(peerStatus(sampler).clockOffsetMs()).isEqualTo(0.0);
    }
}
