package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A node that stops says so (CLOSE): its peers close the session at once instead of waiting for the idle timeout. */
class NodeCoreCloseTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final CoreNetwork network = new CoreNetwork(81);
    private final Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
    private final Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));

    private void sendAndWait(Member from, Member to, String text) {
        CompletableFuture<SendResult> sent =
                from.core.sendText(SendTarget.peer(to.name), text, from.nowNs(network.clock.nowNs()));
        network.runUntil(sent::isDone, LIMIT, text);
        assertThat(sent.join().failures()).as(text).isEmpty();
    }

    private NodeStatus status(Member member) {
        return member.core.status(member.nowNs(network.clock.nowNs()));
    }

    @Test
    void shouldCloseTheSessionAtOnceWhenThePeerStopsAndDialAgainWhenItIsBack() {
        // Goal: a peer that shuts down shows as closed right away, and talking resumes when it returns. Method: bob's
        // core closes (as `elara run` does on stop); one network step later alice's view of bob says why, and she holds
        // no session keys for him; bob starts again and alice's next message reaches him over a new handshake.
        sendAndWait(alice, bob, "hello");
        assertThat(status(alice).security().sessions()).isEqualTo(1);
        bob.core.close("the node stopped");
        network.runFor(Duration.ofMillis(5));
        NodeStatus.PeerStatus bobAtAlice = status(alice).peers().get(0);
        assertThat(bobAtAlice.secure()).isEqualTo("closed: the node stopped");
        assertThat(status(alice).security().sessions()).as("keys wiped").isZero();
        network.runFor(Duration.ofSeconds(40));
        assertThat(alice.core.liveness("bob").pingsSent())
                .as("no keepalive to a closed peer")
                .isZero();

        bob.start(7003); // a new process, same identity
        sendAndWait(alice, bob, "welcome back");
        assertThat(status(alice).peers().get(0).secure()).isEqualTo("up");
        assertThat(bob.texts()).containsExactly("alice: hello", "alice: welcome back");
    }

    @Test
    void shouldIgnoreACloseFromAnUnprotectedPacket() {
        // Goal: only the peer can close its session. Method: a plaintext packet with a CLOSE frame, from bob's address,
        // is refused as unprotected and alice's session with bob stays up.
        sendAndWait(alice, bob, "hello");
        io.netty.buffer.ByteBuf packet = io.netty.buffer.Unpooled.buffer();
        io.elara.node.wire.PacketHeaderFlyweight.encode(packet, 1L);
        io.elara.node.wire.CloseFrameFlyweight.encode(packet, 0, "forged");
        byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(packet);
        packet.release();
        network.inject(bob.address, alice.address, bytes);
        assertThat(status(alice).rejected(io.elara.node.event.RejectReason.PACKET_UNPROTECTED))
                .isEqualTo(1);
        assertThat(status(alice).peers().get(0).secure()).isEqualTo("up");
    }
}
