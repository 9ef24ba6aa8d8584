package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.CoreNetwork.Member;
import io.elara.node.secure.ExpectedPeer;
import io.elara.node.secure.SecureEndpoint;
import io.elara.node.secure.SecureOutbox;
import io.elara.node.secure.SecureReject;
import io.elara.node.secure.SecureSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The node's protection over time and under attack: keys that expire are replaced, and a handshake flood is shed. */
class NodeCoreSecurityTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @Test
    void shouldRekeyAndKeepDeliveringWhenTheConversationOutlivesItsKeys() {
        // Keys want a new handshake after 120 s and are refused after 180 s: ten minutes of chat needs several.
        CoreNetwork network = new CoreNetwork(41);
        Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
        Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
        List<String> expected = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i < 3; i++) {
                String text = "minute " + minute + " message " + i;
                expected.add(text);
                Member from = i == 1 ? bob : alice;
                Member to = i == 1 ? alice : bob;
                CompletableFuture<SendResult> sent =
                        from.core.sendText(SendTarget.peer(to.name), text, network.clock.nowNs());
                network.runUntil(sent::isDone, LIMIT, text);
                assertThat(sent.join().allAcknowledged()).as(text).isTrue();
                network.runFor(Duration.ofSeconds(20));
            }
        }
        List<String> delivered = new ArrayList<>();
        alice.texts().forEach(delivered::add);
        bob.texts().forEach(delivered::add);
        assertThat(delivered.stream().map(t -> t.substring(t.indexOf(": ") + 2)).sorted())
                .containsExactlyElementsOf(expected.stream().sorted().toList());
        NodeStatus.Security security = alice.core.status(network.clock.nowNs()).security();
        assertThat(security.handshakesCompleted())
                .as("a new handshake at least every 180 s of a 10-minute conversation")
                .isGreaterThanOrEqualTo(4);
        assertThat(security.sessions()).as("expired sessions are forgotten").isLessThanOrEqualTo(3);
    }

    @Test
    void shouldKeepServingARealPeerWhenFloodedWithInitiationsFromSpoofedAddresses() throws Exception {
        CoreNetwork network = new CoreNetwork(42);
        Identity bobIdentity = CoreNetwork.identityFor(7002);
        String bobId = bobIdentity.nodeId().toString();
        String bobKey = Base64.getEncoder().encodeToString(bobIdentity.staticPublicKey());
        // Alice knows bob's static key (from `elara key export-public`), so her MAC1 is keyed properly and a cookie
        // lets her through; the attacker knows it too, but cannot receive cookies at the addresses it spoofs.
        Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002", bobId, bobKey));
        Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));

        List<byte[]> flood = initiations(bobIdentity, 2_000);
        InetSocketAddress bobAddress = bob.address;
        for (int i = 0; i < flood.size(); i++) {
            network.inject(spoofed(i), bobAddress, flood.get(i));
        }
        NodeStatus during = bob.core.status(network.clock.nowNs());
        assertThat(during.security().underLoad()).isTrue();
        assertThat(during.rejects().get(SecureReject.COOKIE_NEEDED.label())
                        + during.rejects().get(SecureReject.COOKIE_REPLY_LIMITED.label()))
                .as("initiations refused for want of a cookie instead of Diffie-Hellman work")
                .isGreaterThan(1_900L);
        assertThat(during.rejects().get(SecureReject.COOKIE_NEEDED.label()))
                .as("of them answered with a cookie reply: the burst of all sources' replies")
                .isLessThanOrEqualTo(SecureEndpoint.COOKIE_REPLIES_PER_SECOND / 10);
        assertThat(during.security().pendingHandshakes())
                .as("handshake state kept for the flood stays small")
                .isLessThanOrEqualTo(SecureEndpoint.LOAD_INITIATIONS_PER_SECOND + 1);

        CompletableFuture<SendResult> sent =
                alice.core.sendText(SendTarget.peer("bob"), "are you still there?", network.clock.nowNs());
        network.runUntil(sent::isDone, LIMIT, "alice's message through the flood");
        assertThat(sent.join().allAcknowledged()).isTrue();
        assertThat(bob.texts()).containsExactly("alice: are you still there?");
    }

    /** Real initiations to {@code responder}, each from a fresh attacker handshake with a valid MAC1. */
    private static List<byte[]> initiations(Identity responder, int count) {
        List<byte[]> messages = new ArrayList<>();
        SecureOutbox capture = new SecureOutbox() {
            @Override
            public void send(byte[] datagram, InetSocketAddress recipient) {
                messages.add(datagram);
            }

            @Override
            public void established(SecureSession session) {}

            @Override
            public void received(SecureSession session, byte[] plaintext) {}

            @Override
            public void failed(int localIndex, NodeId expected, SecureReject reason) {}
        };
        byte[] seed = new byte[32];
        seed[0] = 9;
        try (SecureEndpoint attacker =
                new SecureEndpoint(Identity.fromSeed(seed), false, new SecureRandom(), capture)) {
            ExpectedPeer target = ExpectedPeer.of(responder.nodeId(), responder.staticPublicKey());
            for (int i = 0; i < count; i++) {
                attacker.initiate(target, new InetSocketAddress(InetAddress.getLoopbackAddress(), 7002), 0);
            }
        }
        return messages;
    }

    private static InetSocketAddress spoofed(int i) throws UnknownHostException {
        byte[] address = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
        return new InetSocketAddress(InetAddress.getByAddress(address), 40_000 + (i % 20_000));
    }
}
