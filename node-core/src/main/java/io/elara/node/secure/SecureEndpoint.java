package io.elara.node.secure;

import io.elara.crypto.aead.KeyLimits;
import io.elara.crypto.aead.PacketOpener;
import io.elara.crypto.aead.PacketSealer;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.crypto.noise.CipherStatePair;
import io.elara.crypto.noise.HandshakeState;
import io.elara.crypto.noise.NoiseException;
import io.elara.crypto.noise.Role;
import io.elara.stun.server.SourceRateLimiter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * This node's end of every secure channel: routes handshake messages, cookie replies and transport packets (first
 * bytes 0xE1 to 0xE5, see {@link HandshakeCodec}, {@link CookieReplyCodec}, {@link TransportCodec}) by their receiver
 * index to the {@link SecureChannel} or {@link SecureSession} they belong to, and answers initiations.
 *
 * <p>Sans-I/O: inputs are {@link #onDatagram}, {@link #onTimer} and {@link #initiate}, each with the caller's
 * {@code nowNs}; outputs go to the {@link SecureOutbox}. Randomness (indices, ephemeral keys, the cookie secret and
 * nonces) comes from the {@link SecureRandom} given at construction. One owner thread; not thread-safe.
 *
 * <p>Order of checks on a message 1, cheapest first, so that an attacker who does not know this node's static key costs
 * it one BLAKE2s per packet and no memory: length and reserved bytes; MAC1 (keyed with this node's static key, or with
 * the all-zero key only when {@code acceptUnknownPeers}); under load ({@link #underLoad(boolean)}), MAC2 against the
 * sender's cookie, else a cookie reply and nothing else; then a message 1 already answered (same ephemeral key: a
 * retransmission or a replay) gets the stored message 2 again and creates nothing. Only then is a Noise responder
 * built, and it is kept only if message 1 reads, so nothing stays allocated for a sender until its message verifies.
 *
 * <p>Every drop is counted in {@link #rejects()} under its {@link SecureReject} and reported to no one else.
 */
@SuppressWarnings("EnumOrdinal") // the reject counters are a long[] by ordinal, as STYLE.md section 7.6 prescribes
public final class SecureEndpoint implements AutoCloseable {
    /** Responder handshakes waiting for message 3, at most. */
    public static final int PENDING_HANDSHAKES_MAX = 1_024;
    /** How often an initiator re-sends message 3 until the responder's first packet confirms it arrived. */
    public static final long FINISH_RESEND_NS = 1_000_000_000L;
    /**
     * Initiations with a valid MAC1 per second above which this node is under load and asks for cookies: a tenth of
     * what one core completes (about 500 handshakes per second, docs/BENCHMARKS.md), so that a flood is refused long
     * before it takes the loop thread.
     */
    public static final int LOAD_INITIATIONS_PER_SECOND = 50;
    /**
     * Cookie replies a second at most, to all sources: under a flood the node reads and checks every initiation, but
     * answers no more than this many (each reply is a sealed 64-byte datagram and a send), so the flood cannot take
     * the loop thread from the sessions it serves. A new peer whose initiation went unanswered sends it again.
     */
    public static final int COOKIE_REPLIES_PER_SECOND = 2_000;
    /** Cookie replies a second at most to one source (hashed; wireguard-go allows a source 20 a second under load). */
    public static final int SOURCE_COOKIE_REPLIES_PER_SECOND = 20;

    /** Pending responder handshakes at which this node is under load whatever the rate (WireGuard: an eighth). */
    public static final int LOAD_PENDING = PENDING_HANDSHAKES_MAX / 8;

    private static final long LOAD_WINDOW_NS = 1_000_000_000L;
    /** How often the cookie secret is replaced (WireGuard's COOKIE_SECRET_MAX_AGE). */
    public static final long COOKIE_SECRET_LIFETIME_NS = 120_000_000_000L;

    private static final byte[] ZERO_MAC1_KEY = Macs.mac1Key(new byte[Macs.KEY_LENGTH]);

    private final Identity identity;
    private final byte[] staticPrivateKey;
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final byte[] payload;
    private final boolean acceptUnknownPeers;
    private final SecureRandom random;
    private final SecureOutbox outbox;

    private final Map<Integer, SecureChannel> handshakes = new HashMap<>();
    private final Map<Integer, SecureSession> sessions = new HashMap<>();
    /** Responder: the initiator ephemeral key of each live handshake or session, to recognise a repeated message 1. */
    private final Map<SecureChannel.EphemeralKey, Integer> answered = new HashMap<>();

    private final Map<Integer, SecureChannel.EphemeralKey> answeredByIndex = new HashMap<>();
    private final long[] rejects = new long[SecureReject.values().length];
    private final SourceRateLimiter cookieReplies = new SourceRateLimiter(
            COOKIE_REPLIES_PER_SECOND, COOKIE_REPLIES_PER_SECOND / 10, SOURCE_COOKIE_REPLIES_PER_SECOND, 5);
    private SecureReject lastTransportReject = SecureReject.NONE;
    private int pendingResponders;
    private boolean forcedUnderLoad;
    private long loadWindowStartNs = Long.MIN_VALUE;
    private int loadWindowCount;
    private int loadPreviousCount;
    private long handshakesCompleted;
    private byte[] cookieSecret;
    private long cookieSecretNs;

    /**
     * @param identity this node's identity; its X25519 static key answers and authenticates handshakes
     * @param acceptUnknownPeers whether to answer initiations whose MAC1 uses the all-zero key (from diallers that do
     *     not know this node's static key); never under load
     */
    public SecureEndpoint(Identity identity, boolean acceptUnknownPeers, SecureRandom random, SecureOutbox outbox) {
        this.identity = Objects.requireNonNull(identity);
        this.staticPrivateKey = identity.staticPrivateKey();
        byte[] staticPublic = identity.staticPublicKey();
        this.mac1Key = Macs.mac1Key(staticPublic);
        this.cookieKey = Macs.cookieKey(staticPublic);
        this.payload = SecureChannel.payload(identity);
        this.acceptUnknownPeers = acceptUnknownPeers;
        this.random = Objects.requireNonNull(random);
        this.outbox = Objects.requireNonNull(outbox);
    }

    /** True for the first bytes this endpoint handles: 0xE1 to 0xE5. */
    public static boolean handles(byte firstByte) {
        int value = firstByte & 0xFF;
        return value >= (HandshakeCodec.TYPE_INITIATION & 0xFF) && value <= (TransportCodec.TYPE & 0xFF);
    }

    /**
     * Forces this node to behave as under load (for tests), or lets the measured load decide again. While under load,
     * initiations need a valid cookie MAC (MAC2).
     */
    public void underLoad(boolean underLoad) {
        this.forcedUnderLoad = underLoad;
    }

    /**
     * True while initiations need cookies: forced, or more than {@link #LOAD_INITIATIONS_PER_SECOND} initiations with a
     * valid MAC1 arrived in this second or the last, or {@link #LOAD_PENDING} handshakes wait for message 3.
     */
    public boolean underLoad(long nowNs) {
        rollLoadWindow(nowNs);
        return forcedUnderLoad
                || pendingResponders >= LOAD_PENDING
                || Math.max(loadWindowCount, loadPreviousCount) > LOAD_INITIATIONS_PER_SECOND;
    }

    private void rollLoadWindow(long nowNs) {
        if (loadWindowStartNs == Long.MIN_VALUE || nowNs - loadWindowStartNs >= 2 * LOAD_WINDOW_NS) {
            loadPreviousCount = 0;
            loadWindowCount = 0;
            loadWindowStartNs = nowNs;
        } else if (nowNs - loadWindowStartNs >= LOAD_WINDOW_NS) {
            loadPreviousCount = loadWindowCount;
            loadWindowCount = 0;
            loadWindowStartNs += LOAD_WINDOW_NS;
        }
    }

    /** Handshakes completed since start, as initiator or responder. */
    public long handshakesCompleted() {
        return handshakesCompleted;
    }

    /**
     * Dials {@code remote}, expecting {@code expected}: sends message 1 and returns the handshake's local index, which
     * {@link SecureOutbox#failed} names if it fails. The result arrives as {@link SecureOutbox#established}.
     */
    public int initiate(ExpectedPeer expected, InetSocketAddress remote, long nowNs) {
        int localIndex = newIndex();
        SecureChannel channel = SecureChannel.initiator(localIndex, expected, remote, nowNs);
        handshakes.put(localIndex, channel);
        outbox.send(channel.startInitiation(identity, random, nowNs), remote);
        return localIndex;
    }

    /**
     * One datagram whose first byte {@link #handles} says is ours. Never throws on network input.
     *
     * @return {@link SecureReject#NONE}, or the reason it was dropped (already counted)
     */
    public SecureReject onDatagram(byte[] datagram, InetSocketAddress from, long nowNs) {
        SecureReject result;
        if (datagram.length == 0) {
            result = SecureReject.PACKET_TYPE;
        } else {
            result = switch (datagram[0]) {
                case HandshakeCodec.TYPE_INITIATION -> onInitiation(datagram, from, nowNs);
                case HandshakeCodec.TYPE_RESPONSE -> onResponse(datagram, from, nowNs);
                case HandshakeCodec.TYPE_FINISH -> onFinish(datagram, from, nowNs);
                case CookieReplyCodec.TYPE -> onCookieReply(datagram, nowNs);
                case TransportCodec.TYPE -> onTransport(datagram, from, nowNs);
                default -> SecureReject.PACKET_TYPE;
            };
        }
        if (result != SecureReject.NONE) {
            rejects[result.ordinal()]++;
        }
        return result;
    }

    /** Retransmits initiations, gives up on old ones, and forgets stale handshakes and expired sessions. */
    public void onTimer(long nowNs) {
        for (SecureChannel channel : new ArrayList<>(handshakes.values())) {
            if (channel.initiator && channel.givenUp(nowNs)) {
                removeHandshake(channel);
                rejects[SecureReject.HANDSHAKE_TIMEOUT.ordinal()]++;
                outbox.failed(channel.localIndex, channel.expectedNodeId(), SecureReject.HANDSHAKE_TIMEOUT);
            } else if (nowNs - channel.deadlineNs >= 0) {
                if (channel.initiator) {
                    outbox.send(channel.startInitiation(identity, random, nowNs), channel.remoteAddress);
                } else {
                    removeHandshake(channel);
                }
            }
        }
        for (SecureSession session : sessions.values()) {
            if (nowNs - session.finishDeadlineNs() >= 0) {
                outbox.send(session.resendFinish(nowNs + FINISH_RESEND_NS), session.remoteAddress());
            }
        }
        sessions.values().removeIf(session -> {
            if (session.expired(nowNs)) {
                forgetAnswered(session.localIndex());
                session.close();
                return true;
            }
            return false;
        });
    }

    /** The earliest time {@link #onTimer} has work, or {@link Long#MAX_VALUE} when none. */
    public long nextDeadlineNs() {
        long deadline = Long.MAX_VALUE;
        for (SecureChannel channel : handshakes.values()) {
            deadline = Math.min(deadline, channel.deadlineNs);
        }
        for (SecureSession session : sessions.values()) {
            deadline = Math.min(deadline, session.createdNs() + KeyLimits.REJECT_AFTER_TIME_NS);
            deadline = Math.min(deadline, session.finishDeadlineNs());
        }
        return deadline;
    }

    /** Handshakes in progress, initiated or answered. */
    public int pendingHandshakes() {
        return handshakes.size();
    }

    /** Established sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** The session with local index {@code localIndex}, or null. */
    public SecureSession session(int localIndex) {
        return sessions.get(localIndex);
    }

    /** Ends a session: its keys are wiped and its index forgotten. */
    public void closeSession(SecureSession session) {
        if (sessions.remove(session.localIndex(), session)) {
            forgetAnswered(session.localIndex());
        }
        session.close();
    }

    /** A copy of the reject counters, by {@link SecureReject} ordinal. */
    public long[] rejects() {
        return rejects.clone();
    }

    /** The count of one reject reason. */
    public long rejects(SecureReject reason) {
        return rejects[reason.ordinal()];
    }

    /** Wipes every key this endpoint holds. */
    @Override
    public void close() {
        handshakes.values().forEach(SecureChannel::close);
        handshakes.clear();
        sessions.values().forEach(SecureSession::close);
        sessions.clear();
        Arrays.fill(staticPrivateKey, (byte) 0);
        if (cookieSecret != null) {
            Arrays.fill(cookieSecret, (byte) 0);
        }
    }

    private SecureReject onInitiation(byte[] datagram, InetSocketAddress from, long nowNs) {
        SecureReject structure = HandshakeCodec.validate(datagram);
        if (structure != SecureReject.NONE) {
            return structure;
        }
        int mac1Offset = HandshakeCodec.mac1Offset(datagram.length);
        byte[] verifiedKey;
        if (Macs.checkMac(mac1Key, datagram, mac1Offset)) {
            verifiedKey = mac1Key;
        } else if (Macs.checkMac(ZERO_MAC1_KEY, datagram, mac1Offset)) {
            if (!acceptUnknownPeers) {
                return SecureReject.UNKNOWN_PEER_REFUSED;
            }
            verifiedKey = ZERO_MAC1_KEY;
        } else {
            return SecureReject.BAD_MAC1;
        }
        boolean underLoad = underLoad(nowNs);
        loadWindowCount++;
        if (verifiedKey == ZERO_MAC1_KEY && underLoad) {
            return SecureReject.UNKNOWN_PEER_UNDER_LOAD;
        }
        if (underLoad && !Macs.checkMac(cookie(from, nowNs), datagram, HandshakeCodec.mac2Offset(datagram.length))) {
            if (!cookieReplies.admit(from, nowNs)) {
                return SecureReject.COOKIE_REPLY_LIMITED;
            }
            outbox.send(cookieReply(datagram, from, nowNs), from);
            return SecureReject.COOKIE_NEEDED;
        }
        byte[] noise = HandshakeCodec.noise(datagram);
        SecureChannel.EphemeralKey ephemeral = new SecureChannel.EphemeralKey(noise);
        Integer answeredIndex = answered.get(ephemeral);
        if (answeredIndex != null) {
            SecureChannel pending = handshakes.get(answeredIndex);
            if (pending != null && !pending.initiator) {
                outbox.send(pending.response.clone(), from);
            }
            return SecureReject.DUPLICATE_INITIATION;
        }
        if (pendingResponders >= PENDING_HANDSHAKES_MAX) {
            return SecureReject.PENDING_LIMIT;
        }
        int senderIndex = HandshakeCodec.getInt(datagram, HandshakeCodec.SENDER_INDEX_OFFSET);
        HandshakeState handshake =
                HandshakeState.responder(SecureChannel.SUITE, SecureChannel.PROLOGUE, staticPrivateKey, random);
        byte[] noiseResponse;
        try {
            handshake.readMessage(noise);
            noiseResponse = handshake.writeMessage(payload);
        } catch (NoiseException e) {
            // A low-order ephemeral key: counted by the caller; the exception says nothing more worth keeping.
            handshake.close();
            return SecureReject.NOISE_FAILED;
        }
        int localIndex = newIndex();
        SecureChannel channel =
                SecureChannel.responder(localIndex, handshake, senderIndex, verifiedKey, ephemeral, from, nowNs);
        channel.response = HandshakeCodec.encode(
                HandshakeCodec.TYPE_RESPONSE, localIndex, senderIndex, noiseResponse, verifiedKey, null);
        handshakes.put(localIndex, channel);
        answered.put(ephemeral, localIndex);
        answeredByIndex.put(localIndex, ephemeral);
        pendingResponders++;
        outbox.send(channel.response.clone(), from);
        return SecureReject.NONE;
    }

    private SecureReject onResponse(byte[] datagram, InetSocketAddress from, long nowNs) {
        SecureChannel channel = handshakeFor(datagram);
        SecureReject routing = route(datagram, channel, true);
        if (routing != SecureReject.NONE) {
            return routing;
        }
        byte[] peerPayload;
        byte[] remoteStatic;
        try {
            peerPayload = channel.handshake.readMessage(HandshakeCodec.noise(datagram));
            remoteStatic = channel.handshake.remoteStaticPublicKey();
        } catch (NoiseException e) {
            // The Noise state is spent; the next retransmission starts over with a fresh ephemeral key.
            channel.handshake.close();
            channel.handshake = null;
            return SecureReject.NOISE_FAILED;
        }
        SecureReject identityCheck = checkPeer(peerPayload, remoteStatic, channel.expected);
        if (identityCheck != SecureReject.NONE) {
            removeHandshake(channel);
            outbox.failed(channel.localIndex, channel.expectedNodeId(), identityCheck);
            return identityCheck;
        }
        byte[] noiseFinish;
        CipherStatePair keys;
        try {
            noiseFinish = channel.handshake.writeMessage(payload);
            keys = channel.handshake.split();
        } catch (NoiseException e) {
            throw new IllegalStateException("writing message 3 after reading message 2 cannot fail", e);
        }
        int remoteIndex = HandshakeCodec.getInt(datagram, HandshakeCodec.SENDER_INDEX_OFFSET);
        byte[] finish = HandshakeCodec.encode(
                HandshakeCodec.TYPE_FINISH, channel.localIndex, remoteIndex, noiseFinish, channel.mac1Key, null);
        removeHandshake(channel);
        SecureSession session = establish(
                NodeId.of(peerPayload, 0),
                channel.localIndex,
                remoteIndex,
                Role.INITIATOR,
                keys,
                remoteStatic,
                from,
                nowNs);
        session.finish(finish.clone(), nowNs + FINISH_RESEND_NS);
        outbox.send(finish, from);
        outbox.established(session);
        return SecureReject.NONE;
    }

    private SecureReject onFinish(byte[] datagram, InetSocketAddress from, long nowNs) {
        SecureChannel channel = handshakeFor(datagram);
        if (channel == null && datagram.length >= HandshakeCodec.RECEIVER_INDEX_OFFSET + HandshakeCodec.INDEX_LENGTH) {
            SecureSession session = sessions.get(HandshakeCodec.getInt(datagram, HandshakeCodec.RECEIVER_INDEX_OFFSET));
            if (session != null && session.isFinish(datagram)) {
                // The initiator did not hear our keepalive: say again that message 3 arrived.
                confirm(session, nowNs);
                return SecureReject.DUPLICATE_FINISH;
            }
        }
        SecureReject routing = route(datagram, channel, false);
        if (routing != SecureReject.NONE) {
            return routing;
        }
        if (HandshakeCodec.getInt(datagram, HandshakeCodec.SENDER_INDEX_OFFSET) != channel.remoteIndex) {
            return SecureReject.UNEXPECTED_MESSAGE;
        }
        byte[] peerPayload;
        byte[] remoteStatic;
        try {
            peerPayload = channel.handshake.readMessage(HandshakeCodec.noise(datagram));
            remoteStatic = channel.handshake.remoteStaticPublicKey();
        } catch (NoiseException e) {
            // The Noise state is spent; the initiator will start over.
            removeHandshake(channel);
            return SecureReject.NOISE_FAILED;
        }
        SecureReject identityCheck = checkPeer(peerPayload, remoteStatic, ExpectedPeer.anyone());
        if (identityCheck != SecureReject.NONE) {
            removeHandshake(channel);
            return identityCheck;
        }
        CipherStatePair keys;
        try {
            keys = channel.handshake.split();
        } catch (NoiseException e) {
            throw new IllegalStateException("a handshake that read message 3 is complete", e);
        }
        // The ephemeral key stays in "answered" for the session's lifetime, so a replayed message 1 creates nothing.
        handshakes.remove(channel.localIndex);
        pendingResponders--;
        channel.close();
        SecureSession session = establish(
                NodeId.of(peerPayload, 0),
                channel.localIndex,
                channel.remoteIndex,
                Role.RESPONDER,
                keys,
                remoteStatic,
                from,
                nowNs);
        session.finish(datagram.clone(), Long.MAX_VALUE);
        outbox.established(session);
        confirm(session, nowNs);
        return SecureReject.NONE;
    }

    /** An empty TRANSPORT packet (a keepalive): the initiator's proof that this side has the keys. */
    private void confirm(SecureSession session, long nowNs) {
        byte[] keepalive = session.seal(new byte[0], nowNs);
        if (keepalive != null) {
            outbox.send(keepalive, session.remoteAddress());
        }
    }

    private SecureReject onCookieReply(byte[] datagram, long nowNs) {
        SecureReject structure = CookieReplyCodec.validate(datagram);
        if (structure != SecureReject.NONE) {
            return structure;
        }
        SecureChannel channel = handshakes.get(HandshakeCodec.getInt(datagram, CookieReplyCodec.RECEIVER_INDEX_OFFSET));
        if (channel == null) {
            return SecureReject.UNKNOWN_RECEIVER_INDEX;
        }
        if (!channel.initiator || channel.lastMac1 == null) {
            return SecureReject.UNEXPECTED_MESSAGE;
        }
        byte[] cookie = Macs.xOpen(
                Macs.cookieKey(channel.expected.mac1PublicKey()),
                CookieReplyCodec.nonce(datagram),
                channel.lastMac1,
                datagram,
                CookieReplyCodec.COOKIE_OFFSET,
                CookieReplyCodec.COOKIE_SEALED_LENGTH);
        if (cookie == null) {
            return SecureReject.COOKIE_REPLY_INVALID;
        }
        channel.cookie = cookie;
        channel.cookieReceivedNs = nowNs;
        // One retry per initiation answered, so cookie replies cannot make this node send more than it was asked to.
        outbox.send(channel.startInitiation(identity, random, nowNs), channel.remoteAddress);
        return SecureReject.NONE;
    }

    private SecureReject onTransport(byte[] datagram, InetSocketAddress from, long nowNs) {
        ByteBuffer plaintext = ByteBuffer.allocate(Math.max(0, datagram.length - TransportCodec.LENGTH_MIN));
        SecureSession session = open(ByteBuffer.wrap(datagram), from, nowNs, plaintext);
        if (session == null) {
            return lastTransportReject;
        }
        if (plaintext.position() > 0) {
            // An empty packet is a keepalive: it confirmed the keys (see SecureSession.open) and carries nothing.
            outbox.received(session, Arrays.copyOf(plaintext.array(), plaintext.position()));
        }
        return SecureReject.NONE;
    }

    /**
     * The fast path for TRANSPORT packets (first byte 0xE5), with no copy: opens {@code datagram} (position to limit)
     * into {@code plaintext} (at its position, which moves past the frames; nothing written when rejected) and returns
     * the session it belongs to, or null when it was dropped (counted). An accepted packet that leaves
     * {@code plaintext}'s position where it was is a keepalive.
     */
    public SecureSession openTransport(ByteBuffer datagram, InetSocketAddress from, long nowNs, ByteBuffer plaintext) {
        SecureSession session = open(datagram, from, nowNs, plaintext);
        if (session == null) {
            rejects[lastTransportReject.ordinal()]++;
        }
        return session;
    }

    /** {@link #openTransport} without counting (the byte-array path counts in {@link #onDatagram}). */
    private SecureSession open(ByteBuffer datagram, InetSocketAddress from, long nowNs, ByteBuffer plaintext) {
        SecureReject result;
        SecureSession session = null;
        int length = datagram.remaining();
        int start = datagram.position();
        if (length < TransportCodec.LENGTH_MIN) {
            result = SecureReject.PACKET_LENGTH;
        } else if (datagram.get(start) != TransportCodec.TYPE) {
            result = SecureReject.PACKET_TYPE;
        } else if (datagram.get(start + 1) != 0 || datagram.get(start + 2) != 0 || datagram.get(start + 3) != 0) {
            result = SecureReject.PACKET_RESERVED;
        } else {
            int receiverIndex = datagram.getInt(start + TransportCodec.RECEIVER_INDEX_OFFSET);
            session = sessions.get(receiverIndex);
            if (session == null) {
                result = handshakes.containsKey(receiverIndex)
                        ? SecureReject.UNEXPECTED_MESSAGE
                        : SecureReject.UNKNOWN_RECEIVER_INDEX;
            } else if (plaintext.remaining() < length - TransportCodec.LENGTH_MIN) {
                result = SecureReject.PACKET_LENGTH;
            } else {
                result = session.open(datagram, from, nowNs, plaintext);
            }
        }
        lastTransportReject = result;
        return result == SecureReject.NONE ? session : null;
    }

    private SecureChannel handshakeFor(byte[] datagram) {
        if (datagram.length < HandshakeCodec.RECEIVER_INDEX_OFFSET + HandshakeCodec.INDEX_LENGTH) {
            return null;
        }
        return handshakes.get(HandshakeCodec.getInt(datagram, HandshakeCodec.RECEIVER_INDEX_OFFSET));
    }

    /** Structure, receiver index, role and state, MAC1 and a zero MAC2, for messages 2 ({@code initiator}) and 3. */
    private SecureReject route(byte[] datagram, SecureChannel channel, boolean initiator) {
        SecureReject structure = HandshakeCodec.validate(datagram);
        if (structure != SecureReject.NONE) {
            return structure;
        }
        if (channel == null) {
            int receiverIndex = HandshakeCodec.getInt(datagram, HandshakeCodec.RECEIVER_INDEX_OFFSET);
            return sessions.containsKey(receiverIndex)
                    ? SecureReject.UNEXPECTED_MESSAGE
                    : SecureReject.UNKNOWN_RECEIVER_INDEX;
        }
        SecureChannel.State wanted = initiator ? SecureChannel.State.AWAIT_RESPONSE : SecureChannel.State.AWAIT_FINISH;
        if (channel.initiator != initiator || channel.state != wanted || channel.handshake == null) {
            return SecureReject.UNEXPECTED_MESSAGE;
        }
        if (!Macs.checkMac(channel.mac1Key, datagram, HandshakeCodec.mac1Offset(datagram.length))) {
            return SecureReject.BAD_MAC1;
        }
        for (int i = HandshakeCodec.mac2Offset(datagram.length); i < datagram.length; i++) {
            if (datagram[i] != 0) {
                return SecureReject.BAD_MAC2;
            }
        }
        return SecureReject.NONE;
    }

    /** Checks the payload of message 2 or 3: the binding signature, then the identity expected. */
    private static SecureReject checkPeer(byte[] peerPayload, byte[] remoteStatic, ExpectedPeer expected) {
        if (peerPayload.length != HandshakeCodec.PAYLOAD_LENGTH) {
            return SecureReject.BINDING_INVALID;
        }
        NodeId peer = NodeId.of(peerPayload, 0);
        byte[] signature = Arrays.copyOfRange(peerPayload, NodeId.LENGTH, peerPayload.length);
        if (!Identity.verifyStaticKeyBinding(peer, remoteStatic, signature)) {
            return SecureReject.BINDING_INVALID;
        }
        if (expected.nodeId() != null && !expected.nodeId().equals(peer)) {
            return SecureReject.UNEXPECTED_NODE_ID;
        }
        byte[] expectedStatic = expected.staticPublicKey();
        if (expectedStatic != null && !Arrays.equals(expectedStatic, remoteStatic)) {
            return SecureReject.UNEXPECTED_STATIC_KEY;
        }
        return SecureReject.NONE;
    }

    private SecureSession establish(
            NodeId peer,
            int localIndex,
            int remoteIndex,
            Role role,
            CipherStatePair keys,
            byte[] remoteStatic,
            InetSocketAddress from,
            long nowNs) {
        byte[] sendKey = null;
        byte[] receiveKey = null;
        try (keys) {
            sendKey = keys.sending(role).copyKey();
            receiveKey = keys.receiving(role).copyKey();
            SecureSession session = new SecureSession(
                    peer,
                    localIndex,
                    remoteIndex,
                    role == Role.INITIATOR,
                    PacketSealer.create(sendKey, nowNs),
                    PacketOpener.create(receiveKey, nowNs),
                    remoteStatic,
                    from,
                    nowNs);
            sessions.put(localIndex, session);
            handshakesCompleted++;
            return session;
        } catch (NoiseException e) {
            throw new IllegalStateException("fresh transport cipher states hold keys", e);
        } finally {
            if (sendKey != null) {
                Arrays.fill(sendKey, (byte) 0);
            }
            if (receiveKey != null) {
                Arrays.fill(receiveKey, (byte) 0);
            }
        }
    }

    private void removeHandshake(SecureChannel channel) {
        if (handshakes.remove(channel.localIndex, channel) && !channel.initiator) {
            pendingResponders--;
            forgetAnswered(channel.localIndex);
        }
        channel.close();
    }

    private void forgetAnswered(int localIndex) {
        SecureChannel.EphemeralKey ephemeral = answeredByIndex.remove(localIndex);
        if (ephemeral != null) {
            answered.remove(ephemeral);
        }
    }

    /** A random index no handshake or session of this node uses. */
    private int newIndex() {
        int index;
        do {
            index = random.nextInt();
        } while (handshakes.containsKey(index) || sessions.containsKey(index));
        return index;
    }

    /** The cookie of {@code from} under the current secret, replaced every {@link #COOKIE_SECRET_LIFETIME_NS}. */
    private byte[] cookie(InetSocketAddress from, long nowNs) {
        if (cookieSecret == null || nowNs - cookieSecretNs >= COOKIE_SECRET_LIFETIME_NS) {
            if (cookieSecret != null) {
                Arrays.fill(cookieSecret, (byte) 0);
            }
            cookieSecret = new byte[Macs.KEY_LENGTH];
            random.nextBytes(cookieSecret);
            cookieSecretNs = nowNs;
        }
        byte[] address = Macs.addressBytes(from);
        return Macs.mac(cookieSecret, address, 0, address.length);
    }

    private byte[] cookieReply(byte[] initiation, InetSocketAddress from, long nowNs) {
        byte[] nonce = new byte[Macs.NONCE_LENGTH];
        random.nextBytes(nonce);
        int mac1Offset = HandshakeCodec.mac1Offset(initiation.length);
        byte[] mac1 = Arrays.copyOfRange(initiation, mac1Offset, mac1Offset + Macs.MAC_LENGTH);
        byte[] sealed = Macs.xSeal(cookieKey, nonce, mac1, cookie(from, nowNs));
        return CookieReplyCodec.encode(
                HandshakeCodec.getInt(initiation, HandshakeCodec.SENDER_INDEX_OFFSET), nonce, sealed);
    }
}
