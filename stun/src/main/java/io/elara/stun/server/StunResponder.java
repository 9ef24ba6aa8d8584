package io.elara.stun.server;

import io.elara.stun.codec.StunAttributes;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import io.elara.stun.codec.StunReject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Answers STUN Binding requests (RFC 8489) that arrive on a node's UDP port, so that every reachable node is a STUN
 * server for the others. Sans-I/O: the caller passes each STUN datagram in with its source and the time, and sends
 * the response it gets back. One thread (the node's loop).
 *
 * <p><b>What it answers.</b> A Binding request gets a success response with XOR-MAPPED-ADDRESS (the request's source)
 * and FINGERPRINT; an RFC 3489 request (no magic cookie, as Debian's {@code stun} client sends) gets MAPPED-ADDRESS.
 * A CHANGE-REQUEST asking for another address or port gets 420: this server has no alternate address. A request with MESSAGE-INTEGRITY is checked first: with a short-term credential (USERNAME without
 * REALM, as ICE sends; {@link ShortTermKeys}) or a long-term one (USERNAME, REALM, NONCE; {@link Settings#users}); the
 * response to an authenticated request carries MESSAGE-INTEGRITY too. Error responses: 400 for a request this server
 * does not serve (another method) or one missing what its credential needs, 401 for a wrong credential (or none when
 * {@link Settings#requireAuthentication}), 420 with UNKNOWN-ATTRIBUTES for comprehension-required attributes it does
 * not know, 438 for a nonce that is stale or not its own. Indications and responses are not answered.
 *
 * <p><b>No amplification.</b> A response to a request that is not authenticated is at most {@link
 * #UNAUTHENTICATED_RESPONSE_MAX} bytes, whatever the request held (UNKNOWN-ATTRIBUTES lists at most four types; the
 * realm is at most 64 bytes), and no response goes to a source beyond its rate: a global token bucket and one per
 * source address (hashed into a fixed table, so a flood from many spoofed addresses costs no memory).
 */
public final class StunResponder {
    /** The largest response to a request that carries no valid credential, in bytes. */
    public static final int UNAUTHENTICATED_RESPONSE_MAX = 160;
    /** The longest realm, in bytes of UTF-8. */
    public static final int REALM_BYTES_MAX = 64;
    /** How long a nonce this server hands out stays valid. */
    public static final long NONCE_LIFETIME_NS = 600_000_000_000L;

    private static final int UNKNOWN_LISTED_MAX = 4;
    /** CHANGE-REQUEST's "change IP" and "change port" flags. */
    private static final int CHANGE_IP_OR_PORT = 0x06;

    private static final long SECOND_NS = 1_000_000_000L;

    /** What became of one datagram. */
    public enum Outcome {
        /** A success response was sent. */
        ANSWERED("answered"),
        /** An error response was sent (400, 401, 420, 438). */
        ANSWERED_ERROR("answered_error"),
        /** Not a well-formed STUN message: dropped. */
        MALFORMED("malformed"),
        /** Over the global or the source's rate: dropped. */
        RATE_LIMITED("rate_limited"),
        /** A response or an indication, which this server does not answer: dropped. */
        NOT_A_REQUEST("not_a_request");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The key of a short-term USERNAME (ICE: "local-ufrag:remote-ufrag"), or null when it is not known. */
    @FunctionalInterface
    public interface ShortTermKeys {
        byte[] key(String username);
    }

    /**
     * How the responder behaves.
     *
     * @param ratePerSecond responses per second at most, to all sources together
     * @param burst responses that may go at once before the rate applies
     * @param sourceRatePerSecond responses per second to one source address (and those hashed alike)
     * @param sourceBurst the same, at once
     * @param realm the realm of long-term credentials; null for none
     * @param users long-term users and their keys ({@code StunCredentials.longTermKey}); empty for none
     * @param requireAuthentication whether a request without a credential is refused (401) instead of answered
     * @param software the SOFTWARE attribute of authenticated responses; null for none
     */
    public record Settings(
            int ratePerSecond,
            int burst,
            int sourceRatePerSecond,
            int sourceBurst,
            String realm,
            Map<String, byte[]> users,
            boolean requireAuthentication,
            String software) {
        public Settings {
            users = Map.copyOf(users);
            if (realm != null && realm.getBytes(StandardCharsets.UTF_8).length > REALM_BYTES_MAX) {
                throw new IllegalArgumentException("a STUN realm is at most " + REALM_BYTES_MAX + " bytes");
            }
            if (ratePerSecond <= 0 || burst <= 0 || sourceRatePerSecond <= 0 || sourceBurst <= 0) {
                throw new IllegalArgumentException("STUN rates and bursts are positive");
            }
            if (requireAuthentication && realm == null) {
                throw new IllegalArgumentException("a STUN server that requires authentication needs a realm");
            }
        }

        /** Open to all, 2,000 responses a second (burst 200), 20 a second to one source (burst 20). */
        public static Settings defaults() {
            return new Settings(2_000, 200, 20, 20, null, Map.of(), false, null);
        }
    }

    private final Settings settings;
    private final ShortTermKeys shortTermKeys;
    private final byte[] nonceSecret;
    private final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    private final Map<StunReject, Long> malformed = new EnumMap<>(StunReject.class);
    private final SourceRateLimiter limiter;

    /**
     * @param shortTermKeys where short-term credentials come from (null: none are known, so a request with one gets
     *     401)
     * @param nonceSecret 16 or more random bytes nonces are made from (they carry their time and source, MACed)
     */
    public StunResponder(Settings settings, ShortTermKeys shortTermKeys, byte[] nonceSecret) {
        if (nonceSecret.length < 16) {
            throw new IllegalArgumentException("a nonce secret is at least 16 bytes");
        }
        this.settings = settings;
        this.limiter = new SourceRateLimiter(
                settings.ratePerSecond(), settings.burst(), settings.sourceRatePerSecond(), settings.sourceBurst());
        this.shortTermKeys = shortTermKeys;
        this.nonceSecret = nonceSecret.clone();
    }

    /**
     * Handles the STUN datagram {@code request} from {@code from} at {@code nowNs}; returns the response to send back
     * to {@code from}, or null (why: {@link #lastOutcome}). Never throws on bad input.
     */
    public byte[] handle(byte[] request, InetSocketAddress from, long nowNs) {
        StunMessage.Decoded decoded = StunMessage.decode(request);
        if (!decoded.ok()) {
            malformed.merge(decoded.reject(), 1L, Long::sum);
            return done(Outcome.MALFORMED, null);
        }
        StunMessage message = decoded.message();
        if (message.messageClass() != StunHeaderFlyweight.CLASS_REQUEST) {
            return done(Outcome.NOT_A_REQUEST, null);
        }
        if (!limiter.admit(from, nowNs)) {
            return done(Outcome.RATE_LIMITED, null);
        }
        if (message.method() != StunHeaderFlyweight.METHOD_BINDING) {
            return error(message, 400, "Bad Request: this server answers Binding only", null);
        }
        List<Integer> unknown = new java.util.ArrayList<>(message.unknownRequired(StunResponder::understood));
        StunMessage.Attribute change = message.attribute(StunAttributes.CHANGE_REQUEST);
        if (change != null && (change.length() != 4 || (change.value()[3] & CHANGE_IP_OR_PORT) != 0)) {
            // This server has no alternate address to answer from (RFC 5780 section 7.2; RFC 3489 section 8.2).
            unknown.add(StunAttributes.CHANGE_REQUEST);
        }
        if (!unknown.isEmpty()) {
            StunMessage.Builder response = errorBuilder(message, 420, "Unknown Attribute");
            response.unknownAttributes(unknown.subList(0, Math.min(unknown.size(), UNKNOWN_LISTED_MAX)));
            return done(Outcome.ANSWERED_ERROR, response.encode(null, !message.classic()));
        }
        if (message.classic()) {
            // An RFC 3489 client: MAPPED-ADDRESS, which it knows, and nothing it does not; it has no credentials here.
            if (message.attribute(StunAttributes.MESSAGE_INTEGRITY) != null || settings.requireAuthentication()) {
                return error(message, 401, "Unauthorized", null);
            }
            return done(
                    Outcome.ANSWERED,
                    StunMessage.responseTo(message, StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE)
                            .address(StunAttributes.MAPPED_ADDRESS, from)
                            .encode(null, false));
        }
        byte[] key = null;
        if (message.attribute(StunAttributes.MESSAGE_INTEGRITY) != null) {
            String username = message.text(StunAttributes.USERNAME);
            if (username == null) {
                return error(message, 400, "Bad Request: MESSAGE-INTEGRITY without USERNAME", null);
            }
            if (message.attribute(StunAttributes.REALM) != null) {
                if (settings.realm() == null) {
                    return error(message, 400, "Bad Request: no long-term credentials here", null);
                }
                String nonce = message.text(StunAttributes.NONCE);
                if (nonce == null) {
                    return error(message, 400, "Bad Request: REALM without NONCE", null);
                }
                if (!nonceValid(nonce, from, nowNs)) {
                    return challenge(message, 438, "Stale Nonce", from, nowNs);
                }
                key = settings.users().get(username);
                if (key == null || !settings.realm().equals(message.text(StunAttributes.REALM))) {
                    return challenge(message, 401, "Unauthorized", from, nowNs);
                }
            } else {
                key = shortTermKeys == null ? null : shortTermKeys.key(username);
                if (key == null) {
                    return error(message, 401, "Unauthorized", null);
                }
            }
            if (message.integrity(key) != StunMessage.Integrity.VALID) {
                return message.attribute(StunAttributes.REALM) != null
                        ? challenge(message, 401, "Unauthorized", from, nowNs)
                        : error(message, 401, "Unauthorized", null);
            }
        } else if (settings.requireAuthentication()) {
            return challenge(message, 401, "Unauthorized", from, nowNs);
        }
        StunMessage.Builder response = StunMessage.responseTo(message, StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE)
                .address(StunAttributes.XOR_MAPPED_ADDRESS, from);
        if (key != null && settings.software() != null) {
            response.text(StunAttributes.SOFTWARE, settings.software());
        }
        return done(Outcome.ANSWERED, response.encode(key, true));
    }

    /** What the last {@link #handle} did. */
    public Outcome lastOutcome() {
        return lastOutcome;
    }

    private Outcome lastOutcome = Outcome.MALFORMED;

    /** Datagrams handled so far, by outcome. */
    public long count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }

    /** Malformed datagrams so far, by reason. */
    public Map<StunReject, Long> malformed() {
        return Map.copyOf(malformed);
    }

    private byte[] done(Outcome outcome, byte[] response) {
        lastOutcome = outcome;
        outcomes.merge(outcome, 1L, Long::sum);
        return response;
    }

    private static boolean understood(int type) {
        return switch (type) {
            case StunAttributes.USERNAME,
                    StunAttributes.CHANGE_REQUEST,
                    StunAttributes.MESSAGE_INTEGRITY,
                    StunAttributes.REALM,
                    StunAttributes.NONCE,
                    StunAttributes.PRIORITY,
                    StunAttributes.USE_CANDIDATE,
                    StunAttributes.PADDING -> true;
            default -> false;
        };
    }

    private static StunMessage.Builder errorBuilder(StunMessage request, int code, String reason) {
        return StunMessage.responseTo(request, StunHeaderFlyweight.CLASS_ERROR_RESPONSE)
                .errorCode(code, reason);
    }

    private byte[] error(StunMessage request, int code, String reason, byte[] key) {
        return done(Outcome.ANSWERED_ERROR, errorBuilder(request, code, reason).encode(key, !request.classic()));
    }

    /** A 401 or 438 with this server's REALM and a fresh NONCE, so the client can try again with its credential. */
    private byte[] challenge(StunMessage request, int code, String reason, InetSocketAddress from, long nowNs) {
        StunMessage.Builder response = errorBuilder(request, code, reason);
        if (settings.realm() != null) {
            response.text(StunAttributes.REALM, settings.realm()).text(StunAttributes.NONCE, nonce(from, nowNs));
        }
        return done(Outcome.ANSWERED_ERROR, response.encode(null, true));
    }

    /**
     * A nonce for {@code from}: its issue time in seconds and a MAC of that time and the source, base64url, 22
     * characters. Nothing is kept per nonce.
     */
    String nonce(InetSocketAddress from, long nowNs) {
        long issuedS = Math.floorDiv(nowNs, SECOND_NS);
        byte[] time = new byte[6];
        for (int i = 0; i < time.length; i++) {
            time[i] = (byte) (issuedS >>> (40 - 8 * i));
        }
        byte[] mac = Arrays.copyOf(nonceMac(time, from), 10);
        byte[] nonce = new byte[16];
        System.arraycopy(time, 0, nonce, 0, 6);
        System.arraycopy(mac, 0, nonce, 6, 10);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    }

    private boolean nonceValid(String nonce, InetSocketAddress from, long nowNs) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (bytes.length != 16) {
            return false;
        }
        byte[] time = Arrays.copyOf(bytes, 6);
        long issuedS = 0;
        for (byte b : time) {
            issuedS = (issuedS << 8) | (b & 0xFF);
        }
        long ageNs = nowNs - issuedS * SECOND_NS;
        return ageNs >= -SECOND_NS
                && ageNs <= NONCE_LIFETIME_NS
                && MessageDigest.isEqual(Arrays.copyOf(nonceMac(time, from), 10), Arrays.copyOfRange(bytes, 6, 16));
    }

    private byte[] nonceMac(byte[] time, InetSocketAddress from) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nonceSecret, "HmacSHA256"));
            mac.update(time);
            mac.update(from.getAddress().getAddress());
            mac.update((byte) (from.getPort() >>> 8));
            mac.update((byte) from.getPort());
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }
}
