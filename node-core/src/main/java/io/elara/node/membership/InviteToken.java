package io.elara.node.membership;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A signed invitation into a session, compact enough to paste into a chat. Immutable and thread-safe.
 *
 * <p>Binary form (all integers big-endian):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Version (1)  |                                               |
 * +-+-+-+-+-+-+-+-+                                               +
 * |                      Session Id (128)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Invite Id (128)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Inviter, Ed25519 public key (256)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Expires At, Unix milliseconds (64)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Max Uses (16)          |  Name Length  | Session Name ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Candidate Count|     Type      |    Length     |  Body ...     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       ... Type, Length, Body once per candidate (0 to 8)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Signature (512)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li><b>Version</b>: 1. Any other value is {@code invite_version}.
 *   <li><b>Max Uses</b>: how many JOINs may redeem the invite; 0 means no limit.
 *   <li><b>Session Name</b>: 1 to 64 bytes of UTF-8 without control characters or surrounding spaces.
 *   <li><b>Candidates</b>: at most 8 entries of type (1 byte), length (1 byte) and body; see {@link InviteCandidate}
 *       (1 = IPv4 address and port, 6 bytes; 2 = IPv6, 18 bytes; other types but 0 are carried unread).
 *   <li><b>Signature</b>: the inviter's Ed25519 signature over {@code "elara-invite-v1"} followed by every byte before
 *       the signature.
 *   <li>The whole is at most {@link #ENCODED_LENGTH_MAX} bytes ({@code invite_too_long}); fields that disagree with
 *       the length, a name that breaks its rule or a candidate body that does not fit its type are
 *       {@code invite_malformed}.
 * </ul>
 *
 * <p>The encoding is canonical: each field has one encoding, the decoder refuses every other, so one token has exactly
 * one byte string and one text.
 *
 * <p>Text form: {@code elara-invite1:} followed by the binary form in unpadded base64url (RFC 4648 section 5). Base64url
 * rather than base32 because a typical token (two IPv4 addresses, a short name) is 162 bytes: 216 characters in
 * base64url plus the prefix stays under 250, where base32 would take 260 for the body alone. Its alphabet has no
 * character a chat client turns into a link break or quotes, and no padding. It is case-sensitive: a token passes
 * through copy and paste unchanged, and a change of case in the body fails the signature rather than naming another
 * invite. {@link #parse} ignores whitespace, line breaks and zero-width characters anywhere (chat clients insert
 * them when they wrap long words) and the case of the prefix.
 */
public final class InviteToken {
    /** The version this build writes and reads. */
    public static final int VERSION = 1;
    /** What the text form starts with. */
    public static final String TEXT_PREFIX = "elara-invite1:";
    /** Longest binary form accepted, in bytes. */
    public static final int ENCODED_LENGTH_MAX = 1024;
    /** Longest text form accepted, once whitespace is removed. */
    public static final int TEXT_LENGTH_MAX = TEXT_PREFIX.length() + (ENCODED_LENGTH_MAX * 4 + 2) / 3;
    /** Most candidates one invite carries. */
    public static final int CANDIDATES_MAX = 8;
    /** Longest session name, in UTF-8 bytes. */
    public static final int NAME_LENGTH_MAX = 64;
    /** Largest Max Uses; 0 means no limit. */
    public static final int MAX_USES_MAX = 0xFFFF;
    /** Length of the random invite id. */
    public static final int INVITE_ID_LENGTH = 16;
    /** Length of the signature. */
    public static final int SIGNATURE_LENGTH = Identity.SIGNATURE_LENGTH;

    static final int VERSION_OFFSET = 0;
    static final int SESSION_ID_OFFSET = 1;
    static final int INVITE_ID_OFFSET = SESSION_ID_OFFSET + SessionId.LENGTH;
    static final int INVITER_OFFSET = INVITE_ID_OFFSET + INVITE_ID_LENGTH;
    static final int EXPIRES_AT_OFFSET = INVITER_OFFSET + NodeId.LENGTH;
    static final int MAX_USES_OFFSET = EXPIRES_AT_OFFSET + 8;
    static final int NAME_LENGTH_OFFSET = MAX_USES_OFFSET + 2;
    static final int NAME_OFFSET = NAME_LENGTH_OFFSET + 1;
    /** Shortest possible encoding: a 1-byte name and no candidates. */
    static final int ENCODED_LENGTH_MIN = NAME_OFFSET + 1 + 1 + SIGNATURE_LENGTH;

    private static final byte[] SIGNATURE_DOMAIN = "elara-invite-v1".getBytes(StandardCharsets.US_ASCII);
    /** Bound on the raw pasted text, before whitespace is removed, so a huge paste costs no scan. */
    private static final int RAW_TEXT_LENGTH_MAX = 4 * TEXT_LENGTH_MAX;

    private final byte[] encoded;
    private final SessionId sessionId;
    private final byte[] inviteId;
    private final NodeId inviter;
    private final long expiresAtMs;
    private final int maxUses;
    private final String sessionName;
    private final List<InviteCandidate> candidates;

    private InviteToken(
            byte[] encoded,
            SessionId sessionId,
            byte[] inviteId,
            NodeId inviter,
            long expiresAtMs,
            int maxUses,
            String sessionName,
            List<InviteCandidate> candidates) {
        this.encoded = encoded;
        this.sessionId = sessionId;
        this.inviteId = inviteId;
        this.inviter = inviter;
        this.expiresAtMs = expiresAtMs;
        this.maxUses = maxUses;
        this.sessionName = sessionName;
        this.candidates = candidates;
    }

    /** A token or the reason there is none; exactly one of the two is set. */
    public record Decoded(InviteToken token, InviteReject reject) {
        public Decoded {
            if ((token == null) == (reject == InviteReject.NONE)) {
                throw new IllegalStateException(
                        "a decoded invite is a token or a reject, got " + token + ", " + reject);
            }
        }

        static Decoded of(InviteToken token) {
            return new Decoded(token, InviteReject.NONE);
        }

        static Decoded rejected(InviteReject reject) {
            return new Decoded(null, reject);
        }

        public boolean accepted() {
            return token != null;
        }
    }

    /**
     * A new invite signed by {@code inviter}.
     *
     * @param addresses resolved UDP addresses where the inviter can be reached, at most {@link #CANDIDATES_MAX}
     * @param maxUses 0 for no limit, else at most {@link #MAX_USES_MAX}
     * @param random draws the invite id ({@link SecureRandom} in production; seeded in tests)
     * @throws IllegalArgumentException when a field breaks its rule (name, address count, max uses)
     */
    public static InviteToken create(
            Identity inviter,
            SessionId sessionId,
            String sessionName,
            List<InetSocketAddress> addresses,
            Instant expiresAt,
            int maxUses,
            SecureRandom random) {
        List<InviteCandidate> candidates = new ArrayList<>(addresses.size());
        for (InetSocketAddress address : addresses) {
            candidates.add(InviteCandidate.of(address));
        }
        byte[] inviteId = new byte[INVITE_ID_LENGTH];
        random.nextBytes(inviteId);
        return create(inviter, sessionId, sessionName, candidates, expiresAt.toEpochMilli(), maxUses, inviteId);
    }

    /** As above with candidates of any type and a given invite id: for tests and for later candidate kinds. */
    static InviteToken create(
            Identity inviter,
            SessionId sessionId,
            String sessionName,
            List<InviteCandidate> candidates,
            long expiresAtMs,
            int maxUses,
            byte[] inviteId) {
        byte[] name = sessionName.getBytes(StandardCharsets.UTF_8);
        if (!nameValid(sessionName, name.length)) {
            throw new IllegalArgumentException("a session name is 1 to " + NAME_LENGTH_MAX
                    + " bytes without control characters or surrounding spaces: '" + sessionName + "'");
        }
        if (candidates.size() > CANDIDATES_MAX) {
            throw new IllegalArgumentException(
                    "an invite carries at most " + CANDIDATES_MAX + " addresses, got " + candidates.size());
        }
        if (maxUses < 0 || maxUses > MAX_USES_MAX) {
            throw new IllegalArgumentException("max uses is 0 (no limit) to " + MAX_USES_MAX + ", got " + maxUses);
        }
        if (inviteId.length != INVITE_ID_LENGTH) {
            throw new IllegalArgumentException("an invite id is " + INVITE_ID_LENGTH + " bytes");
        }
        int length = NAME_OFFSET + name.length + 1 + SIGNATURE_LENGTH;
        for (InviteCandidate candidate : candidates) {
            length += 2 + candidate.bodyLength();
        }
        if (length > ENCODED_LENGTH_MAX) {
            throw new IllegalArgumentException(
                    "the invite would be " + length + " bytes, at most " + ENCODED_LENGTH_MAX);
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put((byte) VERSION)
                .putLong(sessionId.high())
                .putLong(sessionId.low())
                .put(inviteId)
                .put(inviter.nodeId().toBytes())
                .putLong(expiresAtMs)
                .putShort((short) maxUses)
                .put((byte) name.length)
                .put(name)
                .put((byte) candidates.size());
        for (InviteCandidate candidate : candidates) {
            out.put((byte) candidate.type()).put((byte) candidate.bodyLength()).put(candidate.body());
        }
        byte[] encoded = out.array();
        byte[] signature = inviter.sign(signedMessage(encoded, out.position()));
        out.put(signature);
        assert !out.hasRemaining();
        Decoded check = decode(encoded);
        if (!check.accepted()) {
            throw new IllegalStateException("a created invite does not decode: " + check.reject());
        }
        return check.token();
    }

    /**
     * Parses the text form. Never throws: a refused text has its reason. Whitespace, line breaks and zero-width
     * characters anywhere are ignored, and so is the case of the prefix. Expiry is not checked here, so an expired
     * invite can still be described; call {@link #verify}.
     */
    public static Decoded parse(String text) {
        if (text.length() > RAW_TEXT_LENGTH_MAX) {
            return Decoded.rejected(InviteReject.INVITE_TOO_LONG);
        }
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c) && !zeroWidth(c)) {
                clean.append(c);
            }
        }
        if (clean.length() < TEXT_PREFIX.length()
                || !clean.substring(0, TEXT_PREFIX.length()).equalsIgnoreCase(TEXT_PREFIX)) {
            return Decoded.rejected(InviteReject.INVITE_PREFIX);
        }
        if (clean.length() > TEXT_LENGTH_MAX) {
            return Decoded.rejected(InviteReject.INVITE_TOO_LONG);
        }
        String body = clean.substring(TEXT_PREFIX.length());
        for (int i = 0; i < body.length(); i++) {
            if (!base64Url(body.charAt(i))) {
                return Decoded.rejected(InviteReject.INVITE_ENCODING);
            }
        }
        if (body.length() % 4 == 1) {
            // No byte string encodes to this length: a character was lost or added.
            return Decoded.rejected(InviteReject.INVITE_ENCODING);
        }
        byte[] bytes = Base64.getUrlDecoder().decode(body);
        // Unused low bits of the last character must be zero, or two texts would name one token.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(body)) {
            return Decoded.rejected(InviteReject.INVITE_ENCODING);
        }
        return decode(bytes);
    }

    /** Decodes the binary form (copied). Never throws: a refused input has its reason. Expiry is not checked here. */
    public static Decoded decode(byte[] bytes) {
        return decode(bytes, true);
    }

    /** As {@link #decode(byte[])}; with {@code verify} false the signature is not checked (see {@link Membership#restore}). */
    static Decoded decode(byte[] bytes, boolean verify) {
        if (bytes.length > ENCODED_LENGTH_MAX) {
            return Decoded.rejected(InviteReject.INVITE_TOO_LONG);
        }
        if (bytes.length == 0) {
            return Decoded.rejected(InviteReject.INVITE_MALFORMED);
        }
        if ((bytes[VERSION_OFFSET] & 0xFF) != VERSION) {
            return Decoded.rejected(InviteReject.INVITE_VERSION);
        }
        if (bytes.length < ENCODED_LENGTH_MIN) {
            return Decoded.rejected(InviteReject.INVITE_MALFORMED);
        }
        byte[] copy = bytes.clone();
        ByteBuffer in = ByteBuffer.wrap(copy);
        in.position(SESSION_ID_OFFSET);
        SessionId sessionId = new SessionId(in.getLong(), in.getLong());
        byte[] inviteId = new byte[INVITE_ID_LENGTH];
        in.get(inviteId);
        NodeId inviter = NodeId.of(copy, INVITER_OFFSET);
        in.position(EXPIRES_AT_OFFSET);
        long expiresAtMs = in.getLong();
        int maxUses = in.getShort() & 0xFFFF;
        int nameLength = in.get() & 0xFF;
        // What must follow the name: the candidate count and the signature.
        if (nameLength == 0 || nameLength > NAME_LENGTH_MAX || in.remaining() < nameLength + 1 + SIGNATURE_LENGTH) {
            return Decoded.rejected(InviteReject.INVITE_MALFORMED);
        }
        Optional<String> name = strictUtf8(copy, in.position(), nameLength);
        if (name.isEmpty() || !nameValid(name.get(), nameLength)) {
            return Decoded.rejected(InviteReject.INVITE_MALFORMED);
        }
        in.position(in.position() + nameLength);
        int count = in.get() & 0xFF;
        if (count > CANDIDATES_MAX) {
            return Decoded.rejected(InviteReject.INVITE_MALFORMED);
        }
        List<InviteCandidate> candidates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (in.remaining() < 2 + SIGNATURE_LENGTH) {
                return Decoded.rejected(InviteReject.INVITE_MALFORMED);
            }
            int type = in.get() & 0xFF;
            int length = in.get() & 0xFF;
            if (in.remaining() < length + SIGNATURE_LENGTH) {
                return Decoded.rejected(InviteReject.INVITE_MALFORMED);
            }
            byte[] body = new byte[length];
            in.get(body);
            Optional<InviteCandidate> candidate = InviteCandidate.read(type, body);
            if (candidate.isEmpty()) {
                return Decoded.rejected(InviteReject.INVITE_MALFORMED);
            }
            candidates.add(candidate.get());
        }
        if (in.remaining() != SIGNATURE_LENGTH) {
            return Decoded.rejected(InviteReject.INVITE_MALFORMED);
        }
        int signedLength = in.position();
        byte[] signature = Arrays.copyOfRange(copy, signedLength, copy.length);
        if (verify && !Identity.verify(inviter, signedMessage(copy, signedLength), signature)) {
            return Decoded.rejected(InviteReject.INVITE_SIGNATURE);
        }
        return Decoded.of(new InviteToken(
                copy, sessionId, inviteId, inviter, expiresAtMs, maxUses, name.get(), List.copyOf(candidates)));
    }

    /** {@link InviteReject#INVITE_EXPIRED} when the invite has expired at {@code now}, else {@code NONE}. */
    public InviteReject verify(Instant now) {
        return expiredAt(now.toEpochMilli()) ? InviteReject.INVITE_EXPIRED : InviteReject.NONE;
    }

    /** True when the invite is no longer valid at {@code epochMs}: the expiry instant itself is past it. */
    public boolean expiredAt(long epochMs) {
        return epochMs >= expiresAtMs;
    }

    /**
     * One line for the user who pasted the token, for example {@code invite to 'lobby' from abcdefghij, expired 2
     * hours ago}.
     */
    public String describe(Instant now) {
        String what = "invite to '" + sessionName + "' from " + inviter.shortForm();
        long leftMs = expiresAtMs - now.toEpochMilli();
        return leftMs > 0
                ? what + ", expires in " + humanDuration(leftMs)
                : what + ", expired " + humanDuration(-leftMs) + " ago";
    }

    /** The text form, {@link #TEXT_PREFIX} then unpadded base64url. */
    public String text() {
        return TEXT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(encoded);
    }

    /** A copy of the binary form. */
    public byte[] encoded() {
        return encoded.clone();
    }

    int encodedLength() {
        return encoded.length;
    }

    public SessionId sessionId() {
        return sessionId;
    }

    public String sessionName() {
        return sessionName;
    }

    /** A copy of the 16-byte invite id. */
    public byte[] inviteId() {
        return inviteId.clone();
    }

    /** The invite id as text, for keys and display. */
    public String inviteIdHex() {
        return HexFormat.of().formatHex(inviteId);
    }

    public NodeId inviter() {
        return inviter;
    }

    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMs);
    }

    public long expiresAtMs() {
        return expiresAtMs;
    }

    /** How many JOINs may redeem the invite; 0 means no limit. */
    public int maxUses() {
        return maxUses;
    }

    public List<InviteCandidate> candidates() {
        return candidates;
    }

    /** The addresses among the candidates, in the inviter's order. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(candidates.size());
        for (InviteCandidate candidate : candidates) {
            candidate.address().ifPresent(addresses::add);
        }
        return addresses;
    }

    private static byte[] signedMessage(byte[] encoded, int signedLength) {
        byte[] message = new byte[SIGNATURE_DOMAIN.length + signedLength];
        System.arraycopy(SIGNATURE_DOMAIN, 0, message, 0, SIGNATURE_DOMAIN.length);
        System.arraycopy(encoded, 0, message, SIGNATURE_DOMAIN.length, signedLength);
        return message;
    }

    static boolean nameValid(String name, int utf8Length) {
        if (utf8Length < 1 || utf8Length > NAME_LENGTH_MAX || !name.strip().equals(name)) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The string when the bytes are well-formed UTF-8 (no overlong forms, no lone surrogates), else empty. */
    static Optional<String> strictUtf8(byte[] bytes, int offset, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length));
            return Optional.of(chars.toString());
        } catch (CharacterCodingException e) {
            // Counted by the caller as a malformed input; the exception itself carries nothing more.
            return Optional.empty();
        }
    }

    private static boolean zeroWidth(char c) {
        return c == '\u200B' || c == '\u200C' || c == '\u200D' || c == '\u2060' || c == '\uFEFF';
    }

    private static boolean base64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static String humanDuration(long ms) {
        Duration duration = Duration.ofMillis(ms);
        if (duration.toDays() >= 2) {
            return duration.toDays() + " days";
        }
        if (duration.toHours() >= 2) {
            return duration.toHours() + " hours";
        }
        if (duration.toMinutes() >= 2) {
            return duration.toMinutes() + " minutes";
        }
        return Math.max(1, duration.toSeconds()) + " seconds";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InviteToken that && Arrays.equals(encoded, that.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "InviteToken[" + sessionName + " " + sessionId + " from " + inviter.shortForm() + " id " + inviteIdHex()
                + " uses " + maxUses + " expires " + expiresAt() + " " + candidates + "]";
    }
}
