package io.elara.node;

import io.elara.crdt.clock.HlcClock;
import io.elara.crypto.identity.NodeId;
import io.elara.node.config.Addresses;
import io.elara.node.config.Limits;
import io.elara.node.config.Names;
import io.elara.node.config.NodeConfig;
import io.elara.node.config.PeerConfig;
import io.elara.node.config.SessionConfig;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectCounters;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.lane.ReliableReceiver;
import io.elara.node.lane.ReliableSender;
import io.elara.node.peer.Peer;
import io.elara.node.peer.PeerTable;
import io.elara.node.session.Session;
import io.elara.node.session.SessionTable;
import io.elara.node.stage.MergeStage;
import io.elara.node.stage.ProcessStage;
import io.elara.node.stage.PropagateStage;
import io.elara.node.stage.ValidateStage;
import io.elara.node.wire.AckFrameFlyweight;
import io.elara.node.wire.Demux;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FrameType;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.elara.node.wire.PacketReader;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunReject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The node as a state machine, with no I/O of its own (sans-I/O). It changes only when a driver calls it: a datagram
 * arrived ({@link #onDatagram}), time passed ({@link #flush}), or a local command ({@link #sendText}, {@link
 * #subscribe}, ...). Its effects are datagrams written to the {@link Outbox}, events delivered to local subscribers,
 * and the next time it needs to run ({@link #nextDeadlineNs}). Every method takes the time as {@code nowNs},
 * nanoseconds since the Unix epoch, read once per batch by the driver.
 *
 * <p>Both the realtime driver (Netty) and the simulator call these same methods, always from one thread.
 *
 * <p>Received events pass VALIDATE, PROCESS, MERGE and PROPAGATE ({@link io.elara.node.stage}); so do local ones, whose
 * PROPAGATE also queues them on each recipient's reliable lane.
 */
public final class NodeCore {
    /** How far ahead of this node's clock a peer's timestamp may be. */
    public static final long HLC_DRIFT_MS_MAX = 60_000;

    private final NodeId self;
    private final String name;
    private final Limits limits;
    private final long deliveryTimeoutNs;
    private final RandomGenerator random;
    private final HlcClock clock = new HlcClock(HLC_DRIFT_MS_MAX);
    private final PeerTable peers;
    private final SessionTable sessions = new SessionTable();
    private final ValidateStage validate;
    private final ProcessStage process;
    private final MergeStage merge = new MergeStage();
    private final PropagateStage propagate;
    private final RejectCounters rejects = new RejectCounters();
    private final PacketHeaderFlyweight header = new PacketHeaderFlyweight();
    private final StunHeaderFlyweight stunHeader = new StunHeaderFlyweight();
    private final EventFrameCodec eventDecoder = new EventFrameCodec();
    private final AckFrameFlyweight ackFrame = new AckFrameFlyweight();
    private final PacketWriter writer;
    private final Consumer<Event> deliverReceived = this::onReceivedEvent;
    private final EventStages stages;
    /** The time of the input being handled, which the stages' executor reads as its clock. */
    private long currentNowNs;

    private Peer receivingFrom;
    private long datagramsIn;
    private long bytesIn;

    /**
     * @param config validated config; its peer addresses are already resolved
     * @param self this node's id
     * @param random the source of event ids and lane incarnations (seeded in the simulator)
     * @param outbox where datagrams go
     */
    public NodeCore(NodeConfig config, NodeId self, RandomGenerator random, Outbox outbox) {
        this.self = self;
        this.name = config.name();
        this.limits = config.limits();
        this.deliveryTimeoutNs = TimeUnit.MILLISECONDS.toNanos(limits.deliveryTimeoutMs());
        this.random = random;
        this.peers = new PeerTable(limits.peersMax(), random);
        this.validate = new ValidateStage(sessions, clock, limits.textBytesMax());
        this.process = new ProcessStage(clock);
        this.propagate = new PropagateStage(limits.subscribersMax());
        this.writer = new PacketWriter(outbox);
        this.stages = new EventStages(() -> currentNowNs, sessions, validate, process, merge, propagate, rejects);
        for (PeerConfig peer : config.peers()) {
            peers.configure(peer.name(), peer.address());
        }
        for (SessionConfig session : config.sessions()) {
            List<Peer> members = new ArrayList<>();
            for (String member : session.members()) {
                members.add(peers.byName(member));
            }
            sessions.create(session.name(), members);
        }
    }

    public NodeId self() {
        return self;
    }

    public String name() {
        return name;
    }

    /**
     * Takes one datagram of {@code buffer}'s readable bytes from {@code from}. The caller keeps ownership of the
     * buffer and releases it after this returns. Malformed input is counted by reason and dropped; this never throws
     * for bad input. Returns the number of events delivered.
     */
    public int onDatagram(ByteBuf buffer, InetSocketAddress from, long nowNs) {
        int offset = buffer.readerIndex();
        int length = buffer.readableBytes();
        datagramsIn++;
        bytesIn += length;
        if (length == 0) {
            return reject(RejectReason.PACKET_TOO_SHORT);
        }
        switch (Demux.classify(buffer.getUnsignedByte(offset))) {
            case Demux.STUN -> {
                StunReject stun = stunHeader.wrap(buffer, offset, length);
                return reject(stun == StunReject.NONE ? RejectReason.STUN_UNSUPPORTED : RejectReason.STUN_MALFORMED);
            }
            case Demux.ELARA -> {
                return onElaraPacket(buffer, offset, length, from, nowNs);
            }
            default -> {
                return reject(RejectReason.UNKNOWN_PROTOCOL);
            }
        }
    }

    private int onElaraPacket(ByteBuf buffer, int offset, int length, InetSocketAddress from, long nowNs) {
        RejectReason reason = header.wrap(buffer, offset, length);
        if (reason != RejectReason.NONE) {
            return reject(reason);
        }
        int framesOffset = offset + PacketHeaderFlyweight.HEADER_LENGTH;
        int framesEnd = offset + length;
        reason = PacketReader.check(buffer, framesOffset, framesEnd - framesOffset);
        if (reason != RejectReason.NONE) {
            return reject(reason);
        }
        Peer peer = peers.admit(from, nowNs);
        if (peer == null) {
            return reject(RejectReason.PEER_LIMIT);
        }
        switch (peer.receiver().onEpoch(header.epoch())) {
            case STALE -> {
                return reject(RejectReason.STALE_EPOCH);
            }
            case RESTARTED -> peer.sender().reset();
            case SAME, FIRST, NEW_GENERATION -> {
                // Nothing to undo on our side: the receiver adopted the new epoch if there was one.
            }
        }
        peer.heard(nowNs);
        long delivered = propagate.delivered();
        receivingFrom = peer;
        currentNowNs = nowNs;
        int index = framesOffset;
        while (index < framesEnd) {
            int type = buffer.getUnsignedByte(index + FrameType.TYPE_OFFSET);
            int bodyLength = buffer.getUnsignedShort(index + FrameType.LENGTH_OFFSET);
            int body = index + FrameType.HEADER_LENGTH;
            if (type == FrameType.EVENT) {
                RejectReason content = eventDecoder.decode(buffer, body);
                if (content != RejectReason.NONE) {
                    rejects.increment(content);
                }
                Event event = content == RejectReason.NONE ? eventDecoder.event() : null;
                if (!peer.receiver().onEvent(eventDecoder.sequence(), event, deliverReceived)) {
                    rejects.increment(RejectReason.OUT_OF_WINDOW);
                }
            } else if (type == FrameType.ACK) {
                ackFrame.wrap(buffer, body);
                peer.sender().onAck(ackFrame.ackedEpoch(), ackFrame.nextExpected(), nowNs);
            }
            // Optional frame types this version does not know were allowed by PacketReader.check; skip them.
            index = body + bodyLength;
        }
        receivingFrom = null;
        stages.run();
        return (int) (propagate.delivered() - delivered);
    }

    private void onReceivedEvent(Event event) {
        receivingFrom.receivedEvent();
        stages.received(event, receivingFrom);
    }

    private int reject(RejectReason reason) {
        rejects.increment(reason);
        return 0;
    }

    /**
     * Creates a text event from this node and sends it to {@code target}. The returned future completes, on the loop
     * thread, when every recipient has acknowledged it or failed; it fails at once with a {@link SendException} when
     * the message cannot be sent at all. Callbacks attached to it must not block.
     */
    public CompletableFuture<SendResult> sendText(SendTarget target, String text, long nowNs) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        sendText(target, text, nowNs, result);
        return result;
    }

    /** Like {@link #sendText(SendTarget, String, long)}, completing the caller's {@code result}. */
    public void sendText(SendTarget target, String text, long nowNs, CompletableFuture<SendResult> result) {
        String problem = send(target, text, nowNs, result);
        if (problem != null) {
            result.completeExceptionally(new SendException(problem));
        }
    }

    /** Sends, or returns why it cannot. */
    private String send(SendTarget target, String text, long nowNs, CompletableFuture<SendResult> result) {
        Session session;
        List<Peer> recipients;
        if (target.session() != null) {
            session = sessions.byName(target.session());
            if (session == null || session.id().isDirect()) {
                return ("no session named '" + target.session() + "' (this node has: " + sessionNames() + ")");
            }
            recipients = session.members();
            if (recipients.isEmpty()) {
                return ("session '" + session.name() + "' has no members to send to");
            }
        } else {
            Peer peer = peers.byName(target.peer());
            if (peer == null) {
                InetSocketAddress address;
                try {
                    address = Addresses.parse(target.peer(), false);
                } catch (IllegalArgumentException e) {
                    return ("no peer named '" + target.peer() + "' (this node has: " + peerNames()
                            + "; or give ip:port)");
                }
                peer = peers.admit(address, nowNs);
                if (peer == null) {
                    return ("too many peers (limits.peers-max is " + limits.peersMax() + ")");
                }
            }
            session = sessions.byId(SessionId.DIRECT);
            recipients = List.of(peer);
        }
        for (Peer recipient : recipients) {
            if (recipient.sender().queued() >= limits.sendQueueMax()) {
                return ("busy: " + recipient.sender().queued() + " messages are waiting for " + recipient.label()
                        + " to acknowledge them");
            }
        }
        Event event = new Event(
                EventId.random(random), session.id(), self, name, clock.now(nowNs / 1_000_000L), EventKind.TEXT, text);
        currentNowNs = nowNs;
        stages.local(event, recipients, new PendingSend(event.id(), recipients.size(), result), result);
        stages.run();
        return null;
    }

    /** A local event's refusal by VALIDATE, in words for the user. */
    static String describeLocal(RejectReason reason, String text, int textBytesMax) {
        return switch (reason) {
            case TEXT_EMPTY -> "the message is empty";
            case TEXT_TOO_LONG ->
                "the message is " + ByteBufUtil.utf8Bytes(text) + " bytes; the limit is " + textBytesMax
                        + " bytes of UTF-8";
            case TEXT_CONTROL -> "the message contains control characters (terminal escapes are not sent)";
            default -> "the message was refused: " + reason.description();
        };
    }

    /**
     * Sends what is due at {@code nowNs}: acknowledgements, new events, retransmissions; fails events whose delivery
     * timeout passed; forgets idle unknown peers. Drivers call it after each batch of input and when the deadline from
     * {@link #nextDeadlineNs} arrives.
     */
    public void flush(long nowNs) {
        for (Peer peer : peers.all()) {
            ReliableSender sender = peer.sender();
            sender.expire(nowNs, deliveryTimeoutNs);
            ReliableReceiver receiver = peer.receiver();
            writer.begin(peer);
            try {
                if (receiver.ackPending()) {
                    writer.ack(receiver.epoch(), receiver.nextExpected());
                    receiver.ackSent();
                }
                sender.collectDue(nowNs, writer);
                writer.finish();
            } finally {
                writer.abort();
            }
        }
        peers.forgetIdle(nowNs);
    }

    /** When {@link #flush} next has work, or {@link Long#MAX_VALUE} if nothing is pending. */
    public long nextDeadlineNs(long nowNs) {
        long next = peers.nextForgetNs();
        for (Peer peer : peers.all()) {
            if (peer.receiver().ackPending()) {
                return nowNs;
            }
            ReliableSender sender = peer.sender();
            next = Math.min(next, sender.nextDueNs(nowNs));
            long oldest = sender.oldestQueuedNs();
            if (oldest != Long.MAX_VALUE) {
                next = Math.min(next, oldest + deliveryTimeoutNs);
            }
        }
        return next;
    }

    /** See {@link PropagateStage#subscribe}; null when the subscriber limit is reached. */
    public List<DeliveredEvent> subscribe(EventListener listener, int backlog) {
        return propagate.subscribe(listener, backlog);
    }

    public void unsubscribe(EventListener listener) {
        propagate.unsubscribe(listener);
    }

    /** Adds a peer at run time, as if it were in the config file. */
    public void addPeer(String peerName, InetSocketAddress address) throws SendException {
        String problem = Names.problem(peerName);
        if (problem != null) {
            throw new SendException(problem);
        }
        if (peers.byName(peerName) != null || peerName.equals(name)) {
            throw new SendException("a peer named '" + peerName + "' exists already");
        }
        if (peers.byAddress(address) != null) {
            throw new SendException("a peer at " + Peer.format(address) + " exists already");
        }
        if (peers.size() >= limits.peersMax()) {
            throw new SendException("too many peers (limits.peers-max is " + limits.peersMax() + ")");
        }
        peers.configure(peerName, address);
    }

    /** Adds a session of configured peers at run time, as if it were in the config file. */
    public void addSession(String sessionName, List<String> memberNames) throws SendException {
        String problem = Names.problem(sessionName);
        if (problem != null) {
            throw new SendException(problem);
        }
        if (sessions.byName(sessionName) != null) {
            throw new SendException("a session named '" + sessionName + "' exists already");
        }
        List<Peer> members = new ArrayList<>();
        for (String member : memberNames) {
            Peer peer = peers.byName(member);
            if (peer == null) {
                throw new SendException("'" + member + "' is not a configured peer");
            }
            members.add(peer);
        }
        sessions.create(sessionName, members);
    }

    /** The messages this node holds for session {@code sessionName}, in causal order, or null if no such session. */
    public List<Event> history(String sessionName) {
        Session session = sessions.byName(sessionName);
        return session == null ? null : session.log().ordered();
    }

    public RejectCounters rejects() {
        return rejects;
    }

    /** A snapshot for {@code elara status} and tests. */
    public NodeStatus status(long nowNs) {
        List<NodeStatus.PeerStatus> peerStatus = new ArrayList<>();
        for (Peer peer : peers.all()) {
            ReliableSender sender = peer.sender();
            peerStatus.add(new NodeStatus.PeerStatus(
                    peer.label(),
                    Peer.format(peer.address()),
                    peer.configuredName() != null,
                    peer.lastHeardNs() == Long.MIN_VALUE
                            ? -1
                            : TimeUnit.NANOSECONDS.toMillis(nowNs - peer.lastHeardNs()),
                    sender.srttNs() == 0 ? -1 : sender.srttNs() / 1e6,
                    sender.queued(),
                    sender.transmissions(),
                    sender.retransmissions(),
                    peer.eventsIn()));
        }
        List<NodeStatus.SessionStatus> sessionStatus = new ArrayList<>();
        for (Session session : sessions.all()) {
            sessionStatus.add(new NodeStatus.SessionStatus(
                    session.name(), session.members().size(), session.messages()));
        }
        NodeStatus.Counters counters = new NodeStatus.Counters(
                datagramsIn,
                writer.datagrams(),
                bytesIn,
                writer.bytes(),
                stages.eventsSent(),
                propagate.delivered(),
                propagate.subscribers());
        return new NodeStatus(name, self.toString(), null, peerStatus, sessionStatus, counters, rejects.snapshot());
    }

    /** Fails everything still waiting for an acknowledgement, with {@code reason}; for shutdown. */
    public void close(String reason) {
        for (Peer peer : peers.all()) {
            peer.sender().failAll(reason);
        }
    }

    private String peerNames() {
        List<String> names = new ArrayList<>();
        for (Peer peer : peers.all()) {
            if (peer.configuredName() != null) {
                names.add(peer.configuredName());
            }
        }
        return names.isEmpty() ? "no configured peers" : String.join(", ", names);
    }

    private String sessionNames() {
        List<String> names = new ArrayList<>();
        for (Session session : sessions.all()) {
            if (!session.id().isDirect()) {
                names.add(session.name());
            }
        }
        return names.isEmpty() ? "no sessions" : String.join(", ", names);
    }
}
