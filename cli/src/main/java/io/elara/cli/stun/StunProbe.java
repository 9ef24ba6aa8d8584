package io.elara.cli.stun;

import io.elara.stun.codec.StunAttributes;
import io.elara.stun.codec.StunCredentials;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/**
 * A STUN client on one UDP socket, for {@code elara stun}: Binding requests (RFC 8489), with CHANGE-REQUEST for NAT
 * behaviour discovery (RFC 5780), and a TURN allocation (RFC 8656) with a long-term credential. Blocking; one request
 * at a time; each sent again after 250, 500, 1000 ms (doubling) until its time is up.
 */
public final class StunProbe implements AutoCloseable {
    /** The TURN Allocate method. */
    public static final int METHOD_ALLOCATE = 0x003;
    /** The TURN Refresh method. */
    public static final int METHOD_REFRESH = 0x004;
    /** CHANGE-REQUEST flags (RFC 5780 section 7.2). */
    public static final int CHANGE_IP = 0x04;

    public static final int CHANGE_PORT = 0x02;

    private static final int UDP = 17;
    private static final long FIRST_RETRY_MS = 250;

    private final DatagramSocket socket;
    private final long timeoutMs;
    private final SecureRandom random = new SecureRandom();
    private final byte[] buffer = new byte[2048];

    /** An answer and where it came from. */
    public record Reply(StunMessage message, InetSocketAddress from) {}

    /** What a TURN server allocated, or why it did not. */
    public record Allocation(
            InetSocketAddress relayed, InetSocketAddress reflexive, int lifetimeSeconds, String error) {}

    /** @param timeoutMs how long one request waits for its answer, retransmissions included */
    public StunProbe(DatagramSocket socket, long timeoutMs) {
        this.socket = socket;
        this.timeoutMs = timeoutMs;
    }

    /** The socket's local address. */
    public InetSocketAddress local() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /**
     * A Binding request to {@code server}, asking it to answer from another address or port when {@code changeFlags}
     * ({@link #CHANGE_IP}, {@link #CHANGE_PORT}) say so; the reply, or null when none came in time.
     */
    public Reply binding(InetSocketAddress server, int changeFlags) throws IOException {
        StunMessage.Builder request = StunMessage.builder(
                StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_REQUEST, transactionId());
        if (changeFlags != 0) {
            request.u32(StunAttributes.CHANGE_REQUEST, changeFlags);
        }
        return exchange(server, request);
    }

    /**
     * Allocates a relayed address on the TURN server {@code server} as {@code username} (the first request learns the
     * realm and nonce from the 401 it gets), then releases it again (a Refresh with lifetime 0).
     */
    public Allocation allocate(InetSocketAddress server, String username, String password) throws IOException {
        Reply first = exchange(server, allocateRequest());
        if (first == null) {
            return failed("no answer from the TURN server within " + timeoutMs + " ms");
        }
        byte[] key = null;
        String realm = first.message().text(StunAttributes.REALM);
        String nonce = first.message().text(StunAttributes.NONCE);
        Reply reply = first;
        for (int attempt = 0; attempt < 2 && isError(reply, 401, 438); attempt++) {
            if (realm == null || nonce == null) {
                return failed("the TURN server asked for credentials but sent no realm or nonce");
            }
            key = StunCredentials.longTermKey(username, realm, password);
            StunMessage.Builder request = allocateRequest()
                    .text(StunAttributes.USERNAME, username)
                    .text(StunAttributes.REALM, realm)
                    .text(StunAttributes.NONCE, nonce);
            reply = exchange(server, request, key);
            if (reply == null) {
                return failed("no answer from the TURN server within " + timeoutMs + " ms");
            }
            if (isError(reply, 438)) {
                nonce = reply.message().text(StunAttributes.NONCE); // stale: once more with the fresh one
            } else if (isError(reply, 401)) {
                return failed("the TURN server refused the credentials of '" + username + "' (401 Unauthorized)");
            }
        }
        StunMessage answer = reply.message();
        if (answer.messageClass() == StunHeaderFlyweight.CLASS_ERROR_RESPONSE) {
            StunMessage.ErrorCode error = answer.errorCode();
            return failed("the TURN server refused the allocation: "
                    + (error == null ? "an error without a code" : error.code() + " " + error.reason()));
        }
        if (key != null && answer.integrity(key) != StunMessage.Integrity.VALID) {
            return failed("the TURN server's answer does not carry a valid MESSAGE-INTEGRITY");
        }
        InetSocketAddress relayed = answer.address(StunAttributes.XOR_RELAYED_ADDRESS);
        if (relayed == null) {
            return failed("the TURN server's answer has no XOR-RELAYED-ADDRESS");
        }
        StunMessage.Attribute lifetime = answer.attribute(StunAttributes.LIFETIME);
        int seconds = lifetime == null || lifetime.length() != 4
                ? 0
                : java.nio.ByteBuffer.wrap(lifetime.value()).getInt();
        if (key != null) {
            // Release it: a probe should not hold a relay port for ten minutes.
            StunMessage.Builder refresh = StunMessage.builder(
                            METHOD_REFRESH, StunHeaderFlyweight.CLASS_REQUEST, transactionId())
                    .u32(StunAttributes.LIFETIME, 0)
                    .text(StunAttributes.USERNAME, username)
                    .text(StunAttributes.REALM, realm)
                    .text(StunAttributes.NONCE, nonce);
            exchange(server, refresh, key);
        }
        return new Allocation(relayed, answer.address(StunAttributes.XOR_MAPPED_ADDRESS), seconds, null);
    }

    private static Allocation failed(String why) {
        return new Allocation(null, null, 0, why);
    }

    private static boolean isError(Reply reply, int... codes) {
        StunMessage.ErrorCode error = reply.message().errorCode();
        if (reply.message().messageClass() != StunHeaderFlyweight.CLASS_ERROR_RESPONSE || error == null) {
            return false;
        }
        for (int code : codes) {
            if (error.code() == code) {
                return true;
            }
        }
        return false;
    }

    private StunMessage.Builder allocateRequest() {
        return StunMessage.builder(METHOD_ALLOCATE, StunHeaderFlyweight.CLASS_REQUEST, transactionId())
                .u32(StunAttributes.REQUESTED_TRANSPORT, UDP << 24);
    }

    private byte[] transactionId() {
        byte[] id = new byte[StunHeaderFlyweight.TRANSACTION_ID_LENGTH];
        random.nextBytes(id);
        return id;
    }

    private Reply exchange(InetSocketAddress server, StunMessage.Builder request) throws IOException {
        return exchange(server, request, null);
    }

    /**
     * Sends {@code request} (with MESSAGE-INTEGRITY under {@code key} when given, and FINGERPRINT) until an answer with
     * its transaction id comes, from any address, or the time is up.
     */
    private Reply exchange(InetSocketAddress server, StunMessage.Builder request, byte[] key) throws IOException {
        byte[] bytes = request.encode(key, true);
        byte[] id = java.util.Arrays.copyOfRange(bytes, 8, 20);
        long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        long retryMs = FIRST_RETRY_MS;
        while (true) {
            socket.send(new DatagramPacket(bytes, bytes.length, server));
            long resendNs = Math.min(deadlineNs, System.nanoTime() + retryMs * 1_000_000L);
            retryMs *= 2;
            while (true) {
                long waitMs = (resendNs - System.nanoTime()) / 1_000_000L;
                if (waitMs <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, waitMs));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                StunMessage.Decoded decoded =
                        StunMessage.decode(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                if (decoded.ok()
                        && decoded.message().hasTransactionId(id)
                        && decoded.message().messageClass() != StunHeaderFlyweight.CLASS_REQUEST) {
                    return new Reply(decoded.message(), (InetSocketAddress) packet.getSocketAddress());
                }
                // Anything else (a late answer to an earlier request, noise) is not this request's answer.
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
