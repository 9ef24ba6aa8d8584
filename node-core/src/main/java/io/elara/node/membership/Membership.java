package io.elara.node.membership;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership of one session, built from signed {@link MembershipOp}s. Not thread-safe: it belongs to the core's
 * loop like the rest of a session's state.
 *
 * <p><b>State.</b> The state of record is the grow-only set of the operations accepted so far; the members, the bans
 * and each operation's effect are a pure function of that set. Union of sets commutes, so two replicas holding the
 * same operations show the same members, whatever order the operations arrived in: that is the whole convergence
 * argument, and {@code MembershipConvergenceTest} checks it over random orders. The crdt module's {@code OrSet} does
 * not fit here: its dots are drawn by the replica that adds, and merging two OR-Sets would take in members without the
 * signed operation that admits them, which no replica could check. What is replicated is the signed operation; the
 * member set is derived.
 *
 * <p><b>Effect of the operations.</b> They are replayed in the order of (HLC, subject, encoded bytes), every byte
 * compared unsigned, starting from a set holding the creator alone:
 *
 * <ul>
 *   <li>JOIN adds its subject when the invite's inviter is the creator or a member at that point, the subject is not
 *       banned at that point, and the invite has uses left: the first Max Uses effective JOINs of an invite id in this
 *       order redeem it; a JOIN beyond them has no effect ({@code membership_invite_used_up}) on every replica. A JOIN
 *       of a node already a member changes nothing and spends no use.
 *   <li>LEAVE and KICK remove the subject; BAN removes it and bars it from every later JOIN. A BAN is signed by the
 *       creator alone, so its validity does not depend on order, and the ban set is grow-only: a JOIN ordered before a
 *       BAN is undone by it, one ordered after it is barred. Ban wins over any concurrent re-join.
 *   <li>JOIN, LEAVE and KICK of one subject therefore resolve by HLC: the last in the order wins. This is not the
 *       add-wins rule of an OR-Set, under which a re-join concurrent with a KICK would survive even with a smaller
 *       HLC; HLCs do not tell concurrency from precedence, and an add-wins rule would need each KICK to list the JOINs
 *       it saw.
 * </ul>
 *
 * <p><b>What {@link #apply} refuses.</b> Rules that hold for the operation on its own are checked on arrival and a
 * breach refuses it for good: the session, who signs (JOIN and LEAVE by the subject, KICK and BAN by the creator),
 * the creator's own membership, and a JOIN made at or after its invite's expiry (by the JOIN's HLC). Rules that depend
 * on other operations (the inviter's membership, the uses left, a ban, being a member to leave) cannot be decided on
 * arrival, since an operation may arrive before the one it depends on; such an operation is kept, has no effect for
 * now, and {@code apply} says why with a {@linkplain MembershipReject#held() held} reason. At most {@link #OPS_MAX}
 * operations are kept.
 *
 * <p><b>Snapshot</b> ({@link #encode}, {@link #decode}; all integers big-endian):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Version (1)  |                                               |
 * +-+-+-+-+-+-+-+-+                                               +
 * |                      Session Id (128)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Creator, Ed25519 public key (256)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Operation Count (32)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Length (16)             |  Operation (Length bytes) ... |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          ... Length and Operation once per operation          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Operations follow in replay order, strictly ascending, so equal states have equal snapshots. A decoder checks every
 * operation again (signatures included); anything out of order, a count above {@link #OPS_MAX}, or trailing bytes is
 * {@code membership_snapshot}, and an operation that fails its own checks refuses the snapshot with its reason.
 */
public final class Membership {
    /** Most operations one session keeps. */
    public static final int OPS_MAX = 16_384;
    /** The snapshot version this build writes and reads. */
    public static final int SNAPSHOT_VERSION = 1;

    static final int SNAPSHOT_HEADER_LENGTH = 1 + SessionId.LENGTH + NodeId.LENGTH + 4;

    /** Replay order: HLC, subject, then the encoded bytes, so every replica sorts the same set the same way. */
    static final Comparator<MembershipOp> ORDER = Comparator.comparing(MembershipOp::hlc, Long::compareUnsigned)
            .thenComparing(MembershipOp::subject)
            .thenComparing(MembershipOp::compareEncoded);

    private final SessionId sessionId;
    private final NodeId creator;
    private final int opsMax;
    private final NavigableSet<MembershipOp> ops = new TreeSet<>(ORDER);
    private String digest;
    private int digestOps = -1;
    /** The encoded bytes of every operation held, to know a copy before checking its signatures again. */
    private final Set<ByteBuffer> held = new java.util.HashSet<>();

    private Set<NodeId> members;
    private Set<NodeId> bans;
    private Map<MembershipOp, MembershipReject> effects;

    private Membership(SessionId sessionId, NodeId creator, int opsMax) {
        this.sessionId = sessionId;
        this.creator = creator;
        this.opsMax = opsMax;
        replay();
    }

    /** A decoded snapshot or the reason there is none; exactly one of the two is set. */
    public record Decoded(Membership membership, MembershipReject reject) {
        public Decoded {
            if ((membership == null) == (reject == MembershipReject.NONE)) {
                throw new IllegalStateException("a decoded snapshot is a state or a reject: " + reject);
            }
        }

        static Decoded rejected(MembershipReject reject) {
            return new Decoded(null, reject);
        }

        public boolean accepted() {
            return membership != null;
        }
    }

    /** The membership of a new session: its creator alone. */
    public static Membership create(SessionId sessionId, NodeId creator) {
        return new Membership(sessionId, creator, OPS_MAX);
    }

    /** As {@link #create(SessionId, NodeId)} with a smaller bound on kept operations, for tests. */
    static Membership create(SessionId sessionId, NodeId creator, int opsMax) {
        return new Membership(sessionId, creator, opsMax);
    }

    /**
     * Applies {@code op}. Returns {@code NONE} when it took effect; a {@linkplain MembershipReject#held() held} reason
     * when it was kept without effect for now; any other reason when it was refused and left no trace.
     */
    public MembershipReject apply(MembershipOp op) {
        MembershipReject reject = admit(op);
        if (reject != MembershipReject.NONE) {
            return reject;
        }
        if (ops.add(op)) {
            held.add(ByteBuffer.wrap(op.encoded()));
        }
        replay();
        return effects.get(op);
    }

    /**
     * Whether an operation encoded as {@code encoded} is held already: a copy that needs no decoding or signature
     * check ({@link MembershipReject#MEMBERSHIP_DUPLICATE}).
     */
    public boolean holds(byte[] encoded) {
        return held.contains(ByteBuffer.wrap(encoded));
    }

    /** The checks that hold for {@code op} on its own, and the bounds of this replica. */
    private MembershipReject admit(MembershipOp op) {
        if (!op.sessionId().equals(sessionId)) {
            return MembershipReject.MEMBERSHIP_SESSION;
        }
        switch (op.kind()) {
            case JOIN -> {
                InviteToken invite = op.invite().orElseThrow(() -> new IllegalStateException("a JOIN has an invite"));
                if (!op.actor().equals(op.subject())) {
                    return MembershipReject.MEMBERSHIP_NOT_SELF;
                }
                if (!invite.sessionId().equals(sessionId)) {
                    return MembershipReject.MEMBERSHIP_SESSION;
                }
                if (op.subject().equals(creator)) {
                    return MembershipReject.MEMBERSHIP_CREATOR;
                }
                if (invite.expiredAt(Hlc.physicalMs(op.hlc()))) {
                    return MembershipReject.MEMBERSHIP_INVITE_EXPIRED;
                }
            }
            case LEAVE -> {
                if (!op.actor().equals(op.subject())) {
                    return MembershipReject.MEMBERSHIP_NOT_SELF;
                }
                if (op.subject().equals(creator)) {
                    return MembershipReject.MEMBERSHIP_CREATOR;
                }
            }
            case KICK, BAN -> {
                if (!op.actor().equals(creator)) {
                    return MembershipReject.MEMBERSHIP_NOT_CREATOR;
                }
                if (op.subject().equals(creator)) {
                    return MembershipReject.MEMBERSHIP_CREATOR;
                }
            }
        }
        if (ops.contains(op)) {
            return MembershipReject.MEMBERSHIP_DUPLICATE;
        }
        if (ops.size() >= opsMax) {
            return MembershipReject.MEMBERSHIP_LIMIT;
        }
        return MembershipReject.NONE;
    }

    /** Recomputes members, bans and effects from the operations, in replay order. */
    private void replay() {
        Set<NodeId> current = new TreeSet<>();
        current.add(creator);
        Set<NodeId> banned = new TreeSet<>();
        Map<String, Integer> uses = new HashMap<>();
        Map<MembershipOp, MembershipReject> outcome = new HashMap<>();
        for (MembershipOp op : ops) {
            MembershipReject effect = MembershipReject.NONE;
            switch (op.kind()) {
                case JOIN -> {
                    InviteToken invite =
                            op.invite().orElseThrow(() -> new IllegalStateException("a JOIN has an invite"));
                    String inviteKey = invite.inviter() + "/" + invite.inviteIdHex();
                    int used = uses.getOrDefault(inviteKey, 0);
                    if (banned.contains(op.subject())) {
                        effect = MembershipReject.MEMBERSHIP_BANNED;
                    } else if (!current.contains(invite.inviter())) {
                        effect = MembershipReject.MEMBERSHIP_INVITER;
                    } else if (current.contains(op.subject())) {
                        effect = MembershipReject.NONE;
                    } else if (invite.maxUses() != 0 && used >= invite.maxUses()) {
                        effect = MembershipReject.MEMBERSHIP_INVITE_USED_UP;
                    } else {
                        uses.put(inviteKey, used + 1);
                        current.add(op.subject());
                    }
                }
                case LEAVE, KICK -> {
                    if (!current.remove(op.subject())) {
                        effect = MembershipReject.MEMBERSHIP_NOT_MEMBER;
                    }
                }
                case BAN -> {
                    current.remove(op.subject());
                    banned.add(op.subject());
                }
            }
            outcome.put(op, effect);
        }
        members = Collections.unmodifiableSet(current);
        bans = Collections.unmodifiableSet(banned);
        effects = outcome;
    }

    public SessionId sessionId() {
        return sessionId;
    }

    public NodeId creator() {
        return creator;
    }

    /** The members, the creator included, in NodeId order. */
    public Set<NodeId> members() {
        return members;
    }

    public boolean isMember(NodeId node) {
        return members.contains(node);
    }

    /** The nodes the creator has banned, in NodeId order. */
    public Set<NodeId> bans() {
        return bans;
    }

    /** The operations kept, in replay order. */
    public NavigableSet<MembershipOp> ops() {
        return Collections.unmodifiableNavigableSet(ops);
    }

    /**
     * The first 8 bytes of SHA-256 over the {@link #encode snapshot}, in hex: what members compare to tell whether
     * they hold the same operations. Computed again only after an operation was added (the set only grows), so a sync
     * costs no re-encoding of a large membership.
     */
    public String digest() {
        if (digestOps != ops.size()) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(encode());
                digest = HexFormat.of().formatHex(hash, 0, 8);
                digestOps = ops.size();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }
        return digest;
    }

    /** The snapshot: session, creator and every kept operation in replay order. */
    public byte[] encode() {
        int length = SNAPSHOT_HEADER_LENGTH;
        for (MembershipOp op : ops) {
            length += 2 + op.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put((byte) SNAPSHOT_VERSION)
                .putLong(sessionId.high())
                .putLong(sessionId.low())
                .put(creator.toBytes())
                .putInt(ops.size());
        for (MembershipOp op : ops) {
            out.putShort((short) op.encodedLength()).put(op.encoded());
        }
        assert !out.hasRemaining();
        return out.array();
    }

    /** Decodes a snapshot. Never throws: a refused input has its reason. */
    public static Decoded decode(byte[] bytes) {
        return decode(bytes, true);
    }

    /**
     * Decodes a snapshot this node wrote to its own database: layout, order and every rule are checked as by {@link
     * #decode}, the signatures are not. Each operation's signatures were checked when it arrived, and whoever can
     * change the database can change this node's key file next to it, so checking them again proves nothing; it costs
     * two Ed25519 verifications per member at every start (about 160 ms for a session of 1,000).
     */
    public static Decoded restore(byte[] bytes) {
        return decode(bytes, false);
    }

    private static Decoded decode(byte[] bytes, boolean verify) {
        if (bytes.length < SNAPSHOT_HEADER_LENGTH || (bytes[0] & 0xFF) != SNAPSHOT_VERSION) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_SNAPSHOT);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(1);
        SessionId sessionId = new SessionId(in.getLong(), in.getLong());
        NodeId creator = NodeId.of(bytes, in.position());
        in.position(in.position() + NodeId.LENGTH);
        long count = in.getInt() & 0xFFFFFFFFL;
        // Every operation takes at least its length and its fixed part, so a forged count allocates nothing.
        if (count > OPS_MAX || count * (2 + MembershipOp.FIXED_LENGTH) > in.remaining()) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_SNAPSHOT);
        }
        Membership membership = new Membership(sessionId, creator, OPS_MAX);
        MembershipOp previous = null;
        for (long i = 0; i < count; i++) {
            if (in.remaining() < 2) {
                return Decoded.rejected(MembershipReject.MEMBERSHIP_SNAPSHOT);
            }
            int length = in.getShort() & 0xFFFF;
            if (in.remaining() < length) {
                return Decoded.rejected(MembershipReject.MEMBERSHIP_SNAPSHOT);
            }
            byte[] encoded = new byte[length];
            in.get(encoded);
            MembershipOp.Decoded decoded = MembershipOp.decode(encoded, verify);
            if (!decoded.accepted()) {
                return Decoded.rejected(decoded.reject());
            }
            MembershipOp op = decoded.op();
            if (previous != null && ORDER.compare(previous, op) >= 0) {
                return Decoded.rejected(MembershipReject.MEMBERSHIP_SNAPSHOT);
            }
            MembershipReject reject = membership.admit(op);
            if (reject != MembershipReject.NONE) {
                return Decoded.rejected(reject);
            }
            membership.ops.add(op);
            membership.held.add(ByteBuffer.wrap(op.encoded()));
            previous = op;
        }
        if (in.hasRemaining()) {
            return Decoded.rejected(MembershipReject.MEMBERSHIP_SNAPSHOT);
        }
        membership.replay();
        return new Decoded(membership, MembershipReject.NONE);
    }

    @Override
    public String toString() {
        return "Membership[" + sessionId + " creator " + creator.shortForm() + ", " + members.size() + " members, "
                + bans.size() + " banned, " + ops.size() + " ops]";
    }
}
