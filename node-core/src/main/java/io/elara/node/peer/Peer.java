package io.elara.node.peer;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.lane.LatencyFirstReceiver;
import io.elara.node.lane.LatencyFirstSender;
import io.elara.node.lane.Reassembler;
import io.elara.node.lane.ReassemblyBudget;
import io.elara.node.lane.ReliableReceiver;
import io.elara.node.lane.ReliableSender;
import io.elara.node.secure.ExpectedPeer;
import io.elara.node.secure.SecureReject;
import io.elara.node.secure.SecureSession;
import java.net.InetSocketAddress;

/**
 * One remote node, as this node sees it: at one address at a time, which moves when the peer's NAT rebinds ({@link
 * PeerTable#migrate}). Loop thread only.
 */
public final class Peer {
    private InetSocketAddress address;
    private long migrations;
    private InetSocketAddress refusedAddress;
    private String configuredName;
    private String label;
    private final ReliableSender sender;
    private final ReliableReceiver receiver;
    /** The signal lane: reliable as {@link #sender}, numbered apart from it, and drawn from before it. */
    private final ReliableSender signalSender;

    private final ReliableReceiver signalReceiver;
    private final LatencyFirstSender mediaSender = new LatencyFirstSender();
    private final LatencyFirstReceiver mediaReceiver = new LatencyFirstReceiver();
    private final Liveness liveness;
    private final PathMtu pathMtu;
    /** Whom the config says is at this address; {@link ExpectedPeer#anyone()} when it names no id. */
    private ExpectedPeer configured;
    /** The identity and static key the last handshake proved, or null before the first. */
    private ExpectedPeer proven;

    private SecureSession session;
    private boolean dialing;
    private SecureReject lastFailure = SecureReject.NONE;
    /** The reason of the peer's CLOSE, until its next session; null when it did not close. */
    private String closedReason;

    private long unansweredSinceNs = Long.MIN_VALUE;
    private long lastHeardNs = Long.MIN_VALUE;
    private long datagramsIn;
    private long datagramsOut;
    private long eventsIn;

    Peer(
            InetSocketAddress address,
            String configuredName,
            ExpectedPeer configured,
            long laneEpoch,
            ReassemblyBudget reassembly) {
        this.address = address;
        this.configured = configured;
        this.configuredName = configuredName;
        this.label = configuredName != null ? configuredName : format(address);
        this.sender = new ReliableSender(label, laneEpoch);
        // PING ids start at the lane's incarnation, so a restarted node does not reuse the ids of its previous life.
        this.liveness = new Liveness(laneEpoch);
        this.pathMtu = new PathMtu();
        this.receiver = new ReliableReceiver(new Reassembler(reassembly));
        // Both lanes start in the same epoch and move to the next one together (resetLanes), so the one epoch in the
        // packet header speaks for both.
        this.signalSender = new ReliableSender(label, laneEpoch);
        this.signalReceiver = new ReliableReceiver(new Reassembler(reassembly));
    }

    /**
     * Makes a stranger a named peer that must prove {@code expected}, as if it had been configured: it became a member
     * of one of this node's sessions. Its lanes report under the new name from now on.
     */
    void promote(String name, ExpectedPeer expected) {
        this.configuredName = name;
        this.label = name;
        this.configured = expected;
        sender.rename(name);
        signalSender.rename(name);
    }

    /** Path MTU discovery towards this peer. */
    public PathMtu pathMtu() {
        return pathMtu;
    }

    /** {@code host:port}, with IPv6 hosts in brackets. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Moves this entry to {@code newAddress}; only {@link PeerTable#migrate} calls it, keeping its index in step. */
    void moveTo(InetSocketAddress newAddress) {
        this.address = newAddress;
        migrations++;
    }

    /** The last address this peer proved itself from that it could not be moved to (another peer held it), or null. */
    public InetSocketAddress refusedAddress() {
        return refusedAddress;
    }

    public void migrationRefused(InetSocketAddress at) {
        this.refusedAddress = at;
    }

    /** How many times the peer's address changed (an authenticated packet or handshake came from a new one). */
    public long migrations() {
        return migrations;
    }

    /** The name from the config file, or null for a peer that contacted this node on its own. */
    public String configuredName() {
        return configuredName;
    }

    /** The configured name, or the address. */
    public String label() {
        return label;
    }

    /** Whom the config expects here: its id (and static key) if it named one, else anyone. */
    public ExpectedPeer configuredIdentity() {
        return configured;
    }

    /**
     * Whom to expect when dialling: the configured identity if the config named one, else the one the last handshake
     * proved (trust on first use, for as long as this entry lives), else anyone.
     */
    public ExpectedPeer expected() {
        if (configured.nodeId() != null || proven == null) {
            return configured;
        }
        return proven;
    }

    /** The identity a handshake proved, or null. */
    public NodeId provenId() {
        return proven == null ? null : proven.nodeId();
    }

    /** The session packets to this peer are sealed with, or null before the first handshake. */
    public SecureSession session() {
        return session;
    }

    /** Makes {@code established} the session to send with; it proved {@code established.peer()}. */
    public void established(SecureSession established) {
        this.session = established;
        this.proven = ExpectedPeer.of(established.peer(), established.remoteStaticKey());
        this.dialing = false;
        this.lastFailure = SecureReject.NONE;
        this.unansweredSinceNs = Long.MIN_VALUE;
        this.closedReason = null;
    }

    /** The peer closed its session with this node, saying {@code reason}. */
    public void closedByPeer(String reason) {
        this.closedReason = reason;
    }

    /** Why the peer closed its last session, or null if it did not (or a new session is up). */
    public String closedReason() {
        return closedReason;
    }

    /** Forgets a session that can no longer seal. */
    public void sessionEnded() {
        this.session = null;
    }

    /**
     * Notes that frames which the peer must answer (events) went out at {@code nowNs}; the first such time since the
     * peer was last heard is kept.
     */
    public void expectAnswer(long nowNs) {
        if (unansweredSinceNs == Long.MIN_VALUE) {
            unansweredSinceNs = nowNs;
        }
    }

    /** An authenticated packet arrived from the peer. */
    public void answered() {
        unansweredSinceNs = Long.MIN_VALUE;
    }

    /** Since when the peer has not answered frames that needed an answer, or {@link Long#MIN_VALUE}. */
    public long unansweredSinceNs() {
        return unansweredSinceNs;
    }

    public boolean dialing() {
        return dialing;
    }

    public void dialing(boolean inProgress) {
        this.dialing = inProgress;
    }

    /** Why the last handshake towards this peer failed, or {@link SecureReject#NONE}. */
    public SecureReject lastFailure() {
        return lastFailure;
    }

    public void failed(SecureReject reason) {
        this.dialing = false;
        this.lastFailure = reason;
    }

    public ReliableSender sender() {
        return sender;
    }

    public ReliableReceiver receiver() {
        return receiver;
    }

    /** The sending side of the signal lane: SIGNAL frames, acknowledged by SIGNAL_ACK. */
    public ReliableSender signalSender() {
        return signalSender;
    }

    public ReliableReceiver signalReceiver() {
        return signalReceiver;
    }

    /** The lane {@code event} goes on to this peer: the signal lane for {@link EventKind#SIGNAL}, else the reliable. */
    public ReliableSender senderFor(Event event) {
        return event.kind() == EventKind.SIGNAL ? signalSender : sender;
    }

    /** Events waiting for this peer's acknowledgement on both reliable lanes. */
    public int queued() {
        return sender.queued() + signalSender.queued();
    }

    /**
     * Renumbers both reliable lanes from zero in their next epoch (they share the packet header's epoch): the peer
     * restarted, or the path MTU fell back and what waits must be cut again.
     */
    public void resetLanes() {
        sender.reset();
        signalSender.reset();
    }

    /** Sends what both reliable lanes have in flight again at once: the path changed or a new session started. */
    public void retransmitNow(long nowNs) {
        sender.retransmitNow(nowNs);
        signalSender.retransmitNow(nowNs);
    }

    /** Fails everything waiting on both reliable lanes with {@code reason}. */
    public void failAll(String reason) {
        sender.failAll(reason);
        signalSender.failAll(reason);
    }

    /** Drops what both receiving lanes hold out of order: the peer is forgotten. */
    public void discardReceived() {
        receiver.discard();
        signalReceiver.discard();
    }

    /** The sending side of the latency-first lane (media), which shares {@link #sender()}'s congestion window. */
    public LatencyFirstSender mediaSender() {
        return mediaSender;
    }

    /** The receiving side of the latency-first lane (media). */
    public LatencyFirstReceiver mediaReceiver() {
        return mediaReceiver;
    }

    /** Keepalive, idle timeout, PING and PONG state. */
    public Liveness liveness() {
        return liveness;
    }

    /** When the last valid packet arrived, or {@link Long#MIN_VALUE} if none has. */
    public long lastHeardNs() {
        return lastHeardNs;
    }

    public void heard(long nowNs) {
        lastHeardNs = nowNs;
        datagramsIn++;
    }

    public void sentDatagram() {
        datagramsOut++;
    }

    public void receivedEvent() {
        eventsIn++;
    }

    public long datagramsIn() {
        return datagramsIn;
    }

    public long datagramsOut() {
        return datagramsOut;
    }

    public long eventsIn() {
        return eventsIn;
    }
}
