package io.elara.node;

import io.elara.crdt.clock.HlcClock;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.BatchVerifier;
import io.elara.crypto.sign.EventProof;
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
import io.elara.node.lane.LatencyFirstReceiver;
import io.elara.node.lane.LatencyFirstSender;
import io.elara.node.lane.MediaSendResult;
import io.elara.node.lane.ReassemblyBudget;
import io.elara.node.lane.ReliableReceiver;
import io.elara.node.lane.ReliableSender;
import io.elara.node.lane.SendReceipt;
import io.elara.node.lane.TrafficClass;
import io.elara.node.peer.Liveness;
import io.elara.node.peer.PathMtu;
import io.elara.node.peer.Peer;
import io.elara.node.peer.PeerTable;
import io.elara.node.secure.ExpectedPeer;
import io.elara.node.secure.SecureEndpoint;
import io.elara.node.secure.SecureReject;
import io.elara.node.session.Session;
import io.elara.node.session.SessionState;
import io.elara.node.session.SessionTable;
import io.elara.node.stage.MergeStage;
import io.elara.node.stage.ProcessStage;
import io.elara.node.stage.PropagateStage;
import io.elara.node.stage.ValidateStage;
import io.elara.node.wire.AckFrameFlyweight;
import io.elara.node.wire.CloseFrameFlyweight;
import io.elara.node.wire.Demux;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.elara.node.wire.FrameType;
import io.elara.node.wire.MediaFrameFlyweight;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.elara.node.wire.PacketReader;
import io.elara.node.wire.PingFrameFlyweight;
import io.elara.node.wire.PongFrameFlyweight;
import io.elara.stun.codec.StunMessage;
import io.elara.stun.ice.IceDescription;
import io.elara.stun.server.StunResponder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Protection: every packet to or from a peer travels in a secure session ({@link SecureLink}, Noise XX then
 * ChaCha20-Poly1305), dialled when there is something to send; a plaintext Elara packet is refused. Every event this
 * node authors is signed before it leaves: events sent in one batch of input share one Ed25519 signature over their
 * Merkle root ({@link BatchSigner}), and VALIDATE verifies the author's signature of every received event. {@link
 * #withoutProtection} builds a core without either, for benchmarks that measure what protection costs and for tests of
 * the frame layer; no config key or command reaches it.
 */
public final class NodeCore {
    /** How far ahead of this node's clock a peer's timestamp may be. */
    public static final long HLC_DRIFT_MS_MAX = 60_000;

    private final NodeId self;
    private final Identity identity;
    /** The secure sessions; null in a core built {@link #withoutProtection}. */
    private final SecureLink link;
    /** This node's events created since the last flush, waiting to be signed as one batch. */
    private final List<LocalSend> unsigned = new ArrayList<>();

    private final Outbox outbox;
    private final Traffic traffic;
    private final String name;
    private final Limits limits;
    private final long deliveryTimeoutNs;
    private final RandomGenerator random;
    private final HlcClock clock = new HlcClock(HLC_DRIFT_MS_MAX);
    private final PeerTable peers;
    private final SessionTable sessions;
    private final ValidateStage validate;
    private final ProcessStage process;
    private final MergeStage merge = new MergeStage();
    /** Where new events are made durable; {@link EventJournal#NONE} keeps nothing (tests, benchmarks). */
    private EventJournal journal = EventJournal.NONE;

    private final PropagateStage propagate;
    private final RejectCounters rejects = new RejectCounters();
    private final PacketHeaderFlyweight header = new PacketHeaderFlyweight();
    private final StunResponder stunResponder;
    /** This node's relayed address on the TURN server of its config; null without one. */
    private final TurnRelay turn;

    /**
     * Where the node's I/O shell runs ICE for peers reached through a TURN relay (see {@link #iceSignals}). Called on
     * the loop thread; implementations hand the work to threads of their own and call back through the loop.
     */
    public interface IceSignals {
        /** A relayed peer's secure session came up and this side controls: gather, then {@link #sendIce} an offer. */
        void start(NodeId peer, InetSocketAddress address);

        /** The peer sent its offer (this side is controlled) or its answer (this side controls). */
        void received(NodeId peer, InetSocketAddress address, boolean offer, IceDescription description);
    }

    /** A path to a peer that is not this node's own UDP port: the pair ICE selected. Loop thread only. */
    public interface DirectPath {
        /** Sends one datagram to the peer and releases it. */
        void send(ByteBuf datagram);
    }

    /**
     * Everything the core sends goes through here: to a peer with an ICE path, on that path; to another relay on this
     * node's TURN server, through this node's own relay; the rest out of the node's port as it is.
     */
    private static final class PathOutbox implements Outbox {
        private final Outbox network;
        private final TurnRelay turn;
        /** Peer address (as the core knows it) to the ICE path that replaces it; loop thread only. */
        private final Map<InetSocketAddress, DirectPath> direct = new HashMap<>();

        PathOutbox(Outbox network, TurnRelay turn) {
            this.network = network;
            this.turn = turn;
        }

        @Override
        public ByteBuf allocate() {
            return network.allocate();
        }

        @Override
        public void send(ByteBuf datagram, InetSocketAddress recipient) {
            if (!direct.isEmpty()) {
                DirectPath path = direct.get(recipient);
                if (path != null) {
                    path.send(datagram);
                    return;
                }
            }
            if (turn == null || !turn.relays(recipient)) {
                network.send(datagram, recipient);
                return;
            }
            byte[] bytes = new byte[datagram.readableBytes()];
            datagram.readBytes(bytes);
            datagram.release();
            byte[] wrapped = turn.wrap(bytes, recipient);
            ByteBuf indication = network.allocate();
            indication.writeBytes(wrapped);
            network.send(indication, turn.server());
        }
    }

    private final PathOutbox paths;
    /** The shell's ICE runner; null when this node runs no ICE. */
    private IceSignals iceSignals;
    /** Per relayed peer address: how its ICE upgrade stands, or the selected path, for status. */
    private final Map<InetSocketAddress, String> iceStates = new HashMap<>();

    /** This node's reflexive addresses, from the STUN servers of its config. */
    private final ReflexiveDiscovery reflexive;

    private long stunAnswered;
    private final EventFrameCodec eventDecoder = new EventFrameCodec();
    private final AckFrameFlyweight ackFrame = new AckFrameFlyweight();
    private final PingFrameFlyweight pingFrame = new PingFrameFlyweight();
    private final PongFrameFlyweight pongFrame = new PongFrameFlyweight();
    private final CloseFrameFlyweight closeFrame = new CloseFrameFlyweight();
    private final MediaFrameFlyweight mediaFrame = new MediaFrameFlyweight();
    /** Subscribers to received media, at most {@link #MEDIA_LISTENERS_MAX}. */
    private final List<MediaListener> mediaListeners = new ArrayList<>();

    private final MediaQuality mediaQuality;
    /** Ranges of an ACK being read or written, allocated once. */
    private final long[] rangeStarts = new long[AckFrameFlyweight.RANGE_COUNT_MAX];

    private final long[] rangeEnds = new long[AckFrameFlyweight.RANGE_COUNT_MAX];
    private final PacketWriter writer;
    /** Hands the lane's in-order events, and events reassembled from fragments, to the stages. */
    private final ReliableReceiver.Delivery deliverReceived = new ReliableReceiver.Delivery() {
        @Override
        public void event(Event event) {
            onReceivedEvent(event);
        }

        @Override
        public void reassembled(ByteBuf body) {
            onReassembled(body);
        }

        @Override
        public void rejected(RejectReason reason) {
            rejects.increment(reason);
        }
    };
    /** Decodes events reassembled from fragments. */
    private final EventFrameCodec reassembledDecoder = new EventFrameCodec();

    private final EventStages stages;
    /** Created and joined sessions, their membership and anti-entropy. */
    private final SessionLayer sessionLayer;
    /** Draws session ids and invite ids; null in a core without protection. */
    private final SecureRandom secureRandom;
    /** The time of the input being handled, which the stages' executor reads as its clock. */
    private long currentNowNs;

    private long batchesSigned;
    private Peer receivingFrom;
    private long datagramsIn;
    private long bytesIn;

    /**
     * Longest a local event waits for more to share its signature while every lane it goes to is full. A full lane
     * could not send it sooner anyway, so the wait costs no latency in practice; this bound only caps a pathological
     * case (a lane that stays full).
     */
    static final long SIGN_DEFER_NS_MAX = TimeUnit.MILLISECONDS.toNanos(20);

    /** How often the mailbox is read for what the lanes no longer hold (store-and-forward to returning peers). */
    static final long MAILBOX_CHECK_NS = TimeUnit.SECONDS.toNanos(30);
    /** How soon the mailbox is read again after a read that filled a whole page. */
    static final long MAILBOX_NEXT_PAGE_NS = TimeUnit.SECONDS.toNanos(2);
    /** Mailbox entries sent again per check at most. */
    static final int MAILBOX_RESENT_MAX = 1024;

    /** When the next mailbox check is due (set at the first flush of a node with a journal). */
    private long nextMailboxCheckNs = Long.MIN_VALUE;

    /** Signals waiting per peer at most (sent and unacknowledged, or queued): the signal lane stays small. */
    public static final int SIGNAL_QUEUE_MAX = 64;

    /** A local send waiting for its signature, since {@code queuedNs}. */
    private record LocalSend(
            Event event,
            List<Peer> recipients,
            PendingSend pending,
            CompletableFuture<SendResult> result,
            long queuedNs) {}

    /**
     * A protected core: secure sessions with every peer, signed events.
     *
     * @param config validated config; its peer addresses are already resolved
     * @param identity this node's identity: signs its events and authenticates its handshakes
     * @param random the source of event ids and lane incarnations (seeded in the simulator)
     * @param secureRandom the source of handshake keys, indices and cookie secrets (a deterministic one only in the
     *     simulator)
     * @param outbox where datagrams go
     */
    public NodeCore(
            NodeConfig config, Identity identity, RandomGenerator random, SecureRandom secureRandom, Outbox outbox) {
        this(config, identity, random, secureRandom, outbox, new BatchVerifier());
    }

    /**
     * A protected core whose signature checks go through {@code verifier}, which several cores may share when they run
     * on one thread (the simulator's hundreds of nodes): whether an author signed a batch root is the same answer for
     * every node, so the world verifies each batch once. Each core still checks every event it receives.
     */
    public NodeCore(
            NodeConfig config,
            Identity identity,
            RandomGenerator random,
            SecureRandom secureRandom,
            Outbox outbox,
            BatchVerifier verifier) {
        this(config, identity, random, secureRandom, outbox, java.util.Objects.requireNonNull(verifier), true);
    }

    /**
     * A core that sends its packets in plaintext and its events unsigned, and accepts the same: for benchmarks that
     * measure what protection costs, and tests of the frame layer. Never reachable from a config file or the command
     * line; a protected node refuses everything it sends.
     */
    public static NodeCore withoutProtection(
            NodeConfig config, Identity identity, RandomGenerator random, Outbox outbox) {
        return new NodeCore(config, identity, random, null, outbox, null, false);
    }

    private NodeCore(
            NodeConfig config,
            Identity identity,
            RandomGenerator random,
            SecureRandom secureRandom,
            Outbox network,
            BatchVerifier verifier,
            boolean protect) {
        this.identity = identity;
        this.self = identity.nodeId();
        // Without protection no author is proven, so a configured session cannot tell its members from anyone.
        this.sessions = protect ? new SessionTable(self) : new SessionTable();
        io.elara.node.config.TurnServer turnServer = config.turn();
        this.turn = turnServer == null
                ? null
                : new TurnRelay(turnServer.server(), turnServer.user(), turnServer.password(), random);
        this.paths = new PathOutbox(network, turn);
        this.traffic = new Traffic(paths);
        Outbox outbox = traffic;
        this.outbox = outbox;
        this.name = config.name();
        this.limits = config.limits();
        this.deliveryTimeoutNs = TimeUnit.MILLISECONDS.toNanos(limits.deliveryTimeoutMs());
        this.random = random;
        this.peers = new PeerTable(
                limits.peersMax(),
                random,
                new ReassemblyBudget(
                        limits.reassemblyBytesMaxPerPeer(),
                        limits.reassemblyBytesMax(),
                        EventFrameCodec.bodyLengthMax(limits.textBytesMax())));
        this.validate = new ValidateStage(sessions, clock, limits.textBytesMax(), protect ? verifier : null);
        this.process = new ProcessStage(clock);
        this.propagate = new PropagateStage(limits.subscribersMax());
        this.link = protect ? new SecureLink(identity, true, secureRandom, peers, outbox, rejects) : null;
        this.writer = new PacketWriter(outbox, this::transmit);
        this.stages = new EventStages(() -> currentNowNs, sessions, validate, process, merge, propagate, rejects);
        this.secureRandom = secureRandom;
        byte[] nonceSecret = new byte[32];
        if (secureRandom != null) {
            secureRandom.nextBytes(nonceSecret);
        } else {
            random.nextBytes(nonceSecret);
        }
        this.stunResponder = new StunResponder(StunResponder.Settings.defaults(), null, nonceSecret);
        this.reflexive = new ReflexiveDiscovery(config.stunServers(), random);
        this.sessionLayer = new SessionLayer(this);
        this.mediaQuality = new MediaQuality(this, config.degradation());
        stages.control(sessionLayer::onControl);
        stages.forwarder(sessionLayer::forward);
        if (link != null) {
            link.onEstablished(sessionLayer::connected);
        }
        for (PeerConfig peer : config.peers()) {
            peers.configure(peer.name(), peer.address(), new ExpectedPeer(peer.id(), peer.staticKeyBytes()));
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
        traffic.received(length == 0 ? 0 : buffer.getByte(offset), length);
        if (length == 0) {
            return reject(RejectReason.PACKET_TOO_SHORT);
        }
        switch (Demux.classify(buffer.getUnsignedByte(offset))) {
            case Demux.STUN -> {
                return onStun(buffer, offset, length, from, nowNs);
            }
            case Demux.ELARA -> {
                byte first = buffer.getByte(offset);
                if (link == null) {
                    return SecureEndpoint.handles(first)
                            ? reject(RejectReason.PACKET_TYPE)
                            : onElaraPacket(buffer, offset, length, null, from, nowNs);
                }
                if (first == PacketHeaderFlyweight.TRANSPORT_FIRST_BYTE) {
                    return onTransport(buffer, from, nowNs);
                }
                if (SecureEndpoint.handles(first)) {
                    link.onHandshake(buffer, from, nowNs);
                    return 0;
                }
                return reject(RejectReason.PACKET_UNPROTECTED);
            }
            default -> {
                return reject(RejectReason.UNKNOWN_PROTOCOL);
            }
        }
    }

    /**
     * A STUN datagram: a request is answered by this node's {@link StunResponder} (every node is a STUN server for the
     * others, on its own port); what it drops is counted by reason.
     */
    private int onStun(ByteBuf buffer, int offset, int length, InetSocketAddress from, long nowNs) {
        if (reflexive.waiting() && length > 1 && (buffer.getByte(offset) & 0x01) != 0) {
            // The class bits of a response (C1 is the low bit of the first byte): perhaps the answer to this node's
            // own Binding request to a STUN server of its config.
            StunMessage.Decoded decoded = StunMessage.decode(buffer, offset, length);
            if (decoded.ok() && reflexive.onResponse(decoded.message(), from, nowNs)) {
                return 0;
            }
        }
        if (turn != null && from.equals(turn.server())) {
            // The TURN server: an answer to this node's allocation, or a Data indication carrying a datagram from
            // another relay, taken as if it came from there.
            StunMessage.Decoded decoded = StunMessage.decode(buffer, offset, length);
            int[] delivered = new int[1];
            if (decoded.ok()
                    && turn.onStun(decoded.message(), from, nowNs, inner -> {
                        ByteBuf datagram = io.netty.buffer.Unpooled.wrappedBuffer(inner.datagram());
                        try {
                            delivered[0] += onDatagram(datagram, inner.peer(), nowNs);
                        } finally {
                            datagram.release();
                        }
                    })) {
                return delivered[0];
            }
        }
        byte[] request = new byte[length];
        buffer.getBytes(offset, request);
        byte[] response = stunResponder.handle(request, from, nowNs);
        if (response != null) {
            ByteBuf datagram = outbox.allocate();
            datagram.writeBytes(response);
            stunAnswered++;
            outbox.send(datagram, from);
            return 0;
        }
        return switch (stunResponder.lastOutcome()) {
            case RATE_LIMITED -> reject(RejectReason.STUN_RATE_LIMITED);
            case NOT_A_REQUEST -> reject(RejectReason.STUN_UNEXPECTED);
            default -> reject(RejectReason.STUN_MALFORMED);
        };
    }

    /**
     * This node's server-reflexive addresses as the STUN servers of its config last reported them (empty without
     * servers, or before the first answer). Any thread.
     */
    public List<InetSocketAddress> reflexiveAddresses() {
        return reflexive.addresses();
    }

    /** Binding requests to this node's STUN servers sent, answered, and given up on. */
    public long stunServerAnswers() {
        return reflexive.answers();
    }

    /** Sends a whole STUN message as one datagram. */
    private void sendStun(byte[] message, InetSocketAddress to) {
        ByteBuf datagram = outbox.allocate();
        datagram.writeBytes(message);
        outbox.send(datagram, to);
    }

    /** This node's relayed address on the TURN server of its config, once it has one; null otherwise. Any thread. */
    public InetSocketAddress relayedAddress() {
        return turn == null ? null : turn.relayed();
    }

    /** Whether datagrams to {@code address} go through this node's TURN relay (another relay on its server). */
    boolean relayed(InetSocketAddress address) {
        return turn != null && turn.relays(address);
    }

    /** Sets the shell's ICE runner, before the node starts; relayed peers are then offered ICE. */
    public void iceSignals(IceSignals signals) {
        this.iceSignals = signals;
    }

    IceSignals iceSignals() {
        return iceSignals;
    }

    /** Sends an ICE offer or answer to the peer proven to be {@code peer}; false when it is gone. Loop thread. */
    public boolean sendIce(NodeId peer, boolean offer, IceDescription description, long nowNs) {
        Peer target = peers.byNodeId(peer);
        if (target == null) {
            return false;
        }
        return sessionLayer.sendIce(target, offer, description, nowNs);
    }

    /**
     * From now on, datagrams to {@code address} take {@code path}; {@code description} says which, for status. Datagrams
     * that arrive on the path are given to {@link #onDatagram} as from {@code address}. Loop thread.
     */
    public void usePath(InetSocketAddress address, DirectPath path, String description) {
        paths.direct.put(address, path);
        iceStates.put(address, description);
    }

    /** Datagrams to {@code address} go the way they went before its ICE path; {@code why} is shown in status. */
    public void dropPath(InetSocketAddress address, String why) {
        paths.direct.remove(address);
        iceStates.put(address, why);
    }

    /** How the ICE upgrade to {@code address} stands (checking, or why it found no path), for status. Loop thread. */
    public void iceState(InetSocketAddress address, String state) {
        iceStates.put(address, state);
    }

    /** How datagrams reach {@code peer}: {@code direct}, {@code ICE ...} or {@code relayed (TURN)...}. */
    private String path(Peer peer) {
        InetSocketAddress address = peer.address();
        if (paths.direct.containsKey(address)) {
            return "ICE " + iceStates.get(address);
        }
        if (!relayed(address)) {
            return "direct";
        }
        String ice = iceStates.get(address);
        return ice == null ? "relayed (TURN)" : "relayed (TURN); ICE " + ice;
    }

    /** Whether traffic to {@code peer} can flow now: its secure session is up (or this core sends unprotected). */
    boolean connected(Peer peer) {
        return link == null || peer.session() != null;
    }

    /** STUN requests this node answered (with a success or an error response). */
    public long stunAnswered() {
        return stunAnswered;
    }

    private int onTransport(ByteBuf buffer, InetSocketAddress from, long nowNs) {
        ByteBuf plaintext = outbox.allocate();
        try {
            Peer peer = link.open(buffer, from, plaintext, nowNs);
            if (peer == null) {
                return 0; // dropped and counted by the secure endpoint, or a keepalive
            }
            return onElaraPacket(plaintext, plaintext.readerIndex(), plaintext.readableBytes(), peer, from, nowNs);
        } finally {
            plaintext.release();
        }
    }

    /**
     * A packet of frames, from {@code knownPeer} (opened from its secure session) or, without protection, from whoever
     * is at {@code from}.
     */
    private int onElaraPacket(
            ByteBuf buffer, int offset, int length, Peer knownPeer, InetSocketAddress from, long nowNs) {
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
        Peer peer = knownPeer != null ? knownPeer : peers.admit(from, nowNs);
        if (peer == null) {
            return reject(RejectReason.PEER_LIMIT);
        }
        switch (peer.receiver().onEpoch(header.epoch())) {
            case STALE -> {
                return reject(RejectReason.STALE_EPOCH);
            }
            case RESTARTED -> {
                peer.resetLanes();
                peer.mediaReceiver().reset(); // a restarted sender numbers its media streams from 0 again
            }
            case SAME, FIRST, NEW_GENERATION -> {
                // Nothing to undo on our side: the receiver adopted the new epoch if there was one.
            }
        }
        // The signal lane shares the header's epoch: it starts over exactly when the reliable lane does.
        peer.signalReceiver().onEpoch(header.epoch());
        ReliableReceiver reliable = peer.receiver();
        if (journal.durable() && !reliable.storing()) {
            reliable.storing(true);
        }
        long expectedBefore = reliable.nextExpected();
        long storeFailuresBefore = stages.storeFailures();
        long refusedBefore = refusedForNow();
        peer.heard(nowNs);
        long delivered = propagate.delivered();
        receivingFrom = peer;
        currentNowNs = nowNs;
        int index = framesOffset;
        boolean closing = false;
        while (index < framesEnd) {
            int type = buffer.getUnsignedByte(index + FrameType.TYPE_OFFSET);
            int bodyLength = buffer.getUnsignedShort(index + FrameType.LENGTH_OFFSET);
            int body = index + FrameType.HEADER_LENGTH;
            if (type == FrameType.EVENT || type == FrameType.SIGNAL) {
                RejectReason content = eventDecoder.decode(buffer, body);
                if (content != RejectReason.NONE) {
                    rejects.increment(content);
                }
                Event event = content == RejectReason.NONE ? eventDecoder.event() : null;
                ReliableReceiver lane = type == FrameType.SIGNAL ? peer.signalReceiver() : peer.receiver();
                if (!lane.onEvent(eventDecoder.sequence(), event, deliverReceived, nowNs)) {
                    rejects.increment(RejectReason.OUT_OF_WINDOW);
                }
            } else if (type == FrameType.FRAGMENT) {
                // PacketReader.check checked the body's own fields; the reassembler judges how it fits its event.
                long sequence = buffer.getUnsignedInt(body + FragmentFrameFlyweight.SEQUENCE_OFFSET);
                switch (peer.receiver().onFragment(sequence, buffer, body, bodyLength, deliverReceived, nowNs)) {
                    case OUT_OF_WINDOW -> rejects.increment(RejectReason.OUT_OF_WINDOW);
                    case REFUSED -> rejects.increment(RejectReason.REASSEMBLY_LIMIT);
                    case TAKEN -> {
                        // Acknowledged with the next flush, like an event.
                    }
                }
            } else if (type == FrameType.ACK || type == FrameType.SIGNAL_ACK) {
                // PacketReader.check checked the body already.
                ackFrame.wrap(buffer, body, bodyLength);
                int ranges = ackFrame.ranges(rangeStarts, rangeEnds);
                (type == FrameType.SIGNAL_ACK ? peer.signalSender() : peer.sender())
                        .onAck(
                                ackFrame.ackedEpoch(),
                                ackFrame.nextExpected(),
                                ackFrame.storedBelow(),
                                TimeUnit.MICROSECONDS.toNanos(ackFrame.ackDelayUs()),
                                rangeStarts,
                                rangeEnds,
                                ranges,
                                nowNs);
            } else if (type == FrameType.PING) {
                pingFrame.wrap(buffer, body, bodyLength);
                peer.liveness().pingReceived(pingFrame.pingId(), pingFrame.transmitClockUs(), nowNs);
            } else if (type == FrameType.PONG) {
                pongFrame.wrap(buffer, body, bodyLength);
                if (peer.pathMtu().onPong(pongFrame.pingId())) {
                    // A path MTU probe arrived whole: later packets and fragments may be as large.
                    peer.sender()
                            .frameLengthMax(peer.pathMtu().datagramLengthMax()
                                    - PacketHeaderFlyweight.SEAL_OVERHEAD
                                    - PacketHeaderFlyweight.HEADER_LENGTH);
                }
                boolean answered = peer.liveness()
                        .pongReceived(
                                pongFrame.pingId(),
                                pongFrame.pingClockUs(),
                                pongFrame.receiveClockUs(),
                                pongFrame.holdTimeUs(),
                                nowNs);
                if (!answered) {
                    rejects.increment(RejectReason.PONG_UNEXPECTED);
                }
            } else if (type == FrameType.CLOSE) {
                closeFrame.wrap(buffer, body, bodyLength);
                closing = true;
            } else if (type == FrameType.MEDIA) {
                onMedia(peer, buffer, body, bodyLength);
            }
            // Optional frame types this version does not know were allowed by PacketReader.check; skip them.
            index = body + bodyLength;
        }
        receivingFrom = null;
        stages.run();
        if (stages.storeFailures() != storeFailuresBefore || refusedForNow() != refusedBefore) {
            // An event of this packet could not be stored, or was refused for a reason that may pass (its author's
            // clock is ahead of this node's, or this node does not know its author as a member yet): Stored Below
            // stays before it for the rest of this epoch, so its sender keeps it (and fails it at its delivery
            // timeout, to send it again from its mailbox later) rather than count it as stored here.
            reliable.holdStored(expectedBefore);
        } else if (journal.durable() && reliable.nextExpected() != expectedBefore) {
            // What this packet delivered is written (or was a duplicate or rejected); once the journal has committed
            // everything up to here, the ACK's Stored Below may pass it.
            long epoch = reliable.epoch();
            long upTo = reliable.nextExpected();
            journal.whenCommitted((ok, committedNs) -> {
                if (ok) {
                    reliable.stored(epoch, upTo, committedNs);
                } else {
                    // The write of what this packet delivered failed: nothing after it may count as stored either.
                    reliable.holdStored();
                }
            });
        }
        if (closing && link != null) {
            // After the packet's other frames: an ACK beside the CLOSE still counts.
            link.closedByPeer(peer, closeFrame.reason());
        }
        return (int) (propagate.delivered() - delivered);
    }

    /** An EVENT body put back together from fragments: decoded and checked as an EVENT frame's would be. */
    private void onReassembled(ByteBuf body) {
        int offset = body.readerIndex();
        if (EventFrameCodec.checkStructure(body, offset, body.readableBytes()) != RejectReason.NONE) {
            rejects.increment(RejectReason.FRAGMENT_MALFORMED);
            return;
        }
        RejectReason content = reassembledDecoder.decode(body, offset);
        if (content != RejectReason.NONE) {
            rejects.increment(content);
            return;
        }
        onReceivedEvent(reassembledDecoder.event());
    }

    private void onReceivedEvent(Event event) {
        receivingFrom.receivedEvent();
        stages.received(event, receivingFrom);
    }

    /** Events refused so far for a reason that may pass: a clock too far ahead, an author not known as a member. */
    private long refusedForNow() {
        return rejects.get(RejectReason.HLC_FUTURE) + rejects.get(RejectReason.NOT_MEMBER);
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
        send(target, EventKind.TEXT, text, nowNs, result);
    }

    /**
     * Sends {@code text} (at most {@link Event#SIGNAL_BYTES_MAX} bytes) as a {@link EventKind#SIGNAL} event on the
     * signal lane: acknowledged and resent like text, but numbered apart from it and sent ahead of whatever the reliable
     * lane has queued, so a full or lossy reliable lane does not delay it. Signed at once, not batched. At most {@link
     * #SIGNAL_QUEUE_MAX} signals wait per peer. The future completes as {@link #sendText}'s does.
     */
    public void sendSignal(SendTarget target, String text, long nowNs, CompletableFuture<SendResult> result) {
        send(target, EventKind.SIGNAL, text, nowNs, result);
    }

    /** Creates an event of {@code kind} and sends it, or fails {@code result} with why it cannot. */
    private void send(
            SendTarget target, EventKind kind, String text, long nowNs, CompletableFuture<SendResult> result) {
        String problem = sendOrExplain(target, kind, text, nowNs, result);
        if (problem != null) {
            result.completeExceptionally(new SendException(problem));
        }
    }

    /** Sends, or returns why it cannot. */
    private String sendOrExplain(
            SendTarget target, EventKind kind, String text, long nowNs, CompletableFuture<SendResult> result) {
        Session session;
        List<Peer> recipients;
        if (target.session() != null) {
            session = sessions.byName(target.session());
            if (session == null || session.id().isDirect()) {
                return ("no session named '" + target.session() + "' (this node has: " + sessionNames() + ")");
            }
            recipients = session.members();
            if (recipients.isEmpty() && session.membership() == null) {
                // A created session may hold this node alone for now: the message is kept and shown here, and
                // members who join later get it by anti-entropy.
                return ("session '" + session.name() + "' has no members to send to");
            }
        } else {
            Peer peer = peers.byName(target.peer());
            if (peer == null) {
                peer = sessionLayer.revive(target.peer());
            }
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
        return queueLocal(session, recipients, kind, text, nowNs, result);
    }

    /**
     * Creates this node's event of {@code kind} in {@code session} for {@code recipients} and queues it for signing,
     * or returns why it cannot (a busy lane, refused content, a failed journal).
     */
    String queueLocal(
            Session session,
            List<Peer> recipients,
            EventKind kind,
            String text,
            long nowNs,
            CompletableFuture<SendResult> result) {
        for (Peer recipient : recipients) {
            if (kind == EventKind.SIGNAL) {
                int waiting = recipient.signalSender().queued();
                if (waiting >= SIGNAL_QUEUE_MAX) {
                    return ("busy: " + waiting + " signals are waiting for " + recipient.label()
                            + " to acknowledge them");
                }
                continue;
            }
            int waiting = recipient.sender().queued() + unsignedFor(recipient);
            if (waiting >= limits.sendQueueMax() && !skipsBusy(session, kind, recipients)) {
                return ("busy: " + waiting + " messages are waiting for " + recipient.label() + " to acknowledge them");
            }
        }
        // In a created session one slow member does not hold up the others: its full lane is passed over, and it
        // gets the message from the session's anti-entropy once it has caught up.
        List<Peer> busy = List.of();
        if (skipsBusy(session, kind, recipients)) {
            List<Peer> ready = new ArrayList<>(recipients.size());
            busy = new ArrayList<>();
            for (Peer recipient : recipients) {
                boolean full = recipient.sender().queued() + unsignedFor(recipient) >= limits.sendQueueMax();
                (full ? busy : ready).add(recipient);
            }
            if (ready.isEmpty()) {
                return ("busy: every member's lane is full (" + limits.sendQueueMax() + " messages waiting for each)");
            }
            recipients = ready;
        }
        long hlc = clock.now(nowNs / 1_000_000L);
        Event event = new Event(EventId.ordered(hlc, random), session.id(), self, name, hlc, kind, text);
        RejectReason content = validate.checkContent(event);
        if (content != RejectReason.NONE) {
            return describeLocal(content, text, limits.textBytesMax());
        }
        boolean durable = journal.durable() && kind.numbered();
        if (durable && journal.failure() != null) {
            return journal.failure();
        }
        if (kind.numbered() && !session.id().isDirect()) {
            // Numbered only now that nothing can refuse it: a number taken by an event that never left would be a
            // gap the members' anti-entropy looks for forever.
            long counter = session.nextOwnCounter(self);
            if (counter == 0) {
                return ("this node has sent " + Event.COUNTER_MAX + " messages in session '" + session.name()
                        + "', as many as events can number");
            }
            event = event.withCounter(counter);
        }
        PendingSend pending =
                new PendingSend(event.id(), recipients.size() + busy.size(), durable, result, durable ? journal : null);
        for (Peer skipped : busy) {
            pending.failed(
                    skipped.label(),
                    "busy: " + limits.sendQueueMax() + " messages are waiting for " + skipped.label()
                            + "; it gets this one from the session once it has caught up");
        }
        if (link == null) {
            currentNowNs = nowNs;
            stages.local(event, recipients, pending, result);
            stages.run(durable ? () -> afterLocalCommit(List.of(pending)) : null);
            return null;
        }
        unsigned.add(new LocalSend(event, recipients, pending, result, nowNs));
        if (kind == EventKind.SIGNAL || unsigned.size() >= BatchSigner.BATCH_MAX) {
            // A signal does not wait to share a signature: it is meant to overtake what is queued.
            signPending(nowNs);
        }
        return null;
    }

    /**
     * Whether a text or state change to {@code session} passes over members whose lanes are full: created sessions
     * with others.
     */
    private static boolean skipsBusy(Session session, EventKind kind, List<Peer> recipients) {
        return kind.numbered() && session.membership() != null && recipients.size() > 1;
    }

    /** This node's events for {@code peer} that wait for their signature (at most a batch). */
    private int unsignedFor(Peer peer) {
        int count = 0;
        for (LocalSend send : unsigned) {
            if (send.recipients().contains(peer)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Signs this node's waiting events as one batch (one Ed25519 signature over their Merkle root) and passes them to
     * the stages, which queue them on their recipients' lanes.
     */
    private void signPending(long nowNs) {
        if (unsigned.isEmpty()) {
            return;
        }
        List<byte[]> messages = new ArrayList<>(unsigned.size());
        for (LocalSend send : unsigned) {
            messages.add(EventFrameCodec.signedBytes(send.event()));
        }
        EventProof[] proofs = BatchSigner.sign(identity, messages);
        batchesSigned++;
        currentNowNs = nowNs;
        List<PendingSend> durable = new ArrayList<>();
        for (int i = 0; i < proofs.length; i++) {
            LocalSend send = unsigned.get(i);
            stages.local(send.event().withProof(proofs[i]), send.recipients(), send.pending(), send.result());
            if (journal.durable() && send.event().kind().numbered()) {
                durable.add(send.pending());
            }
        }
        unsigned.clear();
        // After the stages appended them to the journal (later, when this runs inside a stage's cycle).
        stages.run(durable.isEmpty() ? null : () -> afterLocalCommit(durable));
    }

    /** Reports this node's commit of its own events to their sends, once the journal has written them. */
    private void afterLocalCommit(List<PendingSend> pendings) {
        journal.whenCommitted((ok, committedNs) -> {
            for (PendingSend pending : pendings) {
                if (ok) {
                    pending.stored();
                } else {
                    String why = journal.failure();
                    pending.storeFailed(why != null ? why : "this node could not store the message");
                }
            }
        });
    }

    /**
     * Takes back what this node stored before it restarted: {@code seenIds} (most recent last) count as seen, so a
     * copy a peer sends again is a duplicate and is not shown twice; {@code history} (oldest first) refills the
     * sessions' logs and the backlog that {@code elara tail} starts from. Events of sessions this node no longer has
     * are skipped. The clock goes on after the newest event of {@code history}. Call before the node takes traffic.
     * Loop thread.
     */
    public void restore(List<EventId> seenIds, List<Event> history) {
        for (EventId id : seenIds) {
            validate.remember(id);
        }
        for (Event event : history) {
            // The clock goes on after what this node said and heard before: a clock set back while it was down must
            // not date its new events (or presence) before its old ones.
            clock.restore(event.hlc());
            Session session = sessions.byId(event.session());
            if (session == null || !event.kind().numbered()) {
                continue;
            }
            validate.remember(event.id());
            if (session.insert(event)) {
                boolean local = event.author().equals(self);
                propagate.restore(new DeliveredEvent(event, session.name(), local, null));
            }
        }
    }

    /**
     * Membership operations sent since start to members: {as whole memberships (to a joiner, at first contact, or when
     * a member lacked an older one), only the ones newer than a member's newest}. For tests and benchmarks.
     */
    long[] membershipOpsSent() {
        return sessionLayer.opsSent();
    }

    /**
     * Takes back which numbered events of {@code sessionId} the database holds ({@code stored}), beyond the recent ones
     * {@link #restore} puts back in memory: what this node's syncs list, and where its own numbering goes on. Call
     * before the node takes traffic. Loop thread.
     */
    public void restoreHeld(SessionId sessionId, io.elara.node.session.HeldEvents stored) {
        Session session = sessions.byId(sessionId);
        if (session != null) {
            session.held().addAll(stored);
        }
    }

    /**
     * Takes back the shared state (presence, topic) of {@code sessionId} the database holds. Call before the node
     * takes traffic. Loop thread.
     */
    public void restoreState(SessionId sessionId, io.elara.crdt.register.LwwMap<String, String> stored) {
        Session session = sessions.byId(sessionId);
        if (session != null) {
            session.state().restore(stored);
        }
        for (io.elara.crdt.register.LwwRegister<String> entry : stored.entries().values()) {
            clock.restore(entry.hlc());
        }
    }

    /**
     * Sends again, at start, this node's own events that a recipient had not yet reported stored when the node last
     * stopped (its mailbox): each {@code (event, destination)} goes on that peer's lane as it was signed. A destination
     * that names no configured peer and no address is skipped. Returns how many were queued. Loop thread.
     */
    public int resend(List<EventJournal.Undelivered> undelivered, long nowNs) {
        int queued = 0;
        for (EventJournal.Undelivered entry : undelivered) {
            Peer peer = peers.byName(entry.destination());
            if (peer == null) {
                try {
                    peer = peers.admit(Addresses.parse(entry.destination(), false), nowNs);
                } catch (IllegalArgumentException e) {
                    peer = null;
                }
            }
            if (peer == null) {
                continue;
            }
            Event event = entry.event();
            if (peer.senderFor(event).holds(event.id())) {
                continue; // still on its way
            }
            PendingSend receipt = new PendingSend(event.id(), 1, false, new CompletableFuture<>(), journal);
            peer.senderFor(event).enqueue(event, receipt, nowNs);
            queued++;
        }
        return queued;
    }

    /**
     * Makes new events durable in {@code eventJournal}: from now on a received event counts as stored at the sender
     * only once the journal has committed it, and this node's own sends complete only once it is committed here. Set
     * before the node takes traffic. Loop thread.
     */
    public void journal(EventJournal eventJournal) {
        this.journal = eventJournal;
        stages.journal(eventJournal);
    }

    /** Hands a finished packet to the wire: sealed in the peer's session, or as it is without protection. */
    private int transmit(Peer peer, ByteBuf packet) {
        if (link != null) {
            return link.seal(peer, packet, currentNowNs);
        }
        int length = packet.readableBytes();
        outbox.send(packet, peer.address());
        return length;
    }

    /**
     * Tests only: queues {@code event} exactly as it is (no signature added, none checked) on the lane to the peer at
     * {@code address}, as a faulty or hostile node would send it. The future completes when the peer acknowledges the
     * frame, which it does whether or not it accepts the event.
     */
    CompletableFuture<SendResult> sendAsIs(InetSocketAddress address, Event event, long nowNs) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        Peer peer = peers.admit(address, nowNs);
        if (peer == null) {
            result.completeExceptionally(new SendException("too many peers"));
            return result;
        }
        peer.sender().enqueue(event, new PendingSend(event.id(), 1, result), nowNs);
        return result;
    }

    /** A local event's refusal by VALIDATE, in words for the user. */
    static String describeLocal(RejectReason reason, String text, int textBytesMax) {
        return switch (reason) {
            case TEXT_EMPTY -> "the message is empty";
            case SIGNAL_TOO_LONG ->
                "the signal is " + ByteBufUtil.utf8Bytes(text) + " bytes; the signal lane carries at most "
                        + Event.SIGNAL_BYTES_MAX + " bytes of UTF-8";
            case TEXT_TOO_LONG ->
                "the message is " + ByteBufUtil.utf8Bytes(text) + " bytes; the limit is " + textBytesMax
                        + " bytes of UTF-8";
            case TEXT_CONTROL -> "the message contains control characters (terminal escapes are not sent)";
            case STATE_INVALID ->
                "'" + text + "' is not a state change: KEY=VALUE with a key of a-z, 0-9 and '-' and a one-line value of"
                        + " at most " + SessionState.VALUE_BYTES_MAX + " bytes";
            default -> "the message was refused: " + reason.description();
        };
    }

    /**
     * Sends what is due at {@code nowNs}: acknowledgements, PONGs, new events, retransmissions, keepalive PINGs to
     * peers quiet for {@link Liveness#KEEPALIVE_INTERVAL_NS}; closes the sessions of peers silent for {@link
     * Liveness#IDLE_TIMEOUT_NS}; fails events whose delivery timeout passed; forgets idle unknown peers. Drivers call
     * it after each batch of input and when the deadline from {@link #nextDeadlineNs} arrives.
     */
    public void flush(long nowNs) {
        if (signNow(nowNs)) {
            signPending(nowNs);
        }
        if (journal.durable() && nextMailboxCheckNs == Long.MIN_VALUE) {
            nextMailboxCheckNs = nowNs + MAILBOX_CHECK_NS; // at start the node sent its mailbox already
        } else if (journal.durable() && nowNs >= nextMailboxCheckNs) {
            // Store-and-forward: what a lane gave up on (its peer was away past the delivery timeout) waits in the
            // mailbox; every so often it goes again, so a peer that returns gets it.
            nextMailboxCheckNs = nowNs + MAILBOX_CHECK_NS;
            journal.undelivered(MAILBOX_RESENT_MAX, entries -> {
                resend(entries, currentNowNs);
                if (entries.size() >= MAILBOX_RESENT_MAX) {
                    // More waits behind this page: look again soon, so that a peer back from a long absence drains
                    // at the speed of its lane rather than a page per check.
                    nextMailboxCheckNs = Math.min(nextMailboxCheckNs, currentNowNs + MAILBOX_NEXT_PAGE_NS);
                }
            });
        }
        currentNowNs = nowNs;
        journal.tick(nowNs);
        if (reflexive.enabled()) {
            reflexive.flush(nowNs, this::sendStun);
        }
        if (turn != null) {
            turn.flush(nowNs, this::sendStun);
        }
        sessionLayer.tick(nowNs);
        mediaQuality.tick(nowNs);
        if (signNow(nowNs)) {
            signPending(nowNs); // what the session layer queued
        }
        if (link != null) {
            link.onTimer(nowNs);
        }
        for (Peer peer : peers.all()) {
            ReliableSender sender = peer.sender();
            sender.expire(nowNs, deliveryTimeoutNs);
            ReliableSender signals = peer.signalSender();
            signals.expire(nowNs, deliveryTimeoutNs);
            ReliableReceiver receiver = peer.receiver();
            ReliableReceiver signalReceiver = peer.signalReceiver();
            Liveness liveness = peer.liveness();
            boolean keepalive = false;
            if (link != null && peer.session() != null) {
                long createdNs = peer.session().createdNs();
                if (nowNs >= liveness.idleDeadlineNs(createdNs)) {
                    link.closeIdle(peer); // presumed gone; a later send dials again
                } else if (keepsAlive(peer)) {
                    boolean probing = nowNs >= liveness.probeDeadlineNs(createdNs);
                    keepalive = nowNs >= liveness.keepaliveDeadlineNs(createdNs)
                            || liveness.pingRequested()
                            || (probing && nowNs >= liveness.probePingDeadlineNs());
                    if (probing && nowNs >= liveness.indirectDueNs()) {
                        sessionLayer.requestProbes(peer, nowNs);
                    }
                } else {
                    keepalive = liveness.pingRequested();
                }
            } else if (link != null
                    && keepsAlive(peer)
                    && liveness.probedWhileIdle(nowNs)
                    && nowNs >= liveness.indirectDueNs()) {
                // Closed for silence, and perhaps only the path between these two nodes failed: other members may
                // still hear the peer, and say so.
                sessionLayer.requestProbes(peer, nowNs);
            }
            boolean wanted =
                    peer.queued() > 0 || receiver.ackPending() || signalReceiver.ackPending() || liveness.pongDue();
            if (link != null && !link.ready(peer, wanted, nowNs)) {
                continue; // a handshake is under way (or failed and emptied the lane); frames wait in the lane
            }
            writer.begin(peer, nowNs);
            try {
                if (receiver.ackPending()) {
                    int ranges = receiver.ackRanges(rangeStarts, rangeEnds, AckFrameFlyweight.RANGE_COUNT_MAX);
                    writer.ack(
                            receiver.epoch(),
                            receiver.nextExpected(),
                            receiver.storedBelow(),
                            TimeUnit.NANOSECONDS.toMicros(receiver.ackDelayNs(nowNs)),
                            rangeStarts,
                            rangeEnds,
                            ranges);
                    receiver.ackSent();
                }
                if (signalReceiver.ackPending()) {
                    int ranges = signalReceiver.ackRanges(rangeStarts, rangeEnds, AckFrameFlyweight.RANGE_COUNT_MAX);
                    writer.signalAck(
                            signalReceiver.epoch(),
                            signalReceiver.nextExpected(),
                            TimeUnit.NANOSECONDS.toMicros(signalReceiver.ackDelayNs(nowNs)),
                            rangeStarts,
                            rangeEnds,
                            ranges);
                    signalReceiver.ackSent();
                }
                if (liveness.pongDue()) {
                    writer.pong(
                            liveness.pongPingId(),
                            liveness.pongPingClockUs(),
                            liveness.pongReceiveClockUs(),
                            liveness.pongHoldUs(nowNs));
                    liveness.pongSent();
                }
                if (sender.consecutiveProbeTimeouts() >= PathMtu.BLACK_HOLE_PROBE_TIMEOUTS
                        && peer.pathMtu().onBlackHole()) {
                    // RFC 8899 §4.3: the path may have stopped carrying the confirmed size. Fall back to 1,200 and
                    // send everything unacknowledged again, renumbered and cut to fit, in a new lane generation.
                    // Three probe timeouts in a row are also what a congested link losing half its packets
                    // looks like, so the lane is renumbered only when it holds frames too long for the smaller
                    // size: a chat's short texts go on in their epoch, with their round-trip estimate, instead of
                    // starting over from the first sequence and the initial timeout.
                    sender.frameLengthMax(ReliableSender.FRAME_LENGTH_MAX_DEFAULT);
                    if (!sender.fitsFrameLengthMax() || !signals.fitsFrameLengthMax()) {
                        peer.resetLanes();
                    }
                    writer.finish(); // the packet being filled may be longer than the new size, or of the old epoch
                    writer.begin(peer, nowNs);
                }
                long transmissions = sender.transmissions() + signals.transmissions();
                peer.mediaSender().release(nowNs, sender.congestion()); // media whose hold is over frees the window
                // Signals first, ahead of whatever the reliable lane has queued: they have a window of their own, so
                // a reliable lane that is full or paced does not hold them back.
                signals.collectDue(nowNs, writer.signalSink());
                sender.collectDue(nowNs, writer);
                // Media after the reliable lane's frames, in the same packets, in what room the shared window has left.
                peer.mediaSender().collectDue(nowNs, writer, sender.congestion(), sender.srttNs());
                boolean pinged = false;
                if (keepalive && !writer.filling()) {
                    // Alone in its packet: a receiver older than PING drops that packet only (frame_type).
                    long pingId = liveness.pingSent(nowNs);
                    writer.ping(pingId, liveness.awaitedPingClockUs());
                    pinged = true;
                }
                writer.finish();
                if (sender.transmissions() + signals.transmissions() != transmissions) {
                    peer.expectAnswer(nowNs);
                }
                // Probed: the peers this node keeps paths open to, in a flush that sent no keepalive PING (one PING
                // awaits its PONG at a time).
                int probeLength = link != null && peer.session() != null && keepsAlive(peer) && !pinged
                        ? peer.pathMtu().probeDue(nowNs)
                        : 0;
                if (probeLength > 0) {
                    // RFC 8899 §4.1: a probe is a PING padded to the size tested, alone in its datagram. Liveness
                    // awaits it as any PING, so its PONG also samples round-trip time and clock offset.
                    long pingId = liveness.pingSent(nowNs);
                    peer.pathMtu().probeSent(pingId, nowNs);
                    writer.probe(pingId, liveness.awaitedPingClockUs(), probeLength);
                }
            } finally {
                writer.abort();
            }
        }
        peers.forgetIdle(nowNs);
    }

    /**
     * Whether the waiting local events are signed at this flush. Yes when a lane they go to has room for them now; no
     * while every such lane already holds a window's worth, since they could not leave before an acknowledgement makes
     * room anyway. Waiting then gathers them into larger batches, and a receiver verifies one signature per batch: under
     * load that, not the link, bounds how many events per second a receiver takes (measured with {@code elara bench
     * throughput}: three events per signature when every flush signed, up to 64 with this).
     */
    private boolean signNow(long nowNs) {
        if (unsigned.isEmpty()) {
            return false;
        }
        if (nowNs - unsigned.get(0).queuedNs() >= SIGN_DEFER_NS_MAX) {
            return true;
        }
        for (LocalSend send : unsigned) {
            for (Peer recipient : send.recipients()) {
                if (recipient.sender().hasRoom()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** When {@link #flush} next has work, or {@link Long#MAX_VALUE} if nothing is pending. */
    public long nextDeadlineNs(long nowNs) {
        long mailbox =
                !journal.durable() ? Long.MAX_VALUE : nextMailboxCheckNs == Long.MIN_VALUE ? nowNs : nextMailboxCheckNs;
        return Math.min(mailbox, nextDeadlineNsWithoutMailbox(nowNs));
    }

    private long nextDeadlineNsWithoutMailbox(long nowNs) {
        if (!unsigned.isEmpty()) {
            if (signNow(nowNs)) {
                return nowNs;
            }
            // Otherwise an acknowledgement making room arrives as a datagram, and flush follows every datagram batch.
        }
        long next = Math.min(peers.nextForgetNs(), sessionLayer.nextDeadlineNs());
        next = Math.min(next, mediaQuality.nextDeadlineNs());
        next = Math.min(next, reflexive.nextDeadlineNs());
        if (turn != null) {
            next = Math.min(next, turn.nextDeadlineNs());
        }
        if (!unsigned.isEmpty()) {
            next = Math.min(next, unsigned.get(0).queuedNs() + SIGN_DEFER_NS_MAX);
        }
        if (link != null) {
            next = Math.min(next, link.nextDeadlineNs());
        }
        for (Peer peer : peers.all()) {
            ReliableSender sender = peer.sender();
            ReliableSender signals = peer.signalSender();
            boolean sendable = link == null || peer.session() != null;
            if (!sendable) {
                if (peer.queued() > 0 && !peer.dialing()) {
                    return nowNs; // flush dials it
                }
                if (link != null && keepsAlive(peer) && peer.liveness().probedWhileIdle(nowNs)) {
                    next = Math.min(next, Math.max(nowNs, peer.liveness().indirectDueNs()));
                }
            } else if (peer.receiver().ackPending()
                    || peer.signalReceiver().ackPending()
                    || peer.liveness().pongDue()) {
                return nowNs;
            } else {
                next = Math.min(next, sender.nextDueNs(nowNs));
                next = Math.min(next, signals.nextDueNs(nowNs));
                next = Math.min(next, peer.mediaSender().nextDueNs(nowNs, sender.congestion()));
                if (link != null) {
                    next = Math.min(next, SecureLink.redialDeadlineNs(peer));
                    // Flush sends the PING or closes the session, so each deadline moves on once reached.
                    long createdNs = peer.session().createdNs();
                    Liveness liveness = peer.liveness();
                    if (liveness.pingRequested()) {
                        return nowNs;
                    }
                    if (keepsAlive(peer)) {
                        next = Math.min(next, liveness.keepaliveDeadlineNs(createdNs));
                        long probeNs = liveness.probeDeadlineNs(createdNs);
                        if (nowNs < probeNs) {
                            next = Math.min(next, probeNs);
                        } else {
                            next = Math.min(next, Math.max(liveness.probePingDeadlineNs(), probeNs));
                            next = Math.min(next, Math.max(liveness.indirectDueNs(), probeNs));
                        }
                    }
                    next = Math.min(next, peer.liveness().idleDeadlineNs(createdNs));
                    if (keepsAlive(peer)) {
                        next = Math.min(next, peer.pathMtu().nextProbeNs());
                    }
                }
            }
            long oldest = Math.min(sender.oldestQueuedNs(), signals.oldestQueuedNs());
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

    // ---------------------------------------------------------------- created and joined sessions

    /** Creates session {@code sessionName}, with this node as its creator and only member; returns its id. */
    public SessionId createSession(String sessionName, long nowNs) throws SendException {
        requireProtection();
        return sessionLayer.create(sessionName, nowNs);
    }

    /**
     * A signed invite to session {@code sessionName} in its text form.
     *
     * @param uses how many nodes may join with it; 0 for no limit
     * @param expiresAtMs when it expires, in milliseconds since the Unix epoch
     * @param addresses where this node can be reached (the first is the one a joiner dials)
     */
    public String invite(String sessionName, int uses, long expiresAtMs, List<InetSocketAddress> addresses, long nowNs)
            throws SendException {
        requireProtection();
        return sessionLayer
                .invite(sessionName, uses, expiresAtMs, addresses, nowNs)
                .text();
    }

    /** Public addresses of connected members of session {@code name}, at most {@code max}, for invites. */
    public List<InetSocketAddress> reachableMembers(String sessionName, int max) {
        return sessionLayer.reachableMembers(sessionName, max);
    }

    /**
     * Joins with invite {@code token}; {@code done} completes with the session's name once this node is a member, or
     * fails with the reason.
     *
     * @param localName what to call the session here; null for the name in the invite
     */
    public void join(String token, String localName, long nowNs, CompletableFuture<String> done) throws SendException {
        requireProtection();
        sessionLayer.join(token, localName, nowNs, done);
    }

    /** Leaves created-or-joined session {@code sessionName}. */
    public void leaveSession(String sessionName, long nowNs) throws SendException {
        sessionLayer.leave(sessionName, nowNs);
    }

    /** Removes {@code member} (a peer name, display name or node id) from {@code sessionName}; bars it if {@code ban}. */
    public void removeMember(String sessionName, String member, boolean ban, long nowNs) throws SendException {
        sessionLayer.remove(sessionName, member, ban, nowNs);
    }

    /** The sessions this node is in, with their members. */
    public List<SessionInfo> sessionList() {
        return sessionList(currentNowNs);
    }

    /** The time of the latest input or flush, on the core's clock. */
    long nowNs() {
        return currentNowNs;
    }

    /** The sessions this node is in, with their members as they stand at {@code nowNs}. */
    public List<SessionInfo> sessionList(long nowNs) {
        List<SessionInfo> infos = new ArrayList<>();
        for (SessionLayer.Info info : sessionLayer.list(nowNs)) {
            List<SessionInfo.Member> members = new ArrayList<>();
            for (SessionLayer.Member member : info.members()) {
                members.add(new SessionInfo.Member(
                        member.name(),
                        member.nodeId(),
                        member.self(),
                        member.connected(),
                        member.neighbour(),
                        member.presence(),
                        member.liveness(),
                        member.vouchedBy(),
                        member.lastSeenAgoMs()));
            }
            infos.add(new SessionInfo(
                    info.name(),
                    info.id().toString(),
                    info.kind(),
                    info.creator(),
                    info.propagation(),
                    info.topic(),
                    members));
        }
        return infos;
    }

    /**
     * Sets {@code key} to {@code value} in session {@code sessionName}'s shared state (an empty value clears it), as a
     * signed {@link EventKind#STATE} event sent to the members like text: stored first, repaired by anti-entropy for a
     * member that missed it. {@code result} completes as {@link #sendText}'s does; it fails at once with the reason
     * when the change cannot be made (no such session, a malformed key or value).
     */
    public void setState(
            String sessionName, String key, String value, long nowNs, CompletableFuture<SendResult> result) {
        Session session = sessions.byName(sessionName);
        String problem;
        if (session == null || session.id().isDirect()) {
            problem = "no session named '" + sessionName + "' (this node has: " + sessionNames() + ")";
        } else if (!SessionState.validKey(key)) {
            problem = "'" + key + "' is not a state key: 1 to " + SessionState.KEY_LENGTH_MAX
                    + " characters of a-z, 0-9 and '-', starting with a letter";
        } else {
            problem = queueLocal(session, session.members(), EventKind.STATE, key + "=" + value, nowNs, result);
        }
        if (problem != null) {
            result.completeExceptionally(new SendException(problem));
        }
    }

    /** Sessions this node is no longer in, and why (left, removed by the creator, banned), by name. */
    public Map<String, String> endedSessions() {
        return sessionLayer.ended();
    }

    /** Received events this node passed on to overlay neighbours (copies, one per neighbour). */
    public long eventsForwarded() {
        return sessionLayer.eventsForwarded();
    }

    /** Closes the secure session with {@code peer}, if any, as for a peer gone quiet: a later send dials again. */
    void closeSessionWith(Peer peer) {
        if (link != null) {
            link.closeIdle(peer);
        }
    }

    /** Member peers forgotten because no session needed them any more (made again on demand). */
    public long peersRetired() {
        return sessionLayer.peersRetired();
    }

    /** Copies not passed on to an overlay neighbour because its lane was full (anti-entropy brings them later). */
    public long forwardsSkipped() {
        return sessionLayer.forwardsSkipped();
    }

    /**
     * Takes back, at start, the created and joined sessions this node was in ({@code (id, name, membership snapshot)})
     * and the peers of their members ({@code (id, peer name, address)}). Call before {@link #restore}, before the node
     * takes traffic. Loop thread.
     */
    public void restoreSessions(List<SessionLayer.SavedSession> saved, List<SessionLayer.SavedPeer> savedPeers) {
        sessionLayer.restore(saved, savedPeers);
    }

    private void requireProtection() throws SendException {
        if (link == null) {
            throw new SendException("sessions with members need a node with protection on");
        }
    }

    SessionTable sessions() {
        return sessions;
    }

    PeerTable peers() {
        return peers;
    }

    Identity identity() {
        return identity;
    }

    SecureRandom secureRandom() {
        return secureRandom;
    }

    Limits limits() {
        return limits;
    }

    EventJournal journal() {
        return journal;
    }

    /** The time of the input being handled: what a callback from the journal runs at. */
    long currentNowNs() {
        return currentNowNs;
    }

    /** This node's hybrid logical clock at {@code nowNs}, advanced. */
    long hlcNow(long nowNs) {
        return clock.now(nowNs / 1_000_000L);
    }

    /**
     * Queues {@code event}, another node's as it signed it, on {@code peer}'s lane: a member passing on what another
     * missed. False when the lane holds it already or is full.
     */
    boolean relay(Peer peer, Event event, long nowNs) {
        ReliableSender sender = peer.senderFor(event);
        if (sender.holds(event.id()) || sender.queued() >= limits.sendQueueMax()) {
            return false;
        }
        sender.enqueue(event, SendReceipt.NONE, nowNs);
        return true;
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
        peers.configure(peerName, address, ExpectedPeer.anyone());
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

    /** Bytes held for reassembly now, by every peer: partial events and fragments held out of order. */
    public long reassemblyBytes() {
        return peers.reassembly().bytes();
    }

    /** Tests only: path MTU discovery towards the peer named {@code peerName}, or null. */
    PathMtu pathMtu(String peerName) {
        Peer peer = peers.byName(peerName);
        return peer == null ? null : peer.pathMtu();
    }

    /** Tests only: the epoch of the reliable lane towards the peer named {@code peerName}; it moves on a renumbering. */
    long laneEpoch(String peerName) {
        return peers.byName(peerName).sender().epoch();
    }

    /** A snapshot for {@code elara status} and tests. */
    public NodeStatus status(long nowNs) {
        List<NodeStatus.PeerStatus> peerStatus = new ArrayList<>();
        for (Peer peer : peers.all()) {
            ReliableSender sender = peer.sender();
            Liveness liveness = peer.liveness();
            double rttMs;
            if (sender.srttNs() != 0) {
                rttMs = sender.srttNs() / 1e6;
            } else if (liveness.rttNs() >= 0) {
                rttMs = liveness.rttNs() / 1e6;
            } else {
                rttMs = -1;
            }
            peerStatus.add(new NodeStatus.PeerStatus(
                    peer.label(),
                    Peer.format(peer.address()),
                    peer.configuredName() != null,
                    peer.lastHeardNs() == Long.MIN_VALUE
                            ? -1
                            : TimeUnit.NANOSECONDS.toMillis(nowNs - peer.lastHeardNs()),
                    rttMs,
                    liveness.clockSamples() == 0 ? null : Double.valueOf(liveness.clockOffsetUs() / 1e3),
                    peer.queued(),
                    sender.transmissions() + peer.signalSender().transmissions(),
                    sender.retransmissions() + peer.signalSender().retransmissions(),
                    peer.eventsIn(),
                    peer.provenId() == null ? null : peer.provenId().toString(),
                    link == null ? "off" : secureState(peer, nowNs),
                    peer.migrations(),
                    peer.pathMtu().datagramLengthMax(),
                    path(peer),
                    sender.srttNs() != 0 ? sender.rttVarianceNs() / 1e6 : -1,
                    mediaQuality.levelOf(peer).label(),
                    mediaQuality.lossPercent(peer, nowNs),
                    mediaQuality.receivedKbps(peer, nowNs)));
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
                propagate.subscribers(),
                sessionLayer.eventsForwarded(),
                sessionLayer.forwardsSkipped(),
                sessionLayer.eventsRelayed(),
                sessionLayer.peersRetired(),
                stunAnswered,
                journal.mailboxDepth(),
                journal.writesPending());
        Map<String, Long> rejected = new LinkedHashMap<>();
        rejects.snapshot().forEach((reason, count) -> rejected.put(reason.label(), count));
        // What the membership refused, by its own labels (each is also one of the session_control count above).
        sessionLayer.refusals().forEach((reason, count) -> rejected.put(reason.label(), count));
        NodeStatus.Security security;
        if (link == null) {
            security = new NodeStatus.Security(false, 0, 0, 0, false, 0, 0);
        } else {
            SecureEndpoint endpoint = link.endpoint();
            for (SecureReject reason : SecureReject.values()) {
                long count = endpoint.rejects(reason);
                if (reason != SecureReject.NONE && count != 0) {
                    rejected.put(reason.label(), count);
                }
            }
            security = new NodeStatus.Security(
                    true,
                    endpoint.sessionCount(),
                    endpoint.pendingHandshakes(),
                    endpoint.handshakesCompleted(),
                    endpoint.underLoad(nowNs),
                    batchesSigned,
                    validate.signatureChecks());
        }
        List<String> mapped = new ArrayList<>();
        for (InetSocketAddress address : reflexive.addresses()) {
            mapped.add(Peer.format(address));
        }
        String relayed = null;
        if (turn != null) {
            InetSocketAddress address = turn.relayed();
            relayed = address != null
                    ? Peer.format(address)
                    : "none: " + (turn.problem() == null ? "allocating" : turn.problem());
        }
        List<NodeStatus.KindTraffic> kinds = new ArrayList<>();
        long[][] byKind = traffic.snapshot();
        for (int i = 0; i < Traffic.KINDS.length; i++) {
            kinds.add(new NodeStatus.KindTraffic(
                    Traffic.KINDS[i], byKind[i][0], byKind[i][1], byKind[i][2], byKind[i][3]));
        }
        return new NodeStatus(
                name,
                self.toString(),
                null,
                peerStatus,
                sessionStatus,
                counters,
                rejected,
                security,
                mapped,
                relayed,
                kinds,
                new NodeStatus.Media(
                        mediaQuality.level().label(),
                        mediaQuality.level().rung(),
                        mediaQuality.reason(),
                        mediaQuality.changes()));
    }

    /**
     * Whether this node sends keepalive PINGs to {@code peer}: to the peers in its config (or added as if they were),
     * whose paths it wants to keep open. A peer that contacted this node on its own is answered (PONG) but not pinged,
     * so that two strangers that once exchanged a message fall silent and forget each other ({@link
     * PeerTable#IDLE_NS}) unless one of them keeps the other in its config.
     */
    private static boolean keepsAlive(Peer peer) {
        return peer.configuredName() != null;
    }

    /** Tests only: the PING, PONG and keepalive state of the peer named {@code peerName}, or null. */
    Liveness liveness(String peerName) {
        Peer peer = peers.byName(peerName);
        return peer == null ? null : peer.liveness();
    }

    /**
     * A peer's secure session, in a word: {@code up}, {@code dialing}, {@code failed: ...}, {@code idle} (closed after
     * the peer's silence) or {@code none}.
     */
    private static String secureState(Peer peer, long nowNs) {
        if (peer.session() != null && !peer.session().expired(nowNs)) {
            return "up";
        }
        if (peer.dialing()) {
            return "dialing";
        }
        if (peer.lastFailure() != SecureReject.NONE) {
            return "failed: " + peer.lastFailure().description();
        }
        if (peer.closedReason() != null) {
            return "closed: " + peer.closedReason();
        }
        if (peer.liveness().idle()) {
            return "idle";
        }
        return "none";
    }

    // ---- The latency-first lane (media): MEDIA frames in, sendMedia out. Media is not an Event and skips the stages.

    /** Media listeners at most. */
    static final int MEDIA_LISTENERS_MAX = 8;

    /**
     * Queues a media frame for {@code peerName} on stream {@code streamId}: the readable bytes of {@code payload}
     * (copied; the caller keeps and releases the buffer), useful for {@code ageBudgetUs} from now. It leaves at the next
     * flush the peer's congestion window allows, never again, and is dropped if its budget runs out first. Media needs
     * an established secure session (it does not dial: a call is agreed over the reliable lane first). Loop thread.
     */
    public MediaSendResult sendMedia(
            String peerName, int streamId, TrafficClass cls, ByteBuf payload, long ageBudgetUs, long nowNs) {
        Peer peer = peers.byName(peerName);
        if (peer == null) {
            return MediaSendResult.NO_PEER;
        }
        if (link != null && peer.session() == null) {
            return MediaSendResult.NO_SESSION;
        }
        if (ageBudgetUs <= 0 || ageBudgetUs > MediaFrameFlyweight.AGE_BUDGET_US_MAX) {
            return MediaSendResult.AGE_BUDGET_INVALID;
        }
        if (!mediaQuality.allows(peer, cls)) {
            return MediaSendResult.DEGRADED;
        }
        return peer.mediaSender().enqueue(streamId, cls, payload, TimeUnit.MICROSECONDS.toNanos(ageBudgetUs), nowNs);
    }

    /** The session layer (its control messages), for {@link MediaQuality}. */
    SessionLayer sessionLayer() {
        return sessionLayer;
    }

    MediaQuality mediaQuality() {
        return mediaQuality;
    }

    PeerTable peerTable() {
        return peers;
    }

    /** Whether {@code peer} can carry media now: it has a secure session (or the core runs without protection). */
    boolean linkUp(Peer peer) {
        return link == null || peer.session() != null;
    }

    /** The degradation level of the media this node sends the peer named {@code peerName} (full for a stranger). */
    public io.elara.node.media.DegradationLevel degradation(String peerName) {
        Peer peer = peers.byName(peerName);
        return peer == null ? io.elara.node.media.DegradationLevel.FULL : mediaQuality.levelOf(peer);
    }

    /** The media degradation level of the node: the worst of its links that carried media lately. */
    public io.elara.node.media.DegradationLevel degradation() {
        return mediaQuality.level();
    }

    /** Delivers received media to {@code listener} from now on; false when {@link #MEDIA_LISTENERS_MAX} are subscribed. */
    public boolean subscribeMedia(MediaListener listener) {
        if (mediaListeners.size() >= MEDIA_LISTENERS_MAX) {
            return false;
        }
        mediaListeners.add(listener);
        return true;
    }

    public void unsubscribeMedia(MediaListener listener) {
        mediaListeners.remove(listener);
    }

    /** The latency-first lane's counters for the peer named {@code peerName}, or null if there is none. */
    public MediaStats mediaStats(String peerName) {
        Peer peer = peers.byName(peerName);
        if (peer == null) {
            return null;
        }
        LatencyFirstSender sender = peer.mediaSender();
        LatencyFirstReceiver receiver = peer.mediaReceiver();
        return new MediaStats(
                sender.framesSent(),
                sender.bytesSent(),
                sender.queuedFrames(),
                sender.drops(LatencyFirstSender.Drop.DEADLINE),
                sender.drops(LatencyFirstSender.Drop.SUPERSEDED),
                sender.drops(LatencyFirstSender.Drop.PRESSURE),
                receiver.delivered(),
                receiver.stale(),
                receiver.late(),
                receiver.overLimit());
    }

    /** A MEDIA frame checked by {@link PacketReader#check}: delivered if newest on its stream and not late. */
    private void onMedia(Peer peer, ByteBuf buffer, int body, int bodyLength) {
        mediaFrame.wrap(buffer, body, bodyLength);
        if (!mediaAdmitted(peer)) {
            rejects.increment(RejectReason.MEDIA_NOT_MEMBER);
            return;
        }
        // One-way transit estimated as half the round trip; 0 (trust the budget) before any sample.
        long rttNs = peer.sender().srttNs() != 0
                ? peer.sender().srttNs()
                : Math.max(0, peer.liveness().rttNs());
        RejectReason reason = peer.mediaReceiver()
                .onFrame(mediaFrame.streamId(), mediaFrame.sequence(), mediaFrame.ageBudgetUs(), rttNs / 2);
        if (reason != RejectReason.NONE) {
            rejects.increment(reason);
            return;
        }
        peer.mediaReceiver().addBytes(mediaFrame.payloadLength());
        for (int i = 0; i < mediaListeners.size(); i++) {
            mediaListeners
                    .get(i)
                    .onMedia(
                            peer.label(),
                            mediaFrame.streamId(),
                            mediaFrame.sequence(),
                            mediaFrame.trafficClass(),
                            buffer,
                            mediaFrame.payloadOffset(),
                            mediaFrame.payloadLength());
        }
    }

    /**
     * Whether media from {@code peer} reaches this node's listeners: it is a configured peer, or its proven identity is
     * a member of a created or joined session here. A node that merely completed a handshake (anyone may) is neither,
     * and its voice and pictures would otherwise play in every {@code media-listen} client. A core without protection
     * proves no one and takes media from every peer.
     */
    private boolean mediaAdmitted(Peer peer) {
        if (link == null || peer.configuredName() != null) {
            return true;
        }
        NodeId id = peer.provenId();
        if (id == null) {
            return false;
        }
        for (Session session : sessions.all()) {
            if (session.membership() != null && session.membership().isMember(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells every peer with a secure session that this node is closing it (a CLOSE frame, so that the peer stops
     * waiting for it at once), then fails everything still waiting for an acknowledgement, with {@code reason}, and
     * wipes the session keys; for shutdown. The driver sends the CLOSE datagrams before it closes the socket.
     */
    public void close(String reason) {
        for (Peer peer : peers.all()) {
            if (link == null || (peer.session() != null && !peer.session().expired(currentNowNs))) {
                writer.begin(peer, currentNowNs);
                try {
                    writer.close(CloseFrameFlyweight.CODE_SHUTDOWN, reason);
                    writer.finish();
                } finally {
                    writer.abort();
                }
            }
        }
        for (LocalSend send : unsigned) {
            send.result().completeExceptionally(new SendException(reason));
        }
        unsigned.clear();
        for (Peer peer : peers.all()) {
            peer.failAll(reason);
        }
        if (link != null) {
            link.close();
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

    /** The ids of this node's sessions, the direct one included. */
    public List<SessionId> sessionIds() {
        List<SessionId> ids = new ArrayList<>();
        for (Session session : sessions.all()) {
            ids.add(session.id());
        }
        return ids;
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
