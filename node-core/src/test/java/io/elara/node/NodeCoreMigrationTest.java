package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.RejectReason;
import io.elara.node.peer.Liveness;
import io.elara.node.wire.PacketHeaderFlyweight;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Address migration: when a peer's NAT rebinds, its packets arrive from a new address. The node moves the peer there
 * only once a packet of its secure session authenticates from the new address (or a handshake from there proves its
 * identity); anything else from a new address moves nothing.
 */
class NodeCoreMigrationTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final CoreNetwork network = new CoreNetwork(71);
    private final Identity bobIdentity = CoreNetwork.identityFor(7002);
    private final Member alice = network.add(
            "alice",
            7001,
            b -> b.peer(
                    "bob",
                    "127.0.0.1:7002",
                    bobIdentity.nodeId().toString(),
                    Base64.getEncoder().encodeToString(bobIdentity.staticPublicKey())));
    private final Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));

    private CompletableFuture<SendResult> send(Member from, Member to, String text) {
        return from.core.sendText(SendTarget.peer(to.name), text, from.nowNs(network.clock.nowNs()));
    }

    private void sendAndWait(Member from, Member to, String text) {
        CompletableFuture<SendResult> sent = send(from, to, text);
        network.runUntil(sent::isDone, LIMIT, text);
        assertThat(sent.join().failures()).as(text).isEmpty();
    }

    private NodeStatus status(Member member) {
        return member.core.status(member.nowNs(network.clock.nowNs()));
    }

    private NodeStatus.PeerStatus bobAtAlice() {
        List<NodeStatus.PeerStatus> peers = status(alice).peers();
        assertThat(peers)
                .as("one entry for bob, never a second one at his new address")
                .hasSize(1);
        return peers.get(0);
    }

    @Test
    void shouldFollowAPeerWhoseNatRebindsOnceItsPacketsAuthenticate() {
        // Goal: a NAT rebind in mid-conversation loses nothing. Method: bob's address changes while alice has a
        // message on its way to the old one; bob then speaks from the new address; alice moves him there and her
        // message reaches him, once.
        sendAndWait(alice, bob, "hello");
        sendAndWait(bob, alice, "hi");
        network.rebind(bob, 7102);

        CompletableFuture<SendResult> lost = send(alice, bob, "sent to the old address");
        network.runFor(Duration.ofMillis(500));
        assertThat(lost).as("the old address no longer reaches bob").isNotDone();
        assertThat(bobAtAlice().address()).isEqualTo("127.0.0.1:7002");

        sendAndWait(bob, alice, "I moved");
        assertThat(bobAtAlice().address()).isEqualTo("127.0.0.1:7102");
        assertThat(bobAtAlice().migrations()).isEqualTo(1);
        network.runUntil(lost::isDone, LIMIT, "alice's message after the move");
        assertThat(lost.join().allAcknowledged()).isTrue();
        assertThat(bob.texts()).containsExactly("alice: hello", "alice: sent to the old address");
        assertThat(alice.texts()).containsExactly("bob: hi", "bob: I moved");
        sendAndWait(alice, bob, "and back");
        assertThat(bob.texts()).last().isEqualTo("alice: and back");
    }

    @Test
    void shouldReachAQuietPeerAfterItsNatRebindsThroughItsKeepalive() {
        // Goal: a peer that only listens is found again too. Method: bob rebinds and says nothing; alice's message
        // waits in her lane until bob's keepalive PING (every 15 s of quiet) authenticates from the new address.
        sendAndWait(alice, bob, "hello");
        network.rebind(bob, 7102);
        CompletableFuture<SendResult> sent = send(alice, bob, "still there?");
        long startNs = network.clock.nowNs();
        network.runUntil(sent::isDone, LIMIT, "delivery after the rebind");
        assertThat(sent.join().allAcknowledged()).isTrue();
        assertThat(network.clock.nowNs() - startNs)
                .as("within a keepalive interval (plus a round trip)")
                .isLessThanOrEqualTo(Liveness.KEEPALIVE_INTERVAL_NS + TimeUnit.SECONDS.toNanos(1));
        assertThat(bob.texts()).containsExactly("alice: hello", "alice: still there?");
        assertThat(bobAtAlice().address()).isEqualTo("127.0.0.1:7102");
    }

    @Test
    void shouldNotMoveAPeerForForgedOrReplayedPacketsFromANewAddress() {
        // Goal: only the peer can move itself. Method: an on-path observer records bob's datagrams, then sends them
        // again, and a forged copy, from its own address: alice counts them as replayed or forged, keeps bob where he
        // is, and keeps talking to him there.
        List<byte[]> fromBob = new ArrayList<>();
        network.wiretap = (to, bytes) -> {
            if (to.equals(alice.address) && bytes[0] == PacketHeaderFlyweight.TRANSPORT_FIRST_BYTE) {
                fromBob.add(bytes);
            }
        };
        sendAndWait(alice, bob, "hello");
        sendAndWait(bob, alice, "hi");
        network.wiretap = null;
        assertThat(fromBob).isNotEmpty();

        InetSocketAddress attacker = CoreNetwork.address(6666);
        for (byte[] datagram : fromBob) {
            network.inject(attacker, alice.address, datagram);
            byte[] forged = datagram.clone();
            forged[10] ^= 1; // a counter alice has not seen: only the tag can refuse it
            forged[forged.length - 1] ^= 1;
            network.inject(attacker, alice.address, forged);
        }
        NodeStatus after = status(alice);
        assertThat(bobAtAlice().address()).isEqualTo("127.0.0.1:7002");
        assertThat(bobAtAlice().migrations()).isZero();
        assertThat(after.rejects().get("secure_replayed")).isEqualTo(fromBob.size());
        assertThat(after.rejects().get("secure_bad_tag")).isEqualTo(fromBob.size());
        assertThat(after.rejected(RejectReason.MIGRATION_REFUSED)).isZero();
        sendAndWait(alice, bob, "still you?");
        assertThat(bob.texts()).containsExactly("alice: hello", "alice: still you?");
    }

    @Test
    void shouldMoveAConfiguredPeerWhenItDialsFromANewAddressAndProvesItsIdentity() {
        // Goal: a peer that restarts behind a new NAT mapping keeps its one entry (and its pinned identity). Method:
        // bob restarts (fresh handshake keys, empty lanes) at a new address and writes to alice; the handshake proves
        // he is the bob of alice's config, so alice moves that entry instead of admitting a stranger.
        sendAndWait(alice, bob, "hello");
        network.rebind(bob, 7102);
        bob.start(7102); // same identity, fresh randomness: a new process
        sendAndWait(bob, alice, "back, from elsewhere");
        assertThat(alice.texts()).containsExactly("bob: back, from elsewhere");
        NodeStatus.PeerStatus entry = bobAtAlice();
        assertThat(entry.name()).isEqualTo("bob");
        assertThat(entry.address()).isEqualTo("127.0.0.1:7102");
        assertThat(entry.nodeId()).isEqualTo(bobIdentity.nodeId().toString());
        sendAndWait(alice, bob, "welcome back");
        assertThat(bob.texts()).last().isEqualTo("alice: welcome back");
    }
}
