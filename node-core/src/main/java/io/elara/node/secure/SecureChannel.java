package io.elara.node.secure;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.crypto.noise.HandshakeState;
import io.elara.crypto.noise.NoiseException;
import io.elara.crypto.noise.NoiseSuite;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One handshake in progress with one peer, as the initiator or the responder, until it becomes a
 * {@link SecureSession}. {@link SecureEndpoint} creates, routes to and times out channels; a channel only holds the
 * state and builds its messages.
 *
 * <p>Initiator: sends message 1 and waits for message 2 ({@link State#AWAIT_RESPONSE}); every
 * {@link #RETRANSMIT_AFTER_NS} without an answer it starts over with a fresh ephemeral key and the same sender index
 * (as WireGuard does), and gives up {@link #GIVE_UP_AFTER_NS} after the first. Reading message 2 and writing message 3
 * completes it. Responder: created only once message 1 has verified and read, sends message 2 and waits for message 3
 * ({@link State#AWAIT_FINISH}) until {@link #RESPONDER_TIMEOUT_NS}.
 */
final class SecureChannel implements AutoCloseable {
    /** How long the initiator waits for message 2 before sending a new message 1 (WireGuard's REKEY_TIMEOUT). */
    static final long RETRANSMIT_AFTER_NS = 5_000_000_000L;
    /** How long the initiator tries in all (WireGuard's REKEY_ATTEMPT_TIME). */
    static final long GIVE_UP_AFTER_NS = 90_000_000_000L;
    /** How long a responder keeps a handshake waiting for message 3. */
    static final long RESPONDER_TIMEOUT_NS = 15_000_000_000L;
    /** How long an initiator uses a cookie after receiving it (the responder's secret changes every 120 s). */
    static final long COOKIE_LIFETIME_NS = 120_000_000_000L;

    /** Binds the protocol version into every handshake hash. */
    static final byte[] PROLOGUE = "elara/1".getBytes(StandardCharsets.US_ASCII);

    static final NoiseSuite SUITE = NoiseSuite.XX_25519_CHACHAPOLY_BLAKE2S;

    enum State {
        AWAIT_RESPONSE,
        AWAIT_FINISH
    }

    final boolean initiator;
    final int localIndex;
    final ExpectedPeer expected;
    /** BLAKE2s-256("mac1----" || K), K as in {@link HandshakeCodec}; the same for all three messages. */
    final byte[] mac1Key;

    final long startedNs;
    State state;
    HandshakeState handshake;
    int remoteIndex;
    InetSocketAddress remoteAddress;
    long deadlineNs;

    /** Initiator: MAC1 of the last message 1 sent, the associated data of the cookie reply that may answer it. */
    byte[] lastMac1;
    /** Initiator: the responder's cookie, or null. */
    byte[] cookie;

    long cookieReceivedNs;
    /** Initiator: the last message 1, as sent. */
    byte[] lastInitiation;

    /** Responder: message 2 as sent, repeated if the same message 1 arrives again. */
    byte[] response;
    /** Responder: the initiator's ephemeral key, which names this handshake among duplicates. */
    EphemeralKey remoteEphemeral;

    private SecureChannel(
            boolean initiator,
            int localIndex,
            ExpectedPeer expected,
            byte[] mac1Key,
            InetSocketAddress remoteAddress,
            long startedNs) {
        this.initiator = initiator;
        this.localIndex = localIndex;
        this.expected = expected;
        this.mac1Key = mac1Key;
        this.remoteAddress = remoteAddress;
        this.startedNs = startedNs;
    }

    static SecureChannel initiator(int localIndex, ExpectedPeer expected, InetSocketAddress remoteAddress, long nowNs) {
        SecureChannel channel = new SecureChannel(
                true, localIndex, expected, Macs.mac1Key(expected.mac1PublicKey()), remoteAddress, nowNs);
        channel.state = State.AWAIT_RESPONSE;
        return channel;
    }

    static SecureChannel responder(
            int localIndex,
            HandshakeState handshake,
            int remoteIndex,
            byte[] mac1Key,
            EphemeralKey remoteEphemeral,
            InetSocketAddress remoteAddress,
            long nowNs) {
        SecureChannel channel =
                new SecureChannel(false, localIndex, ExpectedPeer.anyone(), mac1Key, remoteAddress, nowNs);
        channel.state = State.AWAIT_FINISH;
        channel.handshake = handshake;
        channel.remoteIndex = remoteIndex;
        channel.remoteEphemeral = remoteEphemeral;
        channel.deadlineNs = nowNs + RESPONDER_TIMEOUT_NS;
        return channel;
    }

    /**
     * Initiator: a new message 1 with a fresh ephemeral key (discarding any earlier attempt), MAC2 keyed with the
     * cookie while it is fresh; arms the retransmission deadline.
     */
    byte[] startInitiation(Identity identity, SecureRandom random, long nowNs) {
        assert initiator && state == State.AWAIT_RESPONSE;
        if (handshake != null) {
            handshake.close();
        }
        handshake = HandshakeState.initiator(SUITE, PROLOGUE, identity.staticPrivateKey(), random);
        byte[] noise;
        try {
            noise = handshake.writeMessage(new byte[0]);
        } catch (NoiseException e) {
            throw new IllegalStateException("a fresh initiator cannot fail to write message 1", e);
        }
        if (cookie != null && nowNs - cookieReceivedNs >= COOKIE_LIFETIME_NS) {
            cookie = null;
        }
        byte[] message = HandshakeCodec.encode(HandshakeCodec.TYPE_INITIATION, localIndex, 0, noise, mac1Key, cookie);
        int mac1 = HandshakeCodec.mac1Offset(message.length);
        lastMac1 = Arrays.copyOfRange(message, mac1, mac1 + Macs.MAC_LENGTH);
        lastInitiation = message;
        deadlineNs = Math.min(nowNs + RETRANSMIT_AFTER_NS, startedNs + GIVE_UP_AFTER_NS);
        return message;
    }

    /** True when the initiator has tried for {@link #GIVE_UP_AFTER_NS}. */
    boolean givenUp(long nowNs) {
        return initiator && nowNs - startedNs >= GIVE_UP_AFTER_NS;
    }

    /** The expected node id, or null. */
    NodeId expectedNodeId() {
        return expected.nodeId();
    }

    /** The handshake payload of messages 2 and 3: Ed25519 public key, then the static-key binding. */
    static byte[] payload(Identity identity) {
        byte[] payload = new byte[HandshakeCodec.PAYLOAD_LENGTH];
        identity.nodeId().copyTo(payload, 0);
        byte[] binding = identity.staticKeyBinding();
        System.arraycopy(binding, 0, payload, NodeId.LENGTH, binding.length);
        return payload;
    }

    @Override
    public void close() {
        if (handshake != null) {
            handshake.close();
            handshake = null;
        }
    }

    /** An X25519 public key as a map key. */
    static final class EphemeralKey {
        private final byte[] bytes;

        EphemeralKey(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof EphemeralKey that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "EphemeralKey";
        }
    }
}
