package io.elara.node.membership;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One signed change to a session's membership. Immutable and thread-safe.
 *
 * <p>Binary form (all integers big-endian):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Version (1)  |     Kind      |        Invite Length (16)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Session Id (128)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Subject, Ed25519 public key (256)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Actor, Ed25519 public key (256)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Hybrid Logical Clock (64)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Invite (Invite Length bytes, binary InviteToken) ...   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Signature (512)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li><b>Version</b>: 1; any other value is {@code membership_version}.
 *   <li><b>Kind</b>: 1 = JOIN, 2 = LEAVE, 3 = KICK, 4 = BAN; any other value is {@code membership_kind}.
 *   <li><b>Invite Length</b>: 1 to {@link InviteToken#ENCODED_LENGTH_MAX} for a JOIN, 0 for every other kind
 *       ({@code membership_malformed} otherwise).
 *   <li><b>Subject</b>: the member joining, leaving or removed. <b>Actor</b>: the node that signs.
 *   <li><b>Hybrid Logical Clock</b>: 48 bits of milliseconds since the Unix epoch, 16 bits of logical counter, as in
 *       EVENT. It orders operations (see {@link Membership}) and a JOIN must come before its invite's expiry.
 *   <li><b>Invite</b>: the whole binary invite a JOIN redeems, so any member can check the inviter's signature on its
 *       own. One that does not decode, or whose signature fails, is {@code membership_invite}.
 *   <li><b>Signature</b>: the actor's Ed25519 signature over {@code "elara-membership-op-v1"} followed by every byte
 *       before it ({@code membership_signature}).
 *   <li>The total length must be 156 + Invite Length ({@code membership_malformed}).
 * </ul>
 *
 * <p>Canonical: the invite is canonical, every other field has a fixed width, so one operation has one byte string.
 */
public final class MembershipOp {
    /** The version this build writes and reads. */
    public static final int VERSION = 1;
    /** Length without the invite. */
    public static final int FIXED_LENGTH = 4 + SessionId.LENGTH + 2 * NodeId.LENGTH + 8 + Identity.SIGNATURE_LENGTH;
    /** Longest encoding. */
    public static final int ENCODED_LENGTH_MAX = FIXED_LENGTH + InviteToken.ENCODED_LENGTH_MAX;

    static final int VERSION_OFFSET = 0;
    static final int KIND_OFFSET = 1;
    static final int INVITE_LENGTH_OFFSET = 2;
    static final int SESSION_ID_OFFSET = 4;
    static final int SUBJECT_OFFSET = SESSION_ID_OFFSET + SessionId.LENGTH;
    static final int ACTOR_OFFSET = SUBJECT_OFFSET + NodeId.LENGTH;
    static final int HLC_OFFSET = ACTOR_OFFSET + NodeId.LENGTH;
    static final int INVITE_OFFSET = HLC_OFFSET + 8;

    private static final byte[] SIGNATURE_DOMAIN = "elara-membership-op-v1".getBytes(StandardCharsets.US_ASCII);

    /** What an operation does, with its code on the wire. */
    public enum Kind {
        JOIN(1),
        LEAVE(2),
        KICK(3),
        BAN(4);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Optional<Kind> of(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /** An operation or the reason there is none; exactly one of the two is set. */
    public record Decoded(MembershipOp op, MembershipReject reject) {
        public Decoded {
            if ((op == null) == (reject == MembershipReject.NONE)) {
                throw new IllegalStateException("a decoded operation is an op or a reject, got " + op + ", " + reject);
            }
        }

        static Decoded rejected(MembershipReject reject) {
            return new Decoded(null, reject);
        }

        public boolean accepted() {
            return op != null;
        }
    }

    private final byte[] encoded;
    private final Kind kind;
    private final SessionId sessionId;
    private final NodeId subject;
    private final NodeId actor;
    private final long hlc;
    private final InviteToken invite;

    private MembershipOp(
            byte[] encoded,
            Kind kind,
            SessionId sessionId,
            NodeId subject,
            NodeId actor,
            long hlc,
            InviteToken invite) {
        this.encoded = encoded;
        this.kind = kind;
        this.sessionId = sessionId;
        this.subject = subject;
        this.actor = actor;
        this.hlc = hlc;
        this.invite = invite;
    }

    /** The JOIN by which {@code joiner} redeems {@code invite}; session and subject come from them. */
    public static MembershipOp join(Identity joiner, InviteToken invite, long hlc) {
        return create(joiner, Kind.JOIN, invite.sessionId(), joiner.nodeId(), hlc, invite);
    }

    /** The LEAVE by which {@code member} leaves the session. */
    public static MembershipOp leave(Identity member, SessionId sessionId, long hlc) {
        return create(member, Kind.LEAVE, sessionId, member.nodeId(), hlc, null);
    }

    /** The KICK by which {@code creator} removes {@code subject}. */
    public static MembershipOp kick(Identity creator, SessionId sessionId, NodeId subject, long hlc) {
        return create(creator, Kind.KICK, sessionId, subject, hlc, null);
    }

    /** The BAN by which {@code creator} removes {@code subject} and forbids it to join again. */
    public static MembershipOp ban(Identity creator, SessionId sessionId, NodeId subject, long hlc) {
        return create(creator, Kind.BAN, sessionId, subject, hlc, null);
    }

    /**
     * Any operation signed by {@code actor}, whether or not a session would accept it: the rules of who may do what
     * are {@link Membership}'s.
     *
     * @param invite the invite a JOIN redeems; null for every other kind
     */
    public static MembershipOp create(
            Identity actor, Kind kind, SessionId sessionId, NodeId subject, long hlc, InviteToken invite) {
        if ((kind == Kind.JOIN) != (invite != null)) {
            throw new IllegalArgumentException("a JOIN carries an invite and no other kind does: " + kind);
        }
        int inviteLength = invite == null ? 0 : invite.encodedLength();
        ByteBuffer out = ByteBuffer.allocate(FIXED_LENGTH + inviteLength);
        out.put((byte) VERSION)
                .put((byte) kind.code())
                .putShort((short) inviteLength)
                .putLong(sessionId.high())
                .putLong(sessionId.low())
                .put(subject.toBytes())
                .put(actor.nodeId().toBytes())
                .putLong(hlc);
        if (invite != null) {
            out.put(invite.encoded());
        }
        byte[] encoded = out.array();
        out.put(actor.sign(signedMessage(encoded, out.position())));
        assert !out.hasRemaining();
        Decoded check = decode(encoded);
        if (!check.accepted()) {
            throw new IllegalStateException("a created operation does not decode: " + check.reject());
        }
        return check.op();
    }

    /**
     * Decodes the binary form (copied). Never throws: a refused input has its reason. Checks the layout, the invite's
     * own signature and the actor's signature; the rules of the session are {@link Membership#apply}'s.
     */
    public static Decoded decode(byte[] bytes) {
        return decode(bytes, true);
    }

    /** As {@link #decode(byte[])}; with {@code verify} false no signature is checked (see {@link Membership#restore}). */
    static Decoded decode(byte[] bytes, boolean verify) {
        if (bytes.length == 0) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_MALFORMED);
        }
        if ((bytes[VERSION_OFFSET] & 0xFF) != VERSION) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_VERSION);
        }
        if (bytes.length < FIXED_LENGTH || bytes.length > ENCODED_LENGTH_MAX) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_MALFORMED);
        }
        Optional<Kind> kind = Kind.of(bytes[KIND_OFFSET] & 0xFF);
        if (kind.isEmpty()) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_KIND);
        }
        byte[] copy = bytes.clone();
        ByteBuffer in = ByteBuffer.wrap(copy);
        int inviteLength = in.getShort(INVITE_LENGTH_OFFSET) & 0xFFFF;
        if ((kind.get() == Kind.JOIN) == (inviteLength == 0)
                || inviteLength > InviteToken.ENCODED_LENGTH_MAX
                || copy.length != FIXED_LENGTH + inviteLength) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_MALFORMED);
        }
        SessionId sessionId = new SessionId(in.getLong(SESSION_ID_OFFSET), in.getLong(SESSION_ID_OFFSET + 8));
        NodeId subject = NodeId.of(copy, SUBJECT_OFFSET);
        NodeId actor = NodeId.of(copy, ACTOR_OFFSET);
        long hlc = in.getLong(HLC_OFFSET);
        InviteToken invite = null;
        if (inviteLength > 0) {
            InviteToken.Decoded decoded =
                    InviteToken.decode(Arrays.copyOfRange(copy, INVITE_OFFSET, INVITE_OFFSET + inviteLength), verify);
            if (!decoded.accepted()) {
                return Decoded.rejected(MembershipReject.MEMBERSHIP_INVITE);
            }
            invite = decoded.token();
        }
        int signedLength = INVITE_OFFSET + inviteLength;
        byte[] signature = Arrays.copyOfRange(copy, signedLength, copy.length);
        if (verify && !Identity.verify(actor, signedMessage(copy, signedLength), signature)) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_SIGNATURE);
        }
        return new Decoded(
                new MembershipOp(copy, kind.get(), sessionId, subject, actor, hlc, invite), MembershipReject.NONE);
    }

    /** A copy of the binary form. */
    public byte[] encoded() {
        return encoded.clone();
    }

    int encodedLength() {
        return encoded.length;
    }

    /** Orders by the bytes of the binary form, the last tie-breaker of {@link Membership}'s order. */
    int compareEncoded(MembershipOp other) {
        return Arrays.compareUnsigned(encoded, other.encoded);
    }

    public Kind kind() {
        return kind;
    }

    public SessionId sessionId() {
        return sessionId;
    }

    public NodeId subject() {
        return subject;
    }

    public NodeId actor() {
        return actor;
    }

    /** The hybrid logical clock timestamp (48 bits of Unix milliseconds, 16 of logical counter). */
    public long hlc() {
        return hlc;
    }

    /** The invite a JOIN redeems; empty for every other kind. */
    public Optional<InviteToken> invite() {
        return Optional.ofNullable(invite);
    }

    private static byte[] signedMessage(byte[] encoded, int signedLength) {
        byte[] message = new byte[SIGNATURE_DOMAIN.length + signedLength];
        System.arraycopy(SIGNATURE_DOMAIN, 0, message, 0, SIGNATURE_DOMAIN.length);
        System.arraycopy(encoded, 0, message, SIGNATURE_DOMAIN.length, signedLength);
        return message;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MembershipOp that && Arrays.equals(encoded, that.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return kind + "[" + subject.shortForm() + " by " + actor.shortForm() + " at " + Long.toUnsignedString(hlc)
                + (invite == null ? "" : " invite " + invite.inviteIdHex()) + " sig "
                + HexFormat.of().formatHex(encoded, encoded.length - 4, encoded.length) + "]";
    }
}
