package io.elara.node;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.RejectCounters;
import io.elara.node.event.RejectReason;
import io.elara.node.peer.Peer;
import io.elara.node.peer.PeerTable;
import io.elara.node.secure.ExpectedPeer;
import io.elara.node.secure.SecureEndpoint;
import io.elara.node.secure.SecureOutbox;
import io.elara.node.secure.SecureReject;
import io.elara.node.secure.SecureSession;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * Joins the node's peers to their secure sessions: dials a peer when there is something to send and no session
 * ({@link #ready}), seals each outgoing packet ({@link #seal}), opens each incoming one ({@link #open}) and tells the
 * core which peer it came from, and ties sessions made by the other side to peer entries. The {@link SecureEndpoint}
 * does the handshakes; this class decides who is who.
 *
 * <p>Peer identity: a peer from the config file with an {@code id:} must prove that id, whichever side dials. A
 * responder session from the address of such a peer that proves another id is closed at once and counted as {@link
 * RejectReason#PEER_IDENTITY_MISMATCH}; nothing it sends is read. Other peers are whoever their handshake proves, and
 * later dials of the same entry expect that identity again.
 *
 * <p>Loop thread only, like the core.
 */
final class SecureLink implements SecureOutbox {
    /**
     * A session over which events went out and nothing came back for this long is presumed dead (the peer restarted
     * and forgot it, or its address changed): a new handshake starts, and the old session keeps carrying packets
     * until the new one is up. WireGuard waits 15 s (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT); a chat peer that restarts
     * should be reachable again within seconds, and a needless handshake under heavy loss costs only a round trip.
     */
    static final long UNANSWERED_REDIAL_NS = 3_000_000_000L;

    /** A responder re-dials on its own this long after the initiator should have rekeyed, if it still has not. */
    private static final long RESPONDER_REKEY_GRACE_NS = 10_000_000_000L;

    private final SecureEndpoint endpoint;
    private final PeerTable peers;
    private final Outbox outbox;
    private final RejectCounters rejects;
    private final Map<Integer, Peer> dialing = new HashMap<>();
    private long nowNs;

    SecureLink(
            Identity identity,
            boolean acceptUnknownPeers,
            SecureRandom random,
            PeerTable peers,
            Outbox outbox,
            RejectCounters rejects) {
        this.endpoint = new SecureEndpoint(identity, acceptUnknownPeers, random, this);
        this.peers = peers;
        this.outbox = outbox;
        this.rejects = rejects;
    }

    SecureEndpoint endpoint() {
        return endpoint;
    }

    /**
     * True when {@code peer} has a session that seals. Otherwise, and when {@code wanted}, starts a handshake unless
     * one is under way. Also starts the rekeying handshake when the session's key is due for one.
     */
    boolean ready(Peer peer, boolean wanted, long now) {
        SecureSession session = peer.session();
        if (session != null && session.expired(now)) {
            peer.sessionEnded();
            session = null;
        }
        if (session == null) {
            if (wanted) {
                dial(peer, now);
            }
            return false;
        }
        boolean rekey = session.rekeyWanted(now)
                && (session.initiator() || now - session.createdNs() >= rekeyAfterNs() + RESPONDER_REKEY_GRACE_NS);
        long unanswered = peer.unansweredSinceNs();
        if (rekey || (unanswered != Long.MIN_VALUE && now - unanswered >= UNANSWERED_REDIAL_NS)) {
            dial(peer, now);
        }
        return true;
    }

    private static long rekeyAfterNs() {
        return io.elara.crypto.aead.KeyLimits.REKEY_AFTER_TIME_NS;
    }

    private void dial(Peer peer, long now) {
        if (peer.dialing()) {
            return;
        }
        peer.dialing(true);
        this.nowNs = now;
        ExpectedPeer expected = peer.expected();
        int index = endpoint.initiate(expected, peer.address(), now);
        dialing.put(index, peer);
    }

    /**
     * Seals {@code packet} (a plaintext Elara packet; released here) for {@code peer}, whose session {@link #ready}
     * said seals, and sends it. Returns the bytes sent, or 0 if the key expired in between (the lane retransmits).
     */
    int seal(Peer peer, ByteBuf packet, long now) {
        try {
            SecureSession session = peer.session();
            ByteBuf datagram = outbox.allocate();
            int start = datagram.writerIndex();
            int length = packet.readableBytes() + io.elara.node.wire.PacketHeaderFlyweight.SEAL_OVERHEAD;
            datagram.ensureWritable(length);
            ByteBuffer out = datagram.nioBuffer(start, length);
            if (session == null || !session.seal(out, packet.nioBuffer(), now)) {
                datagram.release();
                peer.sessionEnded();
                return 0;
            }
            datagram.writerIndex(start + out.position());
            outbox.send(datagram, session.remoteAddress());
            return length;
        } finally {
            packet.release();
        }
    }

    /**
     * Opens a TRANSPORT packet into {@code plaintext} (at its writer index). Returns the peer it came from, or null when
     * it was dropped (counted by the endpoint) or was a keepalive. The plaintext's writer index moves past the frames.
     */
    Peer open(ByteBuf datagram, InetSocketAddress from, ByteBuf plaintext, long now) {
        this.nowNs = now;
        int at = plaintext.writerIndex();
        ByteBuffer out = plaintext.nioBuffer(at, plaintext.writableBytes());
        SecureSession session = endpoint.openTransport(datagram.nioBuffer(), from, now, out);
        if (session == null) {
            return null;
        }
        Peer peer = peerOf(session, now);
        if (peer == null || out.position() == 0) {
            return null; // no room for a new peer (counted), or a keepalive: nothing to read
        }
        plaintext.writerIndex(at + out.position());
        return peer;
    }

    /** A handshake message or cookie reply (first byte 0xE1 to 0xE4). */
    void onHandshake(ByteBuf datagram, InetSocketAddress from, long now) {
        this.nowNs = now;
        byte[] bytes = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), bytes);
        endpoint.onDatagram(bytes, from, now);
    }

    void onTimer(long now) {
        this.nowNs = now;
        endpoint.onTimer(now);
    }

    long nextDeadlineNs() {
        return endpoint.nextDeadlineNs();
    }

    /**
     * Closes {@code peer}'s session, whose peer has been silent for {@link
     * io.elara.node.peer.Liveness#IDLE_TIMEOUT_NS}: its keys are wiped. The lane keeps what is queued; the next send
     * dials again.
     */
    void closeIdle(Peer peer) {
        SecureSession session = peer.session();
        peer.sessionEnded();
        peer.liveness().wentIdle();
        if (session != null) {
            endpoint.closeSession(session);
        }
    }

    /**
     * Moves {@code peer}'s entry to {@code address}, from which an authenticated packet or handshake of it came.
     * Returns false (counted) when another peer holds that address.
     */
    private boolean migrate(Peer peer, InetSocketAddress address) {
        if (peers.migrate(peer, address)) {
            // The old path lost what went out since the peer moved: send it again now rather than at the next probe
            // timeout, which has been backing off while the old address stayed silent.
            peer.retransmitNow(nowNs);
            return true;
        }
        rejects.increment(RejectReason.MIGRATION_REFUSED);
        peer.migrationRefused(address); // counted once, not for every packet that follows from there
        return false;
    }

    /**
     * {@code peer} closed its session with this node (an authenticated CLOSE frame, {@code reason} in its words): the
     * session's keys are wiped now rather than after the idle timeout. What waits in the lane stays; a later send dials
     * again.
     */
    void closedByPeer(Peer peer, String reason) {
        SecureSession session = peer.session();
        peer.sessionEnded();
        peer.closedByPeer(reason);
        if (session != null) {
            endpoint.closeSession(session);
        }
    }

    void close() {
        endpoint.close();
        dialing.clear();
    }

    /** The peer entry a session's packets belong to, re-admitted if the table forgot it while idle. */
    private Peer peerOf(SecureSession session, long now) {
        Peer peer = (Peer) session.attachment();
        if (peer != null && peers.byAddress(peer.address()) == peer) {
            if (!peer.address().equals(session.remoteAddress())
                    && !session.remoteAddress().equals(peer.refusedAddress())) {
                migrate(peer, session.remoteAddress());
            }
            peer.answered();
            peer.liveness().authenticated(now);
            return peer;
        }
        Peer current = peers.admit(session.remoteAddress(), now);
        if (current == null) {
            rejects.increment(RejectReason.PEER_LIMIT);
            return null;
        }
        session.attach(current);
        if (current.session() == null) {
            current.established(session);
        }
        current.answered();
        current.liveness().authenticated(now);
        return current;
    }

    @Override
    public void send(byte[] datagram, InetSocketAddress recipient) {
        ByteBuf buffer = outbox.allocate();
        buffer.writeBytes(datagram);
        outbox.send(buffer, recipient);
    }

    /** Told, on the loop, of every peer whose secure session just came up. */
    interface Established {
        void established(Peer peer, long nowNs);
    }

    private Established onEstablished = (peer, now) -> {};

    void onEstablished(Established listener) {
        this.onEstablished = listener;
    }

    @Override
    public void established(SecureSession session) {
        Peer peer;
        if (session.initiator()) {
            peer = dialing.remove(session.localIndex());
            if (peer == null || peers.byAddress(peer.address()) != peer) {
                // The entry was forgotten while the handshake ran; the session serves whoever is at the address now.
                peer = peers.admit(session.remoteAddress(), nowNs);
            }
        } else {
            peer = peers.byAddress(session.remoteAddress());
            if (peer == null) {
                // A known node dialling from a new address (its NAT rebound): the handshake just proved who it is.
                peer = peers.elsewhere(session.peer(), session.remoteAddress());
                if (peer != null && !migrate(peer, session.remoteAddress())) {
                    peer = null;
                }
            }
            if (peer == null) {
                peer = peers.admit(session.remoteAddress(), nowNs);
            }
        }
        if (peer == null) {
            rejects.increment(RejectReason.PEER_LIMIT);
            endpoint.closeSession(session);
            return;
        }
        NodeId required = peer.configuredIdentity().nodeId();
        if (required != null && !required.equals(session.peer())) {
            rejects.increment(RejectReason.PEER_IDENTITY_MISMATCH);
            endpoint.closeSession(session);
            return;
        }
        session.attach(peer);
        peer.established(session);
        peer.liveness().authenticated(nowNs);
        // What went out over an older session that stopped answering is presumed lost: send it again now.
        peer.retransmitNow(nowNs);
        onEstablished.established(peer, nowNs);
    }

    /** When the peer's silence makes {@link #ready} dial again, or {@link Long#MAX_VALUE}. */
    static long redialDeadlineNs(Peer peer) {
        long since = peer.unansweredSinceNs();
        return since == Long.MIN_VALUE || peer.dialing() ? Long.MAX_VALUE : since + UNANSWERED_REDIAL_NS;
    }

    @Override
    public void received(SecureSession session, byte[] plaintext) {
        // Transport packets take the copy-free path (open); the endpoint's byte-array path is only for its own tests.
        throw new IllegalStateException(
                "transport packets are opened by SecureLink.open, not the endpoint's onDatagram");
    }

    @Override
    public void failed(int localIndex, NodeId expected, SecureReject reason) {
        Peer peer = dialing.remove(localIndex);
        if (peer == null) {
            return;
        }
        peer.failed(reason);
        if (reason == SecureReject.HANDSHAKE_TIMEOUT
                && peer.session() != null
                && !peer.session().expired(nowNs)) {
            // The other side dialled us meanwhile and that session carries the lane; only this attempt failed.
            return;
        }
        if (reason == SecureReject.HANDSHAKE_TIMEOUT && peer.liveness().idle()) {
            // A peer that went quiet (closed for idleness) keeps its lane: what waits is sent once it answers a later
            // dial, or fails at its delivery timeout, as it would have had the session stayed open.
            return;
        }
        // Nobody answered at all, or whoever answers at the peer's address is someone else: what waits cannot go.
        peer.sessionEnded();
        peer.failAll(describe(peer, reason));
    }

    /** Why sends to {@code peer} failed, in words for {@code elara send}. */
    static String describe(Peer peer, SecureReject reason) {
        return switch (reason) {
            case HANDSHAKE_TIMEOUT ->
                "no secure session with " + peer.label() + " at " + Peer.format(peer.address())
                        + ": it did not answer the handshake";
            case UNEXPECTED_NODE_ID, UNEXPECTED_STATIC_KEY ->
                "refused " + peer.label() + " at "
                        + Peer.format(peer.address()) + ": it is not "
                        + peer.expected().nodeId() + " ("
                        + reason.description() + ")";
            default -> "no secure session with " + peer.label() + ": " + reason.description();
        };
    }
}
