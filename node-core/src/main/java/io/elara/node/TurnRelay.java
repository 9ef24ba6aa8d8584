package io.elara.node;

import io.elara.node.peer.Peer;
import io.elara.stun.codec.StunAttributes;
import io.elara.stun.codec.StunCredentials;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A relayed address for this node on a TURN server (RFC 8656), allocated from the node's own UDP port, so that a peer
 * whose NAT lets nothing in first (a symmetric one) can still be reached: through the relay.
 *
 * <p>The allocation uses the long-term credential of the config ({@code stun.turn}): an Allocate without it draws a
 * 401 with REALM and NONCE, then the Allocate with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY gets the
 * XOR-RELAYED-ADDRESS (a 438 stale nonce is answered once more with the fresh one). It is refreshed at half its
 * lifetime. One permission is installed and refreshed every 4 minutes: for the relay's own IP address, which is where
 * every other relay on the same server sends from. Two nodes behind symmetric NATs that relay through the same server
 * so reach each other relay to relay, with no signalling beyond the invite.
 *
 * <p>Datagrams to an address on the relay's IP (another relay) leave wrapped in a Send indication to the server
 * ({@link #relays}, {@link #wrap}); Data indications from the server are unwrapped and taken as datagrams from the
 * peer they name ({@link #onStun}). Requests repeat after 0.5 s, doubling, five times in all; an allocation that
 * cannot be made or kept is tried again 30 s later. Sans-I/O, loop thread only, but for {@link #relayed} and {@link
 * #problem}.
 */
final class TurnRelay {
    static final int METHOD_ALLOCATE = 0x003;
    static final int METHOD_REFRESH = 0x004;
    static final int METHOD_SEND = 0x006;
    static final int METHOD_DATA = 0x007;
    static final int METHOD_CREATE_PERMISSION = 0x008;
    static final long RTO_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final int ATTEMPTS_MAX = 5;
    static final long RETRY_NS = TimeUnit.SECONDS.toNanos(30);
    static final long PERMISSION_REFRESH_NS = TimeUnit.MINUTES.toNanos(4);
    static final int LIFETIME_S = 600;
    private static final int UDP = 17;

    /** What a Data indication carried: a datagram from {@code peer}. */
    static final class Inner {
        private final byte[] datagram;
        private final InetSocketAddress peer;

        Inner(byte[] datagram, InetSocketAddress peer) {
            this.datagram = datagram;
            this.peer = peer;
        }

        byte[] datagram() {
            return datagram;
        }

        InetSocketAddress peer() {
            return peer;
        }
    }

    private final InetSocketAddress server;
    private final String username;
    private final String password;
    private final RandomGenerator random;

    private String realm;
    private String nonce;
    private byte[] key;
    /** The request under way: its method, bytes (sent again as they are) and transaction id; null when none. */
    private int pendingMethod;

    private byte[] pendingBytes;
    private byte[] pendingId;
    private int attempts;
    private long nextNs;
    private boolean staleRetried;

    private InetSocketAddress allocated;
    private boolean permitted;
    private long refreshDueNs;
    private long permissionDueNs;

    private volatile InetSocketAddress published;
    private volatile String problem;
    private long relayedOut;
    private long relayedIn;

    TurnRelay(InetSocketAddress server, String username, String password, RandomGenerator random) {
        this.server = server;
        this.username = username;
        this.password = password;
        this.random = random;
    }

    /** The relayed address, once allocated and permitted; null otherwise. Any thread. */
    InetSocketAddress relayed() {
        return published;
    }

    /** Why there is no relayed address (the server's refusal, or silence); null when there is one or none is tried yet. */
    String problem() {
        return problem;
    }

    long relayedOut() {
        return relayedOut;
    }

    long relayedIn() {
        return relayedIn;
    }

    /** Sends what is due: a request again, a new allocation, a refresh, a permission. */
    void flush(long nowNs, ReflexiveDiscovery.Transmit transmit) {
        if (nowNs - nextNs < 0) {
            return;
        }
        if (pendingBytes != null) {
            if (attempts >= ATTEMPTS_MAX) {
                fail("no answer from the TURN server at " + Peer.format(server), nowNs);
                return;
            }
            transmit.send(pendingBytes, server);
            nextNs = nowNs + (RTO_NS << attempts);
            attempts++;
            return;
        }
        if (allocated == null) {
            request(METHOD_ALLOCATE, allocate(), nowNs, transmit);
        } else if (nowNs - refreshDueNs >= 0) {
            request(METHOD_REFRESH, builder(METHOD_REFRESH).u32(StunAttributes.LIFETIME, LIFETIME_S), nowNs, transmit);
        } else if (nowNs - permissionDueNs >= 0) {
            request(
                    METHOD_CREATE_PERMISSION,
                    builder(METHOD_CREATE_PERMISSION)
                            .address(StunAttributes.XOR_PEER_ADDRESS, new InetSocketAddress(allocated.getAddress(), 0)),
                    nowNs,
                    transmit);
        } else {
            nextNs = Math.min(refreshDueNs, permissionDueNs);
        }
    }

    /** When {@link #flush} has work next. */
    long nextDeadlineNs() {
        return nextNs;
    }

    /**
     * Takes a STUN message from {@code from}: true when it is this relay's (an answer to its request, or a Data
     * indication, whose datagram goes to {@code inner}), false when it is none of its business.
     */
    boolean onStun(StunMessage message, InetSocketAddress from, long nowNs, java.util.function.Consumer<Inner> inner) {
        if (!server.equals(from)) {
            return false;
        }
        if (message.messageClass() == StunHeaderFlyweight.CLASS_INDICATION && message.method() == METHOD_DATA) {
            InetSocketAddress peer = message.address(StunAttributes.XOR_PEER_ADDRESS);
            StunMessage.Attribute data = message.attribute(StunAttributes.DATA);
            if (peer != null && data != null && allocated != null) {
                relayedIn++;
                inner.accept(new Inner(data.value(), peer));
            }
            return true;
        }
        if (pendingId == null
                || !message.hasTransactionId(pendingId)
                || message.messageClass() == StunHeaderFlyweight.CLASS_REQUEST
                || message.messageClass() == StunHeaderFlyweight.CLASS_INDICATION) {
            return false;
        }
        int method = pendingMethod;
        pendingBytes = null;
        pendingId = null;
        attempts = 0;
        if (message.messageClass() == StunHeaderFlyweight.CLASS_ERROR_RESPONSE) {
            StunMessage.ErrorCode error = message.errorCode();
            int code = error == null ? 0 : error.code();
            String newNonce = message.text(StunAttributes.NONCE);
            if (code == 401 && key == null && method == METHOD_ALLOCATE) {
                realm = message.text(StunAttributes.REALM);
                nonce = newNonce;
                if (realm == null || nonce == null) {
                    fail("the TURN server's 401 has no REALM or NONCE", nowNs);
                    return true;
                }
                key = StunCredentials.longTermKey(username, realm, password);
                nextNs = nowNs; // again at once, with the credential
                return true;
            }
            if (code == 438 && newNonce != null && !staleRetried) {
                nonce = newNonce;
                staleRetried = true;
                nextNs = nowNs;
                return true;
            }
            fail(
                    "the TURN server refused "
                            + (method == METHOD_ALLOCATE ? "the allocation" : "a request")
                            + (code == 401 ? ": wrong user or password (401)" : ": " + describe(error)),
                    nowNs);
            return true;
        }
        if (key != null && message.integrity(key) != StunMessage.Integrity.VALID) {
            return true; // not the server's answer: wait for the real one (or time out)
        }
        staleRetried = false;
        if (method == METHOD_ALLOCATE) {
            InetSocketAddress relayedAddress = message.address(StunAttributes.XOR_RELAYED_ADDRESS);
            if (relayedAddress == null) {
                fail("the TURN server's answer has no XOR-RELAYED-ADDRESS", nowNs);
                return true;
            }
            allocated = relayedAddress;
            refreshDueNs = nowNs + halfLifetimeNs(message);
            permissionDueNs = nowNs;
            nextNs = nowNs;
        } else if (method == METHOD_REFRESH) {
            refreshDueNs = nowNs + halfLifetimeNs(message);
            nextNs = Math.min(refreshDueNs, permissionDueNs);
        } else if (method == METHOD_CREATE_PERMISSION) {
            permitted = true;
            permissionDueNs = nowNs + PERMISSION_REFRESH_NS;
            nextNs = Math.min(refreshDueNs, permissionDueNs);
            published = allocated;
            problem = null;
        }
        return true;
    }

    /** Whether a datagram to {@code to} goes through the relay: it is another relay on the same server. */
    boolean relays(InetSocketAddress to) {
        InetSocketAddress own = published;
        return own != null
                && permitted
                && own.getAddress().equals(to.getAddress())
                && !to.equals(server)
                && !to.equals(own);
    }

    /** {@code datagram} for {@code to}, as the Send indication that carries it to the server. */
    byte[] wrap(byte[] datagram, InetSocketAddress to) {
        relayedOut++;
        return StunMessage.builder(METHOD_SEND, StunHeaderFlyweight.CLASS_INDICATION, transactionId())
                .address(StunAttributes.XOR_PEER_ADDRESS, to)
                .add(StunAttributes.DATA, datagram)
                .encode(null, false);
    }

    /** The server this relay is on. */
    InetSocketAddress server() {
        return server;
    }

    private StunMessage.Builder allocate() {
        return builder(METHOD_ALLOCATE)
                .u32(StunAttributes.REQUESTED_TRANSPORT, UDP << 24)
                .u32(StunAttributes.LIFETIME, LIFETIME_S);
    }

    private StunMessage.Builder builder(int method) {
        StunMessage.Builder builder = StunMessage.builder(method, StunHeaderFlyweight.CLASS_REQUEST, transactionId());
        if (key != null) {
            builder.text(StunAttributes.USERNAME, username)
                    .text(StunAttributes.REALM, realm)
                    .text(StunAttributes.NONCE, nonce);
        }
        return builder;
    }

    private void request(int method, StunMessage.Builder request, long nowNs, ReflexiveDiscovery.Transmit transmit) {
        pendingMethod = method;
        pendingBytes = request.encode(key, true);
        pendingId = java.util.Arrays.copyOfRange(
                pendingBytes,
                StunHeaderFlyweight.TRANSACTION_ID_OFFSET,
                StunHeaderFlyweight.TRANSACTION_ID_OFFSET + StunHeaderFlyweight.TRANSACTION_ID_LENGTH);
        attempts = 0;
        transmit.send(pendingBytes, server);
        nextNs = nowNs + RTO_NS;
        attempts = 1;
    }

    /** Gives the allocation up (or the attempt at one) and tries again after {@link #RETRY_NS}. */
    private void fail(String why, long nowNs) {
        problem = why;
        pendingBytes = null;
        pendingId = null;
        attempts = 0;
        allocated = null;
        permitted = false;
        published = null;
        key = null;
        staleRetried = false;
        nextNs = nowNs + RETRY_NS;
    }

    private static long halfLifetimeNs(StunMessage message) {
        StunMessage.Attribute lifetime = message.attribute(StunAttributes.LIFETIME);
        int seconds = lifetime == null || lifetime.length() != 4
                ? LIFETIME_S
                : ByteBuffer.wrap(lifetime.value()).getInt();
        return TimeUnit.SECONDS.toNanos(Math.max(30, Math.min(seconds, LIFETIME_S)) / 2);
    }

    private static String describe(StunMessage.ErrorCode error) {
        return error == null ? "an error without a code" : error.code() + " " + error.reason();
    }

    private byte[] transactionId() {
        byte[] id = new byte[StunHeaderFlyweight.TRANSACTION_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = (byte) random.nextInt(256);
        }
        return id;
    }
}
