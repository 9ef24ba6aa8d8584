package io.elara.node;

import io.elara.crdt.clock.Hlc;
import io.elara.crdt.sync.DotRange;
import io.elara.crypto.identity.NodeId;
import io.elara.node.config.Names;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.membership.InviteReject;
import io.elara.node.membership.InviteToken;
import io.elara.node.membership.Membership;
import io.elara.node.membership.MembershipOp;
import io.elara.node.membership.MembershipReject;
import io.elara.node.peer.Liveness;
import io.elara.node.peer.Peer;
import io.elara.node.secure.ExpectedPeer;
import io.elara.node.session.ControlMessage;
import io.elara.node.session.HeldEvents;
import io.elara.node.session.Overlay;
import io.elara.node.session.Session;
import io.elara.node.session.SessionTable;
import io.elara.stun.ice.IceDescription;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions with a signed membership: created here ({@code elara session create}), joined with an invite ({@code elara
 * join}), left, and changed by their creator ({@code kick}, {@code ban}). Loop thread only; part of {@link NodeCore}.
 *
 * <p><b>Propagation.</b> A session of up to {@link #FULL_MESH_MAX} members runs as a full mesh: every member keeps a
 * peer for every other member it has an address for, and sends its events to all of them. A larger session runs on an
 * {@link Overlay}: a member links to at most ten neighbours, sends its own events to them, and passes every event
 * new to it on to its other neighbours (eager push over the overlay; the stages' seen set drops the copies that
 * arrive by a second path). Each hop is a reliable lane, so a lost packet is resent on its link while other paths
 * carry the event on, and anti-entropy with the neighbours repairs what a full lane or an absence kept away. A member
 * sends each event at most ten times, whatever the session's size.
 *
 * <p><b>Session control messages</b> are events of kind {@link EventKind#SESSION} in the direct session, sent on the
 * reliable lane to one peer (so they arrive in order, after anything sent before them) and never kept or shown. Their
 * text is one line of space-separated fields (binary fields in unpadded base64url, session ids in hex):
 *
 * <ul>
 *   <li>{@code op OP}: a signed {@link MembershipOp}. A JOIN is sent by the joiner to its inviter; every node that
 *       accepts an operation new to it passes it on to the other members it knows (so it floods the mesh once; a
 *       copy is a {@code membership_duplicate} and goes no further).
 *   <li>{@code welcome SESSION CREATOR NAME}: the inviter's answer to an accepted JOIN, before it sends every operation
 *       it holds: what the joiner needs to build the membership (the creator's id) and the session's name.
 *   <li>{@code refused SESSION REASON}: the inviter's answer to a JOIN that has no effect (invite used up, joiner
 *       banned, invite expired), so {@code elara join} fails with the reason instead of waiting.
 *   <li>{@code member SESSION NODE ADDRESS NAME}: where a member can be reached, and its display name: sent to a new
 *       member about the others, and to the others about it.
 *   <li>{@code sync SESSION FLAGS OPS DIGEST NEWEST [AUTHOR=HELD]...}: anti-entropy, sent whenever two members
 *       (re)connect and every {@link #SYNC_INTERVAL_NS} after: the number, a digest and the newest stamp of the
 *       membership operations held, and for each author which of its numbered events are held here ({@link
 *       HeldEvents}: a prefix and the runs beyond gaps). When the digests differ the receiver sends back the operations
 *       from the sender's newest stamp on, or all of them when it has none that new; and exactly the events of the
 *       session it holds that the sender lacks (every event of an author not listed, when FLAGS says the list is
 *       complete): the events travel as they were signed by their authors, so a member relays for another and the
 *       receiver still checks the author's signature. FLAGS is {@code q} (answer with a sync of yours) or {@code r}
 *       (an answer), followed by {@code a} (every author listed) or {@code p} (a part of them: the list did not fit
 *       one message).
 * </ul>
 *
 * Who may send what is checked on arrival: an {@code op} comes from a member (or is the sender's own JOIN), a {@code
 * welcome} or {@code refused} only from the inviter of a join under way, a {@code member} and a {@code sync} only from
 * a member; anything else is counted as {@code session_control} and ignored. The membership's own checks (signatures,
 * who may kick, expiry, uses, bans) are {@link Membership}'s; their refusals are counted by reason.
 */
final class SessionLayer {
    private static final Logger LOG = LoggerFactory.getLogger(SessionLayer.class);

    /** How often members that are connected compare their state. */
    static final long SYNC_INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    /** Events sent to one member per sync at most; the rest follow at the next. */
    static final int RELAYED_PER_SYNC_MAX = 1024;
    /** Authors listed in one sync message at most (a longer list is split, flagged partial). */
    static final int AUTHORS_PER_SYNC = 24;
    /** Characters of author fields in one sync message at most, so that it fits one EVENT frame. */
    static final int SYNC_FIELDS_BYTES = 800;
    /** Longest a join waits for its inviter's welcome before it fails. */
    static final long JOIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    /**
     * How far back a JOIN its joiner hands over may be dated: the clock difference nodes tolerate (60 s) and a join's
     * time to its answer (20 s), with room. The invite is checked against the JOIN's time, so an older JOIN would let a
     * node with an expired invite in (and take a use of a limited one from a JOIN admitted before).
     */
    static final long JOIN_AGE_MS_MAX = TimeUnit.MINUTES.toMillis(2);
    /**
     * How long a join waits for a secure session with the inviter at one of the invite's addresses before it tries the
     * next (a host address of another network, or a reflexive one this network cannot reach, stays silent).
     */
    static final long CANDIDATE_WAIT_NS = TimeUnit.SECONDS.toNanos(3);
    /** Members a session has at most to run as a full mesh; a larger one runs on an {@link Overlay}. */
    static final int FULL_MESH_MAX = 2 * Overlay.RINGS + 1;
    /** An overlay neighbour that has not answered for this long is passed over for the next member on its ring. */
    static final long NEIGHBOUR_DOWN_NS = TimeUnit.SECONDS.toNanos(15);
    /** A member peer no session has needed for this long is forgotten. */
    static final long RETIRE_AFTER_NS = TimeUnit.SECONDS.toNanos(120);
    /** How often the neighbours of overlay sessions are recomputed (a neighbour may have gone quiet). */
    static final long OVERLAY_CHECK_NS = TimeUnit.SECONDS.toNanos(5);
    /** Operations sent first to a member whose digest differs with the same newest operation. */
    static final int RECENT_OPS = 8;
    /** Members remembered as differing once, at most (past that the memory starts again). */
    static final int MISMATCHES_REMEMBERED = 4096;
    /** Joins under way at once, at most. */
    static final int JOINS_MAX = 16;
    /**
     * Sessions a node is in, configured ones and joins under way included, at most: each holds its last 1,000 events in
     * memory (up to about 1.3 MB of the longest texts), so 256 of them stay within a few hundred megabytes.
     */
    public static final int SESSIONS_MAX = 256;
    /** Operations buffered for a join under way, at most. */
    static final int JOIN_BUFFER_OPS_MAX = Membership.OPS_MAX;

    /** A session as {@code elara session list} shows it. */
    public record Info(
            String name,
            SessionId id,
            String kind,
            String creator,
            String propagation,
            String topic,
            List<Member> members) {}

    /**
     * A member of a session: its peer name (or this node's name), id, whether a secure session is up, and the presence
     * it set in the session (null when none).
     */
    public record Member(
            String name,
            String nodeId,
            boolean self,
            boolean connected,
            boolean neighbour,
            String presence,
            String liveness,
            String vouchedBy,
            long lastSeenAgoMs) {}

    /** A join under way: the invite, the JOIN sent for it, and who waits for the answer. */
    private static final class PendingJoin {
        final InviteToken invite;
        final MembershipOp join;
        /** The inviter, at the address being tried. */
        Peer inviter;
        /** Which of the invite's addresses is being tried, and until when; -1 when the inviter was known already. */
        int candidate = -1;

        long candidateDeadlineNs = Long.MAX_VALUE;
        final String localName;
        final CompletableFuture<String> done;
        final long deadlineNs;
        final boolean retried;
        final List<MembershipOp> early = new ArrayList<>();
        /** Peers made for the invite's addresses, to be forgotten when the join ends if they never answered. */
        final List<Peer> tried = new ArrayList<>();

        PendingJoin(
                InviteToken invite,
                MembershipOp join,
                Peer inviter,
                String localName,
                CompletableFuture<String> done,
                long deadlineNs,
                boolean retried) {
            this.invite = invite;
            this.join = join;
            this.inviter = inviter;
            this.localName = localName;
            this.done = done;
            this.deadlineNs = deadlineNs;
            this.retried = retried;
        }
    }

    private final NodeCore core;
    private final Map<SessionId, PendingJoin> joins = new HashMap<>();
    private final Map<MembershipReject, Long> refused = new EnumMap<>(MembershipReject.class);
    /** Display names of members, as their events give them. */
    private final Map<NodeId, String> displayNames = new HashMap<>();
    /** Why this node is no longer in a session it was in (left, removed, banned), by session name. */
    private final Map<String, String> ended = new LinkedHashMap<>();
    /** The ids of those sessions: what their members still send is late, not hostile. */
    private final Set<SessionId> endedIds = new java.util.HashSet<>();

    /** Where members are reached, as welcomes, member messages and connections told this node. */
    private final Map<NodeId, InetSocketAddress> addresses = new HashMap<>();
    /** Peers this layer made for members (not from the config file): the ones it may retire when unused. */
    private final Set<Peer> sessionPeers = new java.util.HashSet<>();
    /** Names of retired member peers, and whose they were. */
    private final Map<String, NodeId> retired = new HashMap<>();
    /** Since when each member peer this layer made has not been needed by any session. */
    private final Map<Peer, Long> unneededSince = new HashMap<>();
    /** Each overlay session's rings, with the operation count they were built at. */
    private final Map<SessionId, BuiltOverlay> overlays = new HashMap<>();

    private record BuiltOverlay(int ops, Overlay overlay) {}

    private long nextSyncNs = Long.MIN_VALUE;
    private long nextOverlayCheckNs = Long.MIN_VALUE;
    private long eventsForwarded;
    private long peersRetired;
    private long forwardsSkipped;
    private long opsApplied;
    private long eventsRelayed;
    private long syncsSent;
    /**
     * Session and member ("SESSION MEMBER") whose last sync differed from this node's with the same newest operation
     * (see sendOpsMissing).
     */
    private final Set<String> mismatchedOnce = new HashSet<>();

    /** Membership operations sent to members whose digest differed: all of them, or only the newer ones. */
    private long opsSentInFull;

    private long opsSentIncrementally;

    SessionLayer(NodeCore core) {
        this.core = core;
    }

    // ---------------------------------------------------------------- commands

    /** Creates session {@code name} with this node as its creator and only member. */
    SessionId create(String name, long nowNs) throws SendException {
        checkNewName(name);
        SessionId id = new SessionId(
                core.secureRandom().nextLong(), core.secureRandom().nextLong());
        Membership membership = Membership.create(id, core.self());
        Session session = new Session(id, name, List.of(), membership);
        core.sessions().put(session);
        ended.remove(name);
        save(session);
        LOG.info("created session '{}' ({})", name, id);
        return id;
    }

    /**
     * An invite to session {@code name}: signed by this node, naming {@code addresses} as where it is reached.
     *
     * @param uses 0 for no limit
     */
    InviteToken invite(String name, int uses, long expiresAtMs, List<InetSocketAddress> addresses, long nowNs)
            throws SendException {
        Session session = membershipSession(name);
        if (expiresAtMs <= nowNs / 1_000_000L) {
            throw new SendException("the invite would be expired already");
        }
        if (addresses.isEmpty()) {
            throw new SendException("this node has no address to put in an invite");
        }
        List<InetSocketAddress> named = addresses.subList(0, Math.min(addresses.size(), InviteToken.CANDIDATES_MAX));
        try {
            return InviteToken.create(
                    core.identity(),
                    session.id(),
                    session.name(),
                    named,
                    Instant.ofEpochMilli(expiresAtMs),
                    uses,
                    core.secureRandom());
        } catch (IllegalArgumentException e) {
            throw new SendException(e.getMessage());
        }
    }

    /**
     * Addresses of members of session {@code name} this node has a secure session with, on public addresses (not
     * private, loopback, link-local or shared), at most {@code max}: the members an invite names after its inviter's
     * own addresses, for a joiner that the inviter's NAT keeps out. Empty for a session this node is not in.
     */
    List<InetSocketAddress> reachableMembers(String name, int max) {
        Session session = core.sessions().byName(name);
        List<InetSocketAddress> out = new ArrayList<>();
        if (session == null || session.membership() == null) {
            return out;
        }
        for (Peer peer : session.members()) {
            if (out.size() < max && peer.address() != null && core.connected(peer) && isPublic(peer.address())) {
                out.add(peer.address());
            }
        }
        return out;
    }

    private static boolean isPublic(InetSocketAddress address) {
        java.net.InetAddress ip = address.getAddress();
        if (ip == null
                || ip.isLoopbackAddress()
                || ip.isSiteLocalAddress()
                || ip.isLinkLocalAddress()
                || ip.isAnyLocalAddress()
                || ip.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = ip.getAddress();
        if (bytes.length == 4) {
            return !((bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64); // 100.64.0.0/10, carrier-grade NAT
        }
        return (bytes[0] & 0xFE) != 0xFC; // fc00::/7, unique local
    }

    /**
     * Joins with {@code text}, an invite: sends the JOIN to the inviter at the invite's first address and completes
     * {@code done} with the session's name once the inviter's welcome made this node a member, or fails it with the
     * reason (a refused invite, no answer within {@link #JOIN_TIMEOUT_NS}).
     *
     * @param localName the name the session gets here; null for the invite's
     */
    void join(String text, String localName, long nowNs, CompletableFuture<String> done) throws SendException {
        InviteToken.Decoded decoded = InviteToken.parse(text);
        if (!decoded.accepted()) {
            refusedInvite(decoded.reject());
            throw new SendException("not a valid invite: " + decoded.reject().description());
        }
        InviteToken invite = decoded.token();
        InviteReject verdict = invite.verify(Instant.ofEpochMilli(nowNs / 1_000_000L));
        if (verdict != InviteReject.NONE) {
            refusedInvite(verdict);
            throw new SendException("the invite cannot be used: " + verdict.description());
        }
        if (invite.inviter().equals(core.self())) {
            throw new SendException("this invite is this node's own");
        }
        Session existing = core.sessions().byId(invite.sessionId());
        if (existing != null) {
            throw new SendException("this node is in session '" + existing.name() + "' already");
        }
        String name = localName != null ? localName : invite.sessionName();
        checkNewName(name);
        if (joins.containsKey(invite.sessionId())) {
            throw new SendException("a join of '" + name + "' is under way already");
        }
        if (joins.size() >= JOINS_MAX) {
            throw new SendException("too many joins under way (" + JOINS_MAX + ")");
        }
        if (invite.addresses().isEmpty()) {
            throw new SendException("the invite names no address of its inviter");
        }
        Peer inviter = core.peers().byNodeId(invite.inviter());
        boolean known = inviter != null;
        if (inviter == null) {
            inviter = core.peers().admit(invite.addresses().get(0), nowNs);
            if (inviter == null) {
                throw new SendException(
                        "too many peers (limits.peers-max is " + core.limits().peersMax() + ")");
            }
        }
        MembershipOp join = MembershipOp.join(core.identity(), invite, core.hlcNow(nowNs));
        PendingJoin pending = new PendingJoin(invite, join, inviter, name, done, nowNs + JOIN_TIMEOUT_NS, false);
        if (!known) {
            pending.tried.add(inviter);
        }
        if (!known && invite.addresses().size() > 1) {
            pending.candidate = 0;
            pending.candidateDeadlineNs = nowNs + CANDIDATE_WAIT_NS;
        }
        joins.put(invite.sessionId(), pending);
        String problem = control(inviter, ControlMessage.join(join.encoded()), nowNs);
        if (problem != null) {
            joins.remove(invite.sessionId());
            throw new SendException(problem);
        }
        LOG.info("joining '{}' through {}", name, Peer.format(inviter.address()));
    }

    /** Leaves session {@code name}: the LEAVE goes to every member this node knows, then the session is dropped here. */
    void leave(String name, long nowNs) throws SendException {
        Session session = membershipSession(name);
        if (session.membership().creator().equals(core.self())) {
            throw new SendException("the creator of '" + name + "' cannot leave it (kick the others, or keep it)");
        }
        MembershipOp leave = MembershipOp.leave(core.identity(), session.id(), core.hlcNow(nowNs));
        List<Peer> members = session.members();
        session.membership().apply(leave);
        save(session);
        broadcast(members, ControlMessage.op(leave.encoded()), null, nowNs);
        end(session, "left");
    }

    /** Removes {@code who} from session {@code name} (this node must be its creator); {@code ban} bars it for good. */
    void remove(String name, String who, boolean ban, long nowNs) throws SendException {
        Session session = membershipSession(name);
        Membership membership = session.membership();
        if (!membership.creator().equals(core.self())) {
            throw new SendException("only the creator of '" + name + "' can " + (ban ? "ban" : "kick") + " members");
        }
        NodeId subject = resolveMember(session, who);
        if (subject == null) {
            throw new SendException(
                    "'" + who + "' is not a member of '" + name + "' (members: " + memberNames(session) + ")");
        }
        if (subject.equals(core.self())) {
            throw new SendException("the creator cannot " + (ban ? "ban" : "kick") + " itself");
        }
        long hlc = core.hlcNow(nowNs);
        MembershipOp op = ban
                ? MembershipOp.ban(core.identity(), session.id(), subject, hlc)
                : MembershipOp.kick(core.identity(), session.id(), subject, hlc);
        List<Peer> before = session.members();
        MembershipReject reject = membership.apply(op);
        if (reject != MembershipReject.NONE && !reject.held()) {
            throw new SendException("the " + (ban ? "ban" : "kick") + " was refused: " + reject.description());
        }
        opsApplied++;
        save(session);
        refresh(session, nowNs);
        // Everyone who was a member hears of it, the removed one included (so it stops sending).
        broadcast(before, ControlMessage.op(op.encoded()), null, nowNs);
    }

    /** Every session, configured ones included, as {@code elara session list} shows them. */
    List<Info> list(long nowNs) {
        List<Info> infos = new ArrayList<>();
        for (Session session : core.sessions().all()) {
            if (session.id().isDirect()) {
                continue;
            }
            List<Member> members = new ArrayList<>();
            Membership membership = session.membership();
            if (membership == null) {
                members.add(self(presence(session, core.self())));
                for (Peer peer : session.members()) {
                    NodeId id = peer.configuredIdentity().nodeId() != null
                            ? peer.configuredIdentity().nodeId()
                            : peer.provenId();
                    members.add(member(peer, peer.label(), id, true, presence(session, id), nowNs));
                }
                infos.add(new Info(session.name(), session.id(), "configured", null, "mesh", topic(session), members));
                continue;
            }
            for (NodeId member : membership.members()) {
                if (member.equals(core.self())) {
                    members.add(self(presence(session, member)));
                    continue;
                }
                Peer peer = core.peers().byNodeId(member);
                String label = peer != null ? peer.label() : displayNames.getOrDefault(member, member.shortForm());
                members.add(member(
                        peer,
                        label,
                        member,
                        peer != null && session.members().contains(peer),
                        presence(session, member),
                        nowNs));
            }
            String kind = membership.creator().equals(core.self()) ? "created" : "joined";
            infos.add(new Info(
                    session.name(),
                    session.id(),
                    kind,
                    membership.creator().toString(),
                    overlaid(session) ? "overlay" : "mesh",
                    topic(session),
                    members));
        }
        return infos;
    }

    private Member self(String presence) {
        return new Member(core.name(), core.self().toString(), true, true, false, presence, "online", null, 0);
    }

    /**
     * Member {@code id} as this node sees it through {@code peer} (null when it has none): connected or not, and alive,
     * suspect or offline by what it heard itself and what other members vouched (see {@link Liveness}).
     */
    private Member member(Peer peer, String label, NodeId id, boolean neighbour, String presence, long nowNs) {
        boolean connected = peer != null && peer.session() != null;
        String liveness = "offline";
        String vouchedBy = null;
        long seenAgoMs = -1;
        if (peer != null) {
            Liveness heard = peer.liveness();
            vouchedBy = heard.vouchedBy(nowNs);
            if (heard.lastAuthenticatedNs() != Long.MIN_VALUE) {
                seenAgoMs = TimeUnit.NANOSECONDS.toMillis(Math.max(0, nowNs - heard.lastAuthenticatedNs()));
            }
            if (vouchedBy != null) {
                liveness = "online";
            } else if (connected) {
                long silentNs = nowNs - Math.max(peer.session().createdNs(), heard.lastAuthenticatedNs());
                liveness = silentNs >= Liveness.SUSPECT_AFTER_NS ? "suspect" : "online";
            }
        }
        if (!connected && !neighbour && vouchedBy == null) {
            // On an overlay, a member that is not this node's neighbour is not watched from here: nothing is known.
            liveness = "unknown";
        }
        return new Member(
                label,
                id == null ? null : id.toString(),
                false,
                connected,
                neighbour,
                presence,
                liveness,
                vouchedBy,
                seenAgoMs);
    }

    private static String presence(Session session, NodeId member) {
        return member == null ? null : session.state().presence(member).orElse(null);
    }

    private static String topic(Session session) {
        return session.state().topic().orElse(null);
    }

    /** Why this node is no longer in the sessions it left or was removed from, by name. */
    Map<String, String> ended() {
        return Collections.unmodifiableMap(ended);
    }

    /** Membership operations this node refused or held, by reason. */
    Map<MembershipReject, Long> refusals() {
        return Collections.unmodifiableMap(refused);
    }

    long opsApplied() {
        return opsApplied;
    }

    long eventsRelayed() {
        return eventsRelayed;
    }

    long syncsSent() {
        return syncsSent;
    }

    /** Membership operations sent because a member's digest differed: {whole memberships, only newer operations}. */
    long[] opsSent() {
        return new long[] {opsSentInFull, opsSentIncrementally};
    }

    // ---------------------------------------------------------------- restart

    /** A kept session: its name and membership snapshot (read once, at start; never compared). */
    @SuppressWarnings("ArrayRecordComponent")
    record SavedSession(SessionId id, String name, byte[] state) {}

    /** A kept member peer: its id, peer name and last address. */
    record SavedPeer(NodeId id, String name, InetSocketAddress address) {}

    /**
     * Takes back the sessions this node was in when it stopped, and the peers of their members. A snapshot that does
     * not decode is skipped with a warning (the database holds it unchanged); one this node is no longer a member of
     * is not restored.
     */
    void restore(List<SavedSession> saved, List<SavedPeer> savedPeers) {
        for (SavedSession kept : saved) {
            Membership.Decoded decoded = Membership.restore(kept.state());
            if (!decoded.accepted()) {
                LOG.warn(
                        "session '{}' is not restored: its stored state is refused ({})",
                        kept.name(),
                        decoded.reject().description());
                continue;
            }
            Membership membership = decoded.membership();
            if (!membership.sessionId().equals(kept.id()) || !membership.isMember(core.self())) {
                continue;
            }
            if (core.sessions().byName(kept.name()) != null || core.sessions().byId(kept.id()) != null) {
                LOG.warn("session '{}' is not restored: a session of that name or id exists", kept.name());
                continue;
            }
            core.sessions().put(new Session(kept.id(), kept.name(), List.of(), membership));
        }
        for (SavedPeer kept : savedPeers) {
            if (kept.address() == null || kept.name() == null || !isMemberAnywhere(kept.id())) {
                continue;
            }
            if (core.peers().byNodeId(kept.id()) != null
                    || core.peers().byName(kept.name()) != null
                    || core.peers().byAddress(kept.address()) != null
                    || core.peers().size() >= core.limits().peersMax()) {
                continue;
            }
            sessionPeers.add(core.peers().configure(kept.name(), kept.address(), ExpectedPeer.ofNodeId(kept.id())));
        }
        for (Session session : core.sessions().all()) {
            if (session.membership() != null) {
                refresh(session);
            }
        }
    }

    // ---------------------------------------------------------------- events

    /** A secure session with {@code peer} came up: compare state for every session it shares with this node. */
    void connected(Peer peer, long nowNs) {
        NodeId id = peer.provenId();
        if (id == null) {
            return;
        }
        addresses.put(id, peer.address());
        NodeCore.IceSignals ice = core.iceSignals();
        if (ice != null && core.relayed(peer.address()) && core.self().compareTo(id) < 0) {
            // Reached through TURN: ICE may find a direct path. The side with the smaller id controls and offers.
            ice.start(id, peer.address());
        }
        for (Session session : core.sessions().all()) {
            Membership membership = session.membership();
            if (membership != null && membership.isMember(id)) {
                if (!session.members().contains(peer)) {
                    ensurePeer(id, null, peer.address());
                    refresh(session, nowNs);
                }
                sendSync(session, peer, true, nowNs);
            }
        }
    }

    /** Periodic work: syncs with connected members, joins that timed out, requests to probe. */
    void tick(long nowNs) {
        if (!pendingProbes.isEmpty()) {
            answerProbes(nowNs);
        }
        if (!joins.isEmpty()) {
            joins.values().removeIf(join -> {
                if (nowNs < join.deadlineNs) {
                    tryNextCandidate(join, nowNs);
                    return false;
                }
                join.done.completeExceptionally(new SendException(unanswered(join)));
                forgetSilent(join, null);
                return true;
            });
        }
        if (nextSyncNs == Long.MIN_VALUE) {
            // The first tick after start: reach every member this node knows (this dials them), so a restarted node
            // rejoins the mesh and catches up without waiting for someone to speak.
            nextSyncNs = nowNs + SYNC_INTERVAL_NS;
            for (Session session : core.sessions().all()) {
                if (session.membership() != null) {
                    for (Peer peer : session.members()) {
                        sendSync(session, peer, true, nowNs);
                    }
                }
            }
            return;
        }
        if (nowNs >= nextOverlayCheckNs) {
            // Overlay neighbours that went quiet are replaced by the next member on their ring, and come back once
            // they answer again.
            nextOverlayCheckNs = nowNs + OVERLAY_CHECK_NS;
            for (Session session : core.sessions().all()) {
                if (overlaid(session)) {
                    refresh(session, nowNs);
                }
            }
            retireUnused(nowNs);
        }
        if (nowNs < nextSyncNs) {
            return;
        }
        nextSyncNs = nowNs + SYNC_INTERVAL_NS;
        for (Session session : core.sessions().all()) {
            if (session.membership() == null) {
                continue;
            }
            for (Peer peer : session.members()) {
                if (peer.session() != null) {
                    sendSync(session, peer, true, nowNs);
                }
            }
            if (overlaid(session)) {
                // Neighbours passed over as unreachable are tried again (this dials them): after a partition heals,
                // both sides took each other for gone, and this is what links them up again.
                for (Peer peer : ringPeers(session)) {
                    if (!session.members().contains(peer)) {
                        sendSync(session, peer, true, nowNs);
                    }
                }
            }
        }
    }

    /** Why a join got no answer, in words for the user: where it tried, and what that suggests. */
    private static String unanswered(PendingJoin join) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(JOIN_TIMEOUT_NS);
        List<InetSocketAddress> addresses = join.invite.addresses();
        if (join.candidate < 0 && addresses.size() <= 1) {
            return "no answer from the inviter at " + Peer.format(join.inviter.address()) + " within " + seconds + " s";
        }
        List<String> tried = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            tried.add(Peer.format(address));
        }
        return "no answer from the inviter at any of its " + addresses.size() + " addresses ("
                + String.join(", ", tried)
                + ") within " + seconds + " s: it is offline, or behind a NAT that lets nobody in first (its 'elara"
                + " stun' report says which); a TURN server in both configs, or an invite made while the inviter is"
                + " connected to a member both can reach, gets through";
    }

    /**
     * A join whose inviter stayed silent at one of the invite's addresses for {@link #CANDIDATE_WAIT_NS} goes to the
     * next: the JOIN is sent again to the inviter there. Whichever address answers first carries the join; the
     * inviter takes a second copy of the same JOIN as the one operation it is.
     */
    private void tryNextCandidate(PendingJoin join, long nowNs) {
        List<InetSocketAddress> addresses = join.invite.addresses();
        if (join.candidate < 0 || nowNs < join.candidateDeadlineNs) {
            return;
        }
        if (core.connected(join.inviter)) {
            join.candidate = -1; // this address works: the join waits for the answer there
            join.candidateDeadlineNs = Long.MAX_VALUE;
            return;
        }
        if (join.candidate + 1 >= addresses.size()) {
            join.candidateDeadlineNs = Long.MAX_VALUE; // the last one: it has until the join's deadline
            return;
        }
        join.candidate++;
        join.candidateDeadlineNs = nowNs + CANDIDATE_WAIT_NS;
        InetSocketAddress next = addresses.get(join.candidate);
        Peer peer = core.peers().admit(next, nowNs);
        if (peer == null) {
            return; // no room for another peer: the join waits on the address it has
        }
        LOG.info("no answer from the inviter at {}; trying {}", Peer.format(join.inviter.address()), Peer.format(next));
        join.inviter = peer;
        if (!join.tried.contains(peer)) {
            join.tried.add(peer);
        }
        String problem = control(peer, ControlMessage.join(join.join.encoded()), nowNs);
        if (problem != null) {
            LOG.debug("JOIN to {} not sent: {}", Peer.format(next), problem);
        }
    }

    /** When {@link #tick} has work next, or {@link Long#MAX_VALUE}. */
    long nextDeadlineNs() {
        long next = Long.MAX_VALUE;
        for (PendingProbe pending : pendingProbes) {
            next = Math.min(next, pending.askedNs + PROBE_ANSWER_WAIT_NS);
        }
        for (PendingJoin join : joins.values()) {
            next = Math.min(next, Math.min(join.deadlineNs, join.candidateDeadlineNs));
        }
        if (nextSyncNs != Long.MIN_VALUE && hasMembershipSession()) {
            next = Math.min(next, nextSyncNs);
            for (Session session : core.sessions().all()) {
                if (overlaid(session) && nextOverlayCheckNs != Long.MIN_VALUE) {
                    next = Math.min(next, nextOverlayCheckNs);
                    break;
                }
            }
        }
        return next;
    }

    /** A received session control message from {@code from}; the event's signature was checked by VALIDATE. */
    void onControl(Event event, Peer from, long nowNs) {
        if (from.provenId() != null && !from.provenId().equals(event.author())) {
            // Session control speaks for the node on the other end of the link only; relays carry chat events.
            invalid("a session control message from " + from.label() + " signed by another node");
            return;
        }
        displayNames.putIfAbsent(event.author(), event.authorName());
        ControlMessage.Parsed parsed = ControlMessage.parse(event.text());
        if (!parsed.accepted()) {
            invalid("malformed session control from " + from.label() + ": " + parsed.problem());
            return;
        }
        ControlMessage message = parsed.message();
        switch (message.verb()) {
            case OP -> onOp(message, event, from, false, nowNs);
            case JOIN -> onOp(message, event, from, true, nowNs);
            case WELCOME -> onWelcome(message, event, from, nowNs);
            case REFUSED -> onRefused(message, event, from, nowNs);
            case MEMBER -> onMember(message, event, from, nowNs);
            case SYNC -> onSync(message, event, from, nowNs);
            case ICE -> onIce(message, event, from);
            case PROBE -> onProbe(message, event, from, nowNs);
            case REPORT -> core.mediaQuality().onReport(from, message, nowNs);
        }
    }

    /** An ICE offer or answer from a relayed peer: handed to the node's ICE runner, if it has one. */
    private void onIce(ControlMessage message, Event event, Peer from) {
        NodeCore.IceSignals ice = core.iceSignals();
        if (ice == null || !core.relayed(from.address())) {
            invalid("an ICE " + (message.offer() ? "offer" : "answer") + " from " + from.label()
                    + ", which this node does not reach through a relay");
            return;
        }
        boolean controlling = core.self().compareTo(event.author()) < 0;
        if (message.offer() == controlling) {
            invalid("an ICE " + (message.offer() ? "offer" : "answer") + " from " + from.label()
                    + " in the wrong role (the node with the smaller id offers)");
            return;
        }
        IceDescription.Parsed parsed = IceDescription.parse(message.description());
        if (!parsed.accepted()) {
            invalid("a malformed ICE description from " + from.label() + ": " + parsed.problem());
            return;
        }
        ice.received(event.author(), from.address(), message.offer(), parsed.description());
    }

    // ---------------------------------------------------------------- indirect probes (SWIM)

    /** Most members asked at once to probe a silent member (SWIM's k). */
    static final int PROBE_HELPERS_MAX = 3;

    /** Most requests to probe that this node works on at once, for all requesters together. */
    static final int PROBES_PENDING_MAX = 64;

    /** How long this node, asked to probe a member, waits for it to answer before giving up without a word. */
    static final long PROBE_ANSWER_WAIT_NS = TimeUnit.SECONDS.toNanos(5);

    /** A request from {@code requester} to probe {@code target}, asked at {@code askedNs}. */
    private record PendingProbe(Peer requester, Peer target, NodeId targetId, long nonce, long askedNs) {}

    private final List<PendingProbe> pendingProbes = new ArrayList<>();

    /**
     * {@code peer}, a member, has been silent past {@link Liveness#PROBE_AFTER_NS}: asks up to {@link
     * #PROBE_HELPERS_MAX} other connected members that share a session with it to probe it, the ones heard from most
     * lately first. Marks the round as sent even with nobody to ask, so that it comes again only after {@link
     * Liveness#INDIRECT_PROBE_INTERVAL_NS}.
     */
    void requestProbes(Peer peer, long nowNs) {
        long nonce = core.secureRandom().nextLong();
        peer.liveness().indirectSent(nonce, nowNs);
        NodeId target = peer.provenId() != null
                ? peer.provenId()
                : peer.configuredIdentity().nodeId();
        if (target == null) {
            return;
        }
        List<Peer> helpers = new ArrayList<>();
        for (Session session : core.sessions().all()) {
            Membership membership = session.membership();
            if (membership == null || !membership.isMember(target)) {
                continue;
            }
            for (NodeId member : membership.members()) {
                Peer helper = core.peers().byNodeId(member);
                if (helper != null
                        && helper != peer
                        && !helpers.contains(helper)
                        && helper.session() != null
                        && nowNs - helper.liveness().lastAuthenticatedNs() < Liveness.PROBE_AFTER_NS) {
                    helpers.add(helper);
                }
            }
        }
        helpers.sort(Comparator.comparingLong((Peer helper) -> helper.liveness().lastAuthenticatedNs())
                .reversed());
        for (Peer helper : helpers.subList(0, Math.min(PROBE_HELPERS_MAX, helpers.size()))) {
            control(helper, ControlMessage.probe(true, target, nonce), nowNs);
        }
        if (!helpers.isEmpty()) {
            LOG.debug("{} is silent: asked {} other member(s) to probe it", peer.label(), helpers.size());
        }
    }

    /**
     * A request to probe a member (answered once that member answers this node, or at once when it was heard from a
     * moment ago), or the answer to this node's request (the member vouched for). Only between members of a session
     * that the target is also a member of.
     */
    private void onProbe(ControlMessage message, Event event, Peer from, long nowNs) {
        NodeId target = message.node();
        if (target.equals(core.self()) || target.equals(event.author()) || !sharesSession(event.author(), target)) {
            invalid("a probe " + (message.probeRequest() ? "request" : "answer") + " from " + from.label()
                    + " about a node that is not a member of a session both share");
            return;
        }
        Peer subject = core.peers().byNodeId(target);
        if (!message.probeRequest()) {
            if (subject != null && subject.liveness().vouched(message.nonce(), from.label(), nowNs)) {
                LOG.debug("{} vouches for {}, which this node does not hear", from.label(), subject.label());
            }
            return;
        }
        if (subject == null || subject.session() == null) {
            return; // this node does not hear it either: no answer, as in SWIM
        }
        if (nowNs - subject.liveness().lastAuthenticatedNs() < Liveness.PROBE_PING_INTERVAL_NS) {
            control(from, ControlMessage.probe(false, target, message.nonce()), nowNs);
            return;
        }
        if (pendingProbes.size() >= PROBES_PENDING_MAX) {
            return;
        }
        subject.liveness().requestPing();
        pendingProbes.add(new PendingProbe(from, subject, target, message.nonce(), nowNs));
    }

    /** Answers the requests to probe whose member answered since, and drops those that waited too long. */
    private void answerProbes(long nowNs) {
        pendingProbes.removeIf(pending -> {
            if (pending.target.liveness().lastAuthenticatedNs() > pending.askedNs) {
                control(pending.requester, ControlMessage.probe(false, pending.targetId, pending.nonce), nowNs);
                return true;
            }
            return nowNs - pending.askedNs >= PROBE_ANSWER_WAIT_NS;
        });
    }

    private boolean sharesSession(NodeId a, NodeId b) {
        for (Session session : core.sessions().all()) {
            Membership membership = session.membership();
            if (membership != null && membership.isMember(a) && membership.isMember(b)) {
                return true;
            }
        }
        return false;
    }

    /** Sends an ICE offer or answer to {@code peer}; false when it could not be queued. */
    boolean sendIce(Peer peer, boolean offer, IceDescription description, long nowNs) {
        return control(peer, ControlMessage.ice(offer, description.text()), nowNs) == null;
    }

    /**
     * An {@code op} (a membership operation passed on by a member) or, when {@code request}, a {@code join} (a
     * joiner's own JOIN, sent to its inviter, who answers with a welcome or a refusal).
     */
    private void onOp(ControlMessage message, Event event, Peer from, boolean request, long nowNs) {
        if (!request && heldAlready(message.payload())) {
            // A copy (the overlay and anti-entropy bring most operations more than once): nothing to check or do.
            return;
        }
        MembershipOp.Decoded decoded = MembershipOp.decode(message.payload());
        if (!decoded.accepted()) {
            count(decoded.reject());
            return;
        }
        MembershipOp op = decoded.op();
        NodeId sender = event.author();
        if (request && (op.kind() != MembershipOp.Kind.JOIN || !op.subject().equals(sender))) {
            invalid("a join request that is not the sender's own JOIN, from " + from.label());
            return;
        }
        Session session = core.sessions().byId(op.sessionId());
        if (session == null || session.membership() == null) {
            PendingJoin join = joins.get(op.sessionId());
            if (!request && join != null && answersFor(join, event, from)) {
                if (join.early.size() < JOIN_BUFFER_OPS_MAX) {
                    join.early.add(op); // arrived before the welcome: applied with it
                }
            } else if (join == null && !endedIds.contains(op.sessionId())) {
                invalid("a membership operation for a session this node is not in, from " + from.label());
            }
            return;
        }
        Membership membership = session.membership();
        // While this node's own admission is incomplete (it joined through a member whose JOIN it has not seen yet),
        // the
        // inviter is not a member in its eyes: its operations are taken all the same, since Membership checks each
        // one's signatures and rules itself.
        if (!request
                && !membership.isMember(sender)
                && !op.subject().equals(sender)
                && membership.isMember(core.self())) {
            core.rejects().increment(RejectReason.NOT_MEMBER);
            return;
        }
        if (op.kind() == MembershipOp.Kind.JOIN
                && op.subject().equals(sender)
                && !membership.isMember(sender)
                && !joinTimely(op, nowNs)) {
            // A JOIN from its own joiner is dated by the joiner alone. Members check the JOINs other members pass on
            // as they first took them; a joiner that was away that long hands its JOIN to a member that missed it in
            // vain, and that member learns of it from the others.
            count(MembershipReject.MEMBERSHIP_JOIN_TIME);
            if (request) {
                control(
                        from,
                        ControlMessage.refused(session.id(), MembershipReject.MEMBERSHIP_JOIN_TIME.label()),
                        nowNs);
            }
            return;
        }
        boolean wasMember = membership.isMember(op.subject());
        boolean selfWasMember = membership.isMember(core.self());
        List<Peer> before = session.members();
        MembershipReject reject = membership.apply(op);
        boolean applied = reject == MembershipReject.NONE || reject.held();
        if (reject != MembershipReject.NONE && reject != MembershipReject.MEMBERSHIP_DUPLICATE) {
            count(reject);
        }
        if (applied) {
            opsApplied++;
            save(session);
        }
        if (request) {
            if (membership.isMember(sender)) {
                Peer joiner = ensurePeer(sender, event.authorName(), from.address());
                refresh(session); // the welcome comes first: the joiner syncs once it is a member

                welcome(session, sender, event.authorName(), joiner != null ? joiner : from, nowNs);
                if (!wasMember) {
                    broadcast(before, ControlMessage.op(op.encoded()), from, nowNs);
                    broadcast(
                            before,
                            ControlMessage.member(session.id(), sender, from.address(), event.authorName()),
                            from,
                            nowNs);
                }
            } else {
                control(from, ControlMessage.refused(session.id(), reject.label()), nowNs);
            }
            return;
        }
        if (!applied) {
            return;
        }
        if (!membership.isMember(core.self())) {
            if (selfWasMember) {
                end(session, op.kind() == MembershipOp.Kind.BAN ? "banned by its creator" : "removed by its creator");
            }
            // Else this node joined through a member whose own admission is still on its way: it waits for the
            // operations that complete the chain.
            return;
        }
        refresh(session, nowNs);
        // New here: pass it on once, to the members (and a removed subject) other than the one it came from.
        List<Peer> targets = new ArrayList<>(before);
        for (Peer peer : session.members()) {
            if (!targets.contains(peer)) {
                targets.add(peer);
            }
        }
        broadcast(targets, ControlMessage.op(op.encoded()), from, nowNs);
    }

    /** Whether {@code join} is dated within what this node takes at wall time {@code nowNs} ({@link #JOIN_AGE_MS_MAX}). */
    private static boolean joinTimely(MembershipOp join, long nowNs) {
        long joinMs = Hlc.physicalMs(join.hlc());
        long wallMs = nowNs / 1_000_000L;
        return joinMs >= wallMs - JOIN_AGE_MS_MAX && joinMs <= wallMs + NodeCore.HLC_DRIFT_MS_MAX;
    }

    /** Whether a session of this node holds the operation encoded as {@code encoded}. */
    private boolean heldAlready(byte[] encoded) {
        for (Session session : core.sessions().all()) {
            if (session.membership() != null && session.membership().holds(encoded)) {
                return true;
            }
        }
        return false;
    }

    /** Answers an accepted JOIN: the welcome, every operation held, and where the other members are. */
    private void welcome(Session session, NodeId joiner, String joinerName, Peer to, long nowNs) {
        Membership membership = session.membership();
        control(to, ControlMessage.welcome(session.id(), membership.creator(), session.name()), nowNs);
        sendOps(session, to, nowNs);
        for (NodeId member : membership.members()) {
            if (member.equals(joiner)) {
                continue;
            }
            if (member.equals(core.self())) {
                continue;
            }
            Peer peer = core.peers().byNodeId(member);
            InetSocketAddress address = peer != null ? peer.address() : addresses.get(member);
            if (address != null) {
                String label = peer != null ? peer.label() : displayNames.getOrDefault(member, member.shortForm());
                control(to, ControlMessage.member(session.id(), member, address, label), nowNs);
            }
        }
        LOG.info("{} joined session '{}'", joinerName, session.name());
    }

    private void onWelcome(ControlMessage message, Event event, Peer from, long nowNs) {
        SessionId id = message.session();
        PendingJoin join = joins.get(id);
        if (join == null || !answersFor(join, event, from)) {
            invalid("a welcome to a session this node is not joining, from " + from.label());
            return;
        }
        NodeId creator = message.node();
        joins.remove(id);
        forgetSilent(join, from);
        if (core.sessions().byName(join.localName) != null) {
            join.done.completeExceptionally(
                    new SendException("a session named '" + join.localName + "' exists already"));
            return;
        }
        Membership membership = Membership.create(id, creator);
        Session session = new Session(id, join.localName, List.of(), membership);
        core.sessions().put(session);
        ended.remove(join.localName);
        ensurePeer(event.author(), event.authorName(), from.address());
        membership.apply(join.join);
        for (MembershipOp op : join.early) {
            membership.apply(op);
        }
        save(session);
        refresh(session, nowNs);
        sendSync(session, from, true, nowNs);
        if (membership.isMember(core.self())) {
            join.done.complete(session.name());
        } else {
            // The inviter's own JOIN comes with the operations that follow the welcome.
            waitingForMembership.put(id, join.done);
        }
        LOG.info("joined session '{}'", session.name());
    }

    /**
     * Whether {@code event} may answer {@code join}: it is the inviter's, or the node that signed it is the one this
     * node reached at an address of the invite. An invite names, after its inviter's own addresses, those of members
     * it is connected to, so that a joiner the inviter's NAT keeps out can join through one of them; the inviter's
     * signature over the invite vouches for those addresses.
     */
    private static boolean answersFor(PendingJoin join, Event event, Peer from) {
        if (event.author().equals(join.invite.inviter())) {
            return true;
        }
        return event.author().equals(from.provenId()) && join.invite.addresses().contains(from.address());
    }

    /**
     * Forgets the peers a finished join made for invite addresses where nobody answered (a LAN address of another
     * network, a reflexive one behind a filtering NAT): they would otherwise show as dialing, with the JOIN queued, until
     * its delivery timeout. A peer that answered, or that a session needs since, stays.
     */
    private void forgetSilent(PendingJoin join, Peer answered) {
        for (Peer peer : join.tried) {
            if (peer != answered
                    && !core.connected(peer)
                    && peer.provenId() == null
                    && peer.configuredName() == null
                    && core.peers().all().contains(peer)) {
                peer.failAll("the join went through another address");
                core.closeSessionWith(peer);
                if (core.peers().retire(peer)) {
                    LOG.debug("forgot {}, where the inviter never answered", Peer.format(peer.address()));
                }
            }
        }
    }

    /** Joins welcomed but not yet effective here (the operations that admit the inviter are on their way). */
    private final Map<SessionId, CompletableFuture<String>> waitingForMembership = new HashMap<>();

    private void onRefused(ControlMessage message, Event event, Peer from, long nowNs) {
        SessionId id = message.session();
        PendingJoin join = joins.get(id);
        if (join == null || !answersFor(join, event, from)) {
            invalid("a refusal of a join this node did not ask for");
            return;
        }
        joins.remove(id);
        MembershipReject reason = MembershipReject.fromLabel(message.name());
        if (reason == MembershipReject.MEMBERSHIP_INVITER && !join.retried) {
            // The JOIN was ordered before the inviter's own admission: this node's clock is behind the inviter's (or
            // the inviter joined in the same millisecond). The refusal carried the inviter's time, which this node's
            // clock has seen now, so one new JOIN orders after the admission. The first stays a JOIN with no effect.
            MembershipOp again = MembershipOp.join(core.identity(), join.invite, core.hlcNow(nowNs));
            PendingJoin retry =
                    new PendingJoin(join.invite, again, join.inviter, join.localName, join.done, join.deadlineNs, true);
            retry.tried.addAll(join.tried);
            joins.put(id, retry);
            String problem = control(join.inviter, ControlMessage.join(again.encoded()), nowNs);
            if (problem == null) {
                return;
            }
            joins.remove(id);
        }
        forgetSilent(join, from);
        join.done.completeExceptionally(new SendException(
                "the inviter refused the join: " + (reason != null ? reason.description() : message.name())));
    }

    private void onMember(ControlMessage message, Event event, Peer from, long nowNs) {
        SessionId sessionId = message.session();
        Session session = core.sessions().byId(sessionId);
        if (session == null
                || session.membership() == null
                || !session.membership().isMember(event.author())) {
            if (!endedIds.contains(sessionId) && !formerMember(session, event.author())) {
                invalid("a member address for a session the sender and this node do not share");
            }
            return;
        }
        NodeId member = message.node();
        if (member.equals(core.self())) {
            return;
        }
        InetSocketAddress address = message.address();
        String displayName = message.name();
        displayNames.putIfAbsent(member, displayName);
        InetSocketAddress before = addresses.put(member, address);
        if (overlaid(session)) {
            if (before == null) {
                // New here: pass it on once, so every member of the overlay learns where the new member is.
                broadcast(session.members(), message, from, nowNs);
            }
            refresh(session, nowNs);
            return;
        }
        boolean known = core.peers().byNodeId(member) != null;
        Peer peer = ensurePeer(member, displayName, address);
        refresh(session, nowNs);
        if (peer != null && !known && session.membership().isMember(member)) {
            // First contact: introduce this node (its operations first, so the member knows it is one), then sync.
            sendOps(session, peer, nowNs);
            sendSync(session, peer, true, nowNs);
        }
    }

    private void onSync(ControlMessage message, Event event, Peer from, long nowNs) {
        SessionId sessionId = message.session();
        Session session = core.sessions().byId(sessionId);
        if (joins.containsKey(sessionId) || waitingForMembership.containsKey(sessionId)) {
            // This node is joining: a member that heard of the JOIN first syncs early. It syncs with it once a member.
            return;
        }
        if (session != null
                && session.membership() != null
                && session.membership().isMember(core.self())
                && !session.membership().isMember(event.author())
                && (message.ops() != session.membership().ops().size()
                        || !message.digest().equals(session.membership().digest()))) {
            // Likely a member this node has not heard of yet (its JOIN is still on its way, and
            // the operations held differ): an answer shows it that they differ, and it sends them. One with the same
            // operations as this node's is not a member, and is counted below.
            if (message.flags().charAt(0) == 'q') {
                sendSync(session, from, false, nowNs);
            }
            return;
        }
        if (session == null
                || session.membership() == null
                || !session.membership().isMember(event.author())) {
            if (!endedIds.contains(sessionId) && !formerMember(session, event.author())) {
                invalid("a sync for a session the sender and this node do not share");
            }
            return;
        }
        boolean query = message.flags().charAt(0) == 'q';
        // The membership is compared once per sync: its later parts ('c') carry the same operations.
        if (message.flags().charAt(1) != 'c') {
            Membership membership = session.membership();
            String mismatchKey = sessionId + " " + event.author();
            if (message.ops() == membership.ops().size() && message.digest().equals(membership.digest())) {
                mismatchedOnce.remove(mismatchKey);
            } else {
                sendOpsMissing(session, from, mismatchKey, message.newestOp(), nowNs);
            }
        }
        Map<Long, HeldEvents.Summary> theirs = message.held();
        int room = Math.min(
                RELAYED_PER_SYNC_MAX,
                core.limits().sendQueueMax() - from.sender().queued());
        List<DotRange> lacking =
                lacking(session.held(), theirs, message.coverFrom(), message.coverTo(), room, memberKeys(session));
        if (!lacking.isEmpty()) {
            if (core.journal().durable()) {
                // The database holds every event, the log in memory only the last 1,000: read off the loop, and pass
                // on what the member lacks when the read comes back.
                core.journal().numbered(session.id(), lacking, room, held -> {
                    if (core.sessions().byId(session.id()) == session && from.session() != null) {
                        relay(session, held, lacking, from, core.currentNowNs());
                    }
                });
            } else {
                relay(session, session.log().ordered(), lacking, from, nowNs);
            }
        }
        if (query) {
            sendSync(session, from, false, nowNs);
        }
    }

    /**
     * The ranges of events held here that a member holding {@code theirs} lacks, {@code room} events at most, author
     * by author in key order. An author it did not list lacks everything when its list is complete; with a part of
     * the list, only the authors listed are compared (the other parts cover the rest).
     */
    static List<DotRange> lacking(
            HeldEvents mine,
            Map<Long, HeldEvents.Summary> theirs,
            long coverFrom,
            long coverTo,
            int room,
            java.util.function.LongPredicate admitted) {
        List<DotRange> lacking = new ArrayList<>();
        long budget = room;
        for (long author : new TreeSet<>(mine.authors())) {
            HeldEvents.Summary summary = theirs.get(author);
            // A removed member's events are not passed on (the receiver would refuse them): they must not take the
            // room of the members' events.
            boolean covered = author >= coverFrom && author <= coverTo;
            if (budget <= 0 || !covered || !admitted.test(author)) {
                continue;
            }
            for (DotRange range : mine.missingFrom(author, summary, budget)) {
                lacking.add(range);
                budget -= range.length();
            }
        }
        return lacking;
    }

    /** Whether an author key belongs to a member of {@code session} (the first 8 bytes of its id). */
    private static java.util.function.LongPredicate memberKeys(Session session) {
        if (session.membership() == null) {
            return key -> true;
        }
        Set<Long> keys = new HashSet<>();
        for (NodeId member : session.membership().members()) {
            keys.add(member.leadingLong());
        }
        return keys::contains;
    }

    /** Passes on to {@code to} the events of {@code held} that fall in {@code lacking}, as their authors signed them. */
    private void relay(Session session, List<Event> held, List<DotRange> lacking, Peer to, long nowNs) {
        int room = Math.min(
                RELAYED_PER_SYNC_MAX, core.limits().sendQueueMax() - to.sender().queued());
        int relayed = 0;
        for (Event event : held) {
            if (relayed >= room) {
                break;
            }
            if (event.proof() == null
                    || event.counter() == 0
                    || !event.kind().numbered()
                    || !session.admits(event.author())
                    || !inAny(lacking, event)) {
                continue;
            }
            if (core.relay(to, event, nowNs)) {
                relayed++;
            }
        }
        eventsRelayed += relayed;
    }

    private static boolean inAny(List<DotRange> ranges, Event event) {
        long author = event.author().leadingLong();
        for (DotRange range : ranges) {
            if (range.replica() == author && event.counter() >= range.first() && event.counter() <= range.last()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    /** Sends every operation of {@code session} to {@code peer}, in replay order. */
    private void sendOps(Session session, Peer peer, long nowNs) {
        opsSentInFull += session.membership().ops().size();
        for (MembershipOp op : session.membership().ops()) {
            if (control(peer, ControlMessage.op(op.encoded()), nowNs) != null) {
                return; // its lane is full: the next sync sends them again
            }
        }
    }

    /**
     * Sends a member whose operations differ from this node's what it likely lacks, by comparing the newest stamps.
     * This node's is newer: only the operations from the member's newest on (the member is behind, an operation still
     * on its way to it: the common case, answered with a few operations instead of the whole membership). The member's
     * is newer: nothing, it is the one to send (it does when it reads this node's sync). The same: one side lacks an
     * older operation, and every operation goes. A member behind in both ways gets the rest at the next sync, which
     * still differs with the newest stamps now equal.
     */
    private void sendOpsMissing(Session session, Peer peer, String mismatchKey, long theirNewest, long nowNs) {
        NavigableSet<MembershipOp> ops = session.membership().ops();
        int order = ops.isEmpty() ? -1 : Long.compareUnsigned(ops.last().hlc(), theirNewest);
        if (order < 0) {
            return;
        }
        if (order == 0) {
            // The newest stamps agree, so a missing operation is an older one: most likely a recent one still
            // travelling the overlay. The newest RECENT_OPS go first; only if the digests still differ at the next
            // sync with this member does the whole membership follow.
            if (mismatchedOnce.add(mismatchKey)) {
                if (mismatchedOnce.size() > MISMATCHES_REMEMBERED) {
                    mismatchedOnce.clear();
                    mismatchedOnce.add(mismatchKey);
                }
                sendNewest(session, peer, RECENT_OPS, nowNs);
            } else {
                mismatchedOnce.remove(mismatchKey);
                sendOps(session, peer, nowNs);
            }
            return;
        }
        int newer = 0;
        for (MembershipOp op : ops.descendingSet()) {
            if (Long.compareUnsigned(op.hlc(), theirNewest) < 0) {
                break;
            }
            newer++;
        }
        sendNewest(session, peer, newer, nowNs);
    }

    /** Sends {@code peer} the newest {@code count} operations of {@code session}, oldest of them first. */
    private void sendNewest(Session session, Peer peer, int count, long nowNs) {
        List<MembershipOp> newest = new ArrayList<>(count);
        for (MembershipOp op : session.membership().ops().descendingSet()) {
            if (newest.size() >= count) {
                break;
            }
            newest.add(op);
        }
        opsSentIncrementally += newest.size();
        for (int i = newest.size() - 1; i >= 0; i--) {
            if (control(peer, ControlMessage.op(newest.get(i).encoded()), nowNs) != null) {
                return; // its lane is full: the next sync sends them again
            }
        }
    }

    /**
     * Sends this node's sync for {@code session} to {@code peer}: one message, or several when many authors wrote or
     * gaps make the list long.
     */
    private void sendSync(Session session, Peer peer, boolean query, long nowNs) {
        HeldEvents held = session.held();
        List<Map<Long, HeldEvents.Summary>> parts = new ArrayList<>();
        Map<Long, HeldEvents.Summary> part = new LinkedHashMap<>();
        int length = 0;
        for (long author : new TreeSet<>(held.authors())) {
            HeldEvents.Summary summary = held.summary(author, ControlMessage.RUNS_PER_AUTHOR_MAX);
            int field = ControlMessage.heldField(author, summary).length() + 1;
            if (!part.isEmpty() && (length + field > SYNC_FIELDS_BYTES || part.size() >= AUTHORS_PER_SYNC)) {
                parts.add(part);
                part = new LinkedHashMap<>();
                length = 0;
            }
            part.put(author, summary);
            length += field;
        }
        parts.add(part);
        // Each part covers the author keys from its first to just before the next part's first: an author the
        // receiver holds in that range and this node does not list is one this node lacks entirely.
        long[] starts = new long[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            starts[i] =
                    i == 0 ? Long.MIN_VALUE : parts.get(i).keySet().iterator().next();
        }
        Membership membership = session.membership();
        boolean complete = parts.size() == 1;
        String digest = membership.digest();
        boolean first = true;
        for (int index = 0; index < parts.size(); index++) {
            Map<Long, HeldEvents.Summary> fieldsOfPart = parts.get(index);
            long coverTo = index == parts.size() - 1 ? Long.MAX_VALUE : starts[index + 1] - 1;
            // Only the first part asks for an answer: one answer covers the whole state.
            // 'a': the whole list; 'p': the first part of several; 'c': a later part (its membership fields repeat).
            String flags = (first && query ? "q" : "r") + (complete ? "a" : first ? "p" : "c");
            control(
                    peer,
                    ControlMessage.sync(
                            session.id(),
                            flags,
                            membership.ops().size(),
                            digest,
                            membership.ops().isEmpty()
                                    ? 0
                                    : membership.ops().last().hlc(),
                            starts[index],
                            coverTo,
                            fieldsOfPart),
                    nowNs);
            syncsSent++;
            first = false;
        }
    }

    /**
     * The peer of member {@code id}: the one that is or proved to be it (named now if it was a stranger), else a new
     * one at {@code address}. Null when there is no address, or no room.
     */
    private Peer ensurePeer(NodeId id, String displayName, InetSocketAddress address) {
        if (id.equals(core.self())) {
            return null;
        }
        Peer peer = core.peers().byNodeId(id);
        if (peer == null && address != null) {
            Peer there = core.peers().byAddress(address);
            if (there != null
                    && there.configuredName() == null
                    && (there.provenId() == null || there.provenId().equals(id))) {
                peer = there;
            } else if (there == null && core.peers().size() < core.limits().peersMax()) {
                peer = core.peers().configure(nameFor(id, displayName), address, ExpectedPeer.ofNodeId(id));
                sessionPeers.add(peer);
                core.journal().savePeer(id, peer.label(), Peer.format(address));
                return peer;
            }
        }
        if (peer != null && peer.configuredName() == null) {
            core.peers().promote(peer, nameFor(id, displayName), ExpectedPeer.ofNodeId(id));
            sessionPeers.add(peer);
            core.journal().savePeer(id, peer.label(), Peer.format(peer.address()));
        }
        return peer;
    }

    /** A free peer name for member {@code id}: its display name if free, else with a part of its id. */
    private String nameFor(NodeId id, String displayName) {
        String base = displayName != null ? displayName : displayNames.get(id);
        List<String> candidates = new ArrayList<>();
        if (base != null && Names.problem(base) == null) {
            candidates.add(base);
            String suffixed = base + "-" + id.shortForm().substring(0, 4).toLowerCase(java.util.Locale.ROOT);
            if (Names.problem(suffixed) == null) {
                candidates.add(suffixed);
            }
        }
        candidates.add(id.shortForm().toLowerCase(java.util.Locale.ROOT));
        candidates.add(id.toString().toLowerCase(java.util.Locale.ROOT));
        for (String candidate : candidates) {
            if (core.peers().byName(candidate) == null && !candidate.equals(core.name())) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free name for " + id);
    }

    /** Recomputes the peers {@code session}'s events go to from its members; nobody new is introduced. */
    private void refresh(Session session) {
        refresh(session, Long.MIN_VALUE);
    }

    /**
     * Recomputes the peers {@code session}'s events go to: every member it can reach (full mesh), or its overlay
     * neighbours. With {@code nowNs} given, a neighbour new to an overlay session is introduced to (this node's
     * operations, then a sync), which also dials it.
     */
    private void refresh(Session session, long nowNs) {
        List<Peer> peers = new ArrayList<>();
        if (overlaid(session)) {
            for (NodeId neighbour : overlay(session).neighbours(id -> usable(id, nowNs))) {
                Peer peer = core.peers().byNodeId(neighbour);
                if (peer == null) {
                    peer = ensurePeer(neighbour, null, addresses.get(neighbour));
                }
                if (peer != null) {
                    peers.add(peer);
                }
            }
        } else {
            for (NodeId member : session.membership().members()) {
                if (member.equals(core.self())) {
                    continue;
                }
                Peer peer = core.peers().byNodeId(member);
                if (peer != null) {
                    peers.add(peer);
                }
            }
        }
        List<Peer> before = session.members();
        session.members(peers);
        if (nowNs != Long.MIN_VALUE && overlaid(session)) {
            for (Peer peer : peers) {
                if (!before.contains(peer)) {
                    // A sync dials it; if it does not know yet that this node is a member, it answers with its own
                    // sync, which shows the operations differ, and this node sends them.
                    sendSync(session, peer, true, nowNs);
                }
            }
        }
        CompletableFuture<String> waiting = waitingForMembership.get(session.id());
        if (waiting != null && session.membership().isMember(core.self())) {
            waitingForMembership.remove(session.id());
            waiting.complete(session.name());
        }
    }

    /**
     * Forgets the member peers no session has needed for {@link #RETIRE_AFTER_NS} (closing their secure sessions,
     * which keepalives would otherwise hold open for good): on an overlay a
     * member meets many peers over time (its inviter, joiners, neighbours before the membership moved them), and
     * keeping them all would fill {@code limits.peers-max} in a large session. Needed are every member's peer in a full
     * mesh, and the neighbours (reachable or not) of an overlay session; a configured peer is never retired.
     */
    private void retireUnused(long nowNs) {
        if (sessionPeers.isEmpty()) {
            return;
        }
        Set<Peer> needed = new java.util.HashSet<>();
        for (Session session : core.sessions().all()) {
            Membership membership = session.membership();
            if (membership == null) {
                needed.addAll(session.members());
            } else if (overlaid(session)) {
                needed.addAll(session.members());
                needed.addAll(ringPeers(session));
            } else {
                for (NodeId member : membership.members()) {
                    Peer peer = core.peers().byNodeId(member);
                    if (peer != null) {
                        needed.add(peer);
                    }
                }
            }
        }
        for (PendingJoin join : joins.values()) {
            needed.add(join.inviter);
        }
        for (java.util.Iterator<Peer> it = sessionPeers.iterator(); it.hasNext(); ) {
            Peer peer = it.next();
            if (!core.peers().all().contains(peer)) {
                it.remove();
            } else if (needed.contains(peer)) {
                unneededSince.remove(peer);
            } else if (nowNs - unneededSince.computeIfAbsent(peer, p -> nowNs) >= RETIRE_AFTER_NS
                    && peer.queued() == 0) {
                core.closeSessionWith(peer);
                core.peers().retire(peer);
                unneededSince.remove(peer);
                it.remove();
                peersRetired++;
                if (peer.provenId() != null || peer.expected().nodeId() != null) {
                    NodeId id = peer.provenId() != null
                            ? peer.provenId()
                            : peer.expected().nodeId();
                    retired.put(peer.label(), id);
                    addresses.putIfAbsent(id, peer.address());
                }
            }
        }
    }

    long peersRetired() {
        return peersRetired;
    }

    /**
     * The peer of the member that was named {@code name} here before it was retired, made again (so {@code elara send
     * --to NAME} to a member of a large session works whenever); null if no member had that name.
     */
    Peer revive(String name) {
        NodeId id = retired.get(name);
        if (id == null || !isMemberAnywhere(id)) {
            return null;
        }
        Peer peer = ensurePeer(id, name, addresses.get(id));
        if (peer != null) {
            retired.remove(name);
        }
        return peer;
    }

    /** Whether {@code session} has more members than a full mesh takes (and this node is one of them). */
    private boolean overlaid(Session session) {
        Membership membership = session.membership();
        return membership != null && membership.members().size() > FULL_MESH_MAX && membership.isMember(core.self());
    }

    /** {@code session}'s overlay, rebuilt when its membership changed. */
    private Overlay overlay(Session session) {
        Membership membership = session.membership();
        BuiltOverlay built = overlays.get(session.id());
        if (built == null || built.ops() != membership.ops().size()) {
            built = new BuiltOverlay(
                    membership.ops().size(), Overlay.of(session.id(), core.self(), membership.members()));
            overlays.put(session.id(), built);
        }
        return built.overlay();
    }

    /**
     * Whether member {@code id} can be an overlay neighbour: its address is known and, if it has been dialled, it has
     * not left frames unanswered for {@link #NEIGHBOUR_DOWN_NS} (at {@code nowNs}; {@link Long#MIN_VALUE} skips that).
     */
    private boolean usable(NodeId id, long nowNs) {
        Peer peer = core.peers().byNodeId(id);
        if (peer == null) {
            return addresses.containsKey(id)
                    && core.peers().size() < core.limits().peersMax();
        }
        long unanswered = peer.unansweredSinceNs();
        return nowNs == Long.MIN_VALUE
                || peer.session() != null
                || unanswered == Long.MIN_VALUE
                || nowNs - unanswered < NEIGHBOUR_DOWN_NS;
    }

    /**
     * The peers of {@code session}'s overlay neighbours as the rings give them, whether they answer or not (those with
     * a peer here): the ones to try again, and to keep.
     */
    private List<Peer> ringPeers(Session session) {
        List<Peer> peers = new ArrayList<>();
        for (NodeId neighbour : overlay(session).neighbours(id -> usable(id, Long.MIN_VALUE))) {
            Peer peer = core.peers().byNodeId(neighbour);
            if (peer != null) {
                peers.add(peer);
            }
        }
        return peers;
    }

    /**
     * Passes {@code event}, received from {@code from} and new here, on to this node's other neighbours when its
     * session runs on an overlay. A neighbour whose lane is full is passed over (counted): anti-entropy brings it the
     * event once it has caught up.
     */
    void forward(Event event, Peer from, long nowNs) {
        Session session = core.sessions().byId(event.session());
        if (session == null || !overlaid(session) || event.proof() == null) {
            return;
        }
        for (Peer peer : session.members()) {
            if (peer == from || event.author().equals(peer.provenId())) {
                continue;
            }
            if (core.relay(peer, event, nowNs)) {
                eventsForwarded++;
            } else {
                forwardsSkipped++;
            }
        }
    }

    long eventsForwarded() {
        return eventsForwarded;
    }

    long forwardsSkipped() {
        return forwardsSkipped;
    }

    private void save(Session session) {
        Membership membership = session.membership();
        core.journal()
                .saveSession(session.id(), session.name(), membership.ops().size(), membership.encode());
    }

    /** This node is no longer in {@code session}: it is dropped here (its history stays in the database). */
    private void end(Session session, String why) {
        core.sessions().remove(session);
        ended.put(session.name(), why);
        endedIds.add(session.id());
        CompletableFuture<String> waiting = waitingForMembership.remove(session.id());
        if (waiting != null) {
            waiting.completeExceptionally(new SendException("session '" + session.name() + "': " + why));
        }
        LOG.info("no longer in session '{}': {}", session.name(), why);
    }

    /** Sends {@code line} to each of {@code peers} but {@code except}. */
    private void broadcast(List<Peer> peers, ControlMessage line, Peer except, long nowNs) {
        for (Peer peer : peers) {
            if (peer != except) {
                control(peer, line, nowNs);
            }
        }
    }

    /** Sends one control message to {@code peer}; returns why it could not, or null. */
    String control(Peer peer, ControlMessage message, long nowNs) {
        CompletableFuture<SendResult> sent = new CompletableFuture<>();
        String problem = core.queueLocal(
                core.sessions().byId(SessionId.DIRECT), List.of(peer), EventKind.SESSION, message.text(), nowNs, sent);
        if (problem != null) {
            LOG.debug("session control to {} not sent: {}", peer.label(), problem);
        }
        return problem;
    }

    private Session membershipSession(String name) throws SendException {
        Session session = core.sessions().byName(name);
        if (session == null || session.id().isDirect()) {
            throw new SendException("no session named '" + name + "' (this node has: " + sessionNames() + ")");
        }
        if (session.membership() == null) {
            throw new SendException("session '" + name + "' comes from the config file; only created or joined"
                    + " sessions have invites and members to remove");
        }
        return session;
    }

    private void checkNewName(String name) throws SendException {
        String problem = Names.problem(name);
        if (problem != null) {
            throw new SendException(problem);
        }
        if (name.equals(SessionTable.DIRECT_NAME) || core.sessions().byName(name) != null) {
            throw new SendException("a session named '" + name + "' exists already");
        }
        int held = joins.size();
        for (Session session : core.sessions().all()) {
            if (!session.id().isDirect()) {
                held++;
            }
        }
        if (held >= SESSIONS_MAX) {
            throw new SendException("this node is in " + held + " sessions (joins under way included), the most it may"
                    + " be in; leave one first");
        }
    }

    private NodeId resolveMember(Session session, String who) {
        Set<NodeId> members = session.membership().members();
        Peer peer = core.peers().byName(who);
        if (peer != null) {
            NodeId id = peer.configuredIdentity().nodeId() != null
                    ? peer.configuredIdentity().nodeId()
                    : peer.provenId();
            return id != null && members.contains(id) ? id : null;
        }
        NodeId match = null;
        for (NodeId member : members) {
            String text = member.toString();
            if (text.equalsIgnoreCase(who)
                    || (who.length() >= 6 && text.regionMatches(true, 0, who, 0, who.length()))
                    || who.equals(displayNames.get(member))) {
                if (match != null && !match.equals(member)) {
                    return null; // ambiguous
                }
                match = member;
            }
        }
        return match;
    }

    private String memberNames(Session session) {
        List<String> names = new ArrayList<>();
        for (Member member : list(core.nowNs()).stream()
                .filter(info -> info.id().equals(session.id()))
                .findFirst()
                .orElseThrow()
                .members()) {
            names.add(member.name());
        }
        return String.join(", ", names);
    }

    private String sessionNames() {
        List<String> names = new ArrayList<>();
        for (Session session : core.sessions().all()) {
            if (!session.id().isDirect()) {
                names.add(session.name());
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private boolean isMemberAnywhere(NodeId id) {
        for (Session session : core.sessions().all()) {
            if (session.membership() != null && session.membership().isMember(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code node} was in {@code session} or this node was (a message crossed the operation that ended it):
     * what it sends then is late, not hostile, and is dropped without counting.
     */
    private boolean formerMember(Session session, NodeId node) {
        if (session == null || session.membership() == null) {
            return false;
        }
        if (!core.sessions().all().contains(session)) {
            return true;
        }
        for (MembershipOp op : session.membership().ops()) {
            if (op.subject().equals(node)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasMembershipSession() {
        for (Session session : core.sessions().all()) {
            if (session.membership() != null) {
                return true;
            }
        }
        return false;
    }

    private void count(MembershipReject reject) {
        LOG.debug("membership operation refused: {}", reject.description());
        refused.merge(reject, 1L, Long::sum);
        core.rejects().increment(RejectReason.SESSION_CONTROL);
    }

    private void refusedInvite(InviteReject reject) {
        LOG.debug("invite refused: {}", reject.description());
    }

    private void invalid(String what) {
        core.rejects().increment(RejectReason.SESSION_CONTROL);
        LOG.debug("{}", what);
    }
}
