package io.elara.node.secure;

import io.elara.crypto.aead.PacketOpener;
import io.elara.crypto.aead.PacketReject;
import io.elara.crypto.aead.PacketSealer;
import io.elara.crypto.identity.NodeId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An established secure session with one peer: the peer's proven {@link NodeId}, both indices, and the transport keys
 * split from the Noise handshake. Owned by the loop thread; not thread-safe.
 */
public final class SecureSession implements AutoCloseable {
    private final NodeId peer;
    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private final PacketSealer sealer;
    private final PacketOpener opener;
    private final long createdNs;
    private final byte[] remoteStaticKey;
    private InetSocketAddress remoteAddress;
    private Object attachment;
    /**
     * Initiator: message 3 as sent, kept until the first authenticated packet from the responder proves it arrived
     * (key confirmation), and re-sent until then. Responder: message 3 as accepted, to recognise a retransmission.
     */
    private byte[] finish;

    private long finishDeadlineNs;

    SecureSession(
            NodeId peer,
            int localIndex,
            int remoteIndex,
            boolean initiator,
            PacketSealer sealer,
            PacketOpener opener,
            byte[] remoteStaticKey,
            InetSocketAddress remoteAddress,
            long createdNs) {
        this.peer = peer;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.sealer = sealer;
        this.opener = opener;
        this.remoteStaticKey = remoteStaticKey.clone();
        this.remoteAddress = remoteAddress;
        this.createdNs = createdNs;
    }

    /** The peer's identity, proven by its static-key binding signature. */
    public NodeId peer() {
        return peer;
    }

    /** The index this node chose: the receiver index of the peer's packets. */
    public int localIndex() {
        return localIndex;
    }

    /** The index the peer chose: the receiver index of this node's packets. */
    public int remoteIndex() {
        return remoteIndex;
    }

    /** True when this node sent the initiation. */
    public boolean initiator() {
        return initiator;
    }

    /** A copy of the peer's X25519 static public key, as the handshake proved it. */
    public byte[] remoteStaticKey() {
        return remoteStaticKey.clone();
    }

    /** Whatever the owner keeps with this session (the node: its peer entry), or null. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object owner) {
        this.attachment = owner;
    }

    /** Where the peer was last heard from with an authenticated packet. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** When the handshake completed. */
    public long createdNs() {
        return createdNs;
    }

    /** Keeps message 3 (see the field's comment); an initiator re-sends it at {@code resendAtNs} until confirmed. */
    void finish(byte[] message, long resendAtNs) {
        this.finish = message;
        this.finishDeadlineNs = resendAtNs;
    }

    /** True while an initiator has not heard from the responder since message 3. */
    public boolean awaitingConfirmation() {
        return initiator && finish != null;
    }

    /** When an unconfirmed initiator re-sends message 3; {@link Long#MAX_VALUE} once confirmed. */
    long finishDeadlineNs() {
        return awaitingConfirmation() ? finishDeadlineNs : Long.MAX_VALUE;
    }

    /** For an unconfirmed initiator: message 3 again, and the next time to re-send it. */
    byte[] resendFinish(long nextNs) {
        finishDeadlineNs = nextNs;
        return finish.clone();
    }

    /** For a responder: whether {@code message} is the message 3 that made this session (a retransmission). */
    boolean isFinish(byte[] message) {
        return !initiator && finish != null && Arrays.equals(finish, message);
    }

    /** True once a new handshake is wanted ({@link io.elara.crypto.aead.KeyLimits}: 120 s or 2^60 packets). */
    public boolean rekeyWanted(long nowNs) {
        return sealer.rekeyWanted(nowNs);
    }

    /** True once the keys neither seal nor open ({@link io.elara.crypto.aead.KeyLimits}: 180 s). */
    public boolean expired(long nowNs) {
        return sealer.expired(nowNs) && opener.expired(nowNs);
    }

    /**
     * A TRANSPORT packet ({@link TransportCodec}) carrying {@code plaintext}, or null when the key is past its limits
     * (a new handshake is needed).
     */
    public byte[] seal(byte[] plaintext, long nowNs) {
        ByteBuffer datagram = ByteBuffer.allocate(TransportCodec.LENGTH_MIN + plaintext.length);
        datagram.put(TransportCodec.TYPE)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .putInt(remoteIndex);
        PacketReject result = sealer.seal(datagram, 0, ByteBuffer.wrap(plaintext), nowNs);
        return result == PacketReject.NONE ? datagram.array() : null;
    }

    /**
     * Writes a TRANSPORT packet carrying {@code plaintext} (from its position to its limit, consumed) at {@code out}'s
     * position, which moves past it; {@link TransportCodec#LENGTH_MIN} bytes more than the plaintext. Returns false,
     * writing nothing, when the key is past its limits. Allocates nothing of its own.
     */
    public boolean seal(ByteBuffer out, ByteBuffer plaintext, long nowNs) {
        int start = out.position();
        out.put(TransportCodec.TYPE).put((byte) 0).put((byte) 0).put((byte) 0).putInt(remoteIndex);
        if (sealer.seal(out, start, plaintext, nowNs) != PacketReject.NONE) {
            out.position(start);
            return false;
        }
        return true;
    }

    /**
     * Opens a TRANSPORT packet ({@code datagram} from its position to its limit) already routed here by its receiver
     * index, writing the frames at {@code plaintext}'s position.
     */
    SecureReject open(ByteBuffer datagram, InetSocketAddress from, long nowNs, ByteBuffer plaintext) {
        int start = datagram.position();
        datagram.position(start + TransportCodec.HEADER_LENGTH);
        PacketReject result = opener.open(datagram, start, plaintext, nowNs);
        if (result != PacketReject.NONE) {
            datagram.position(start);
        }
        return accepted(result, from);
    }

    private SecureReject accepted(PacketReject result, InetSocketAddress from) {
        switch (result) {
            case NONE -> {
                remoteAddress = from;
                if (initiator) {
                    finish = null; // the responder has the keys: message 3 arrived
                }
                return SecureReject.NONE;
            }
            case TOO_OLD_OR_REPLAYED, COUNTER_LIMIT -> {
                return SecureReject.REPLAYED;
            }
            case KEY_EXPIRED -> {
                return SecureReject.KEY_EXPIRED;
            }
            case TRUNCATED, TOO_LONG -> {
                return SecureReject.PACKET_LENGTH;
            }
            default -> {
                return SecureReject.BAD_TAG;
            }
        }
    }

    /** Opens a TRANSPORT packet already routed here by its receiver index; null plaintext when rejected. */
    SecureReject open(byte[] datagram, InetSocketAddress from, long nowNs, byte[][] plaintextOut) {
        ByteBuffer in = ByteBuffer.wrap(datagram);
        in.position(TransportCodec.HEADER_LENGTH);
        int plaintextLength = datagram.length - TransportCodec.LENGTH_MIN;
        ByteBuffer plaintext = ByteBuffer.allocate(plaintextLength);
        PacketReject result = opener.open(in, 0, plaintext, nowNs);
        SecureReject reject = accepted(result, from);
        if (reject == SecureReject.NONE) {
            plaintextOut[0] = plaintext.array();
        }
        return reject;
    }

    /** Wipes both keys. */
    @Override
    public void close() {
        sealer.close();
        opener.close();
    }

    @Override
    public String toString() {
        return "SecureSession[" + peer.shortForm() + ", local " + Integer.toHexString(localIndex) + ", remote "
                + Integer.toHexString(remoteIndex) + "]";
    }
}
