package io.elara.node.session;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.node.membership.Membership;
import io.elara.node.peer.Peer;
import java.util.List;

/**
 * A session: its id, name, the peers in it, its chat log and its shared state. Loop thread only.
 *
 * <p>A session from the config file lists its peers and has no {@link #membership}: whoever the config names is in it,
 * and no one else (its id is its name's hash, which anyone can compute).
 * A session created with {@code elara session create} or joined with an invite has a {@link Membership} built from
 * signed operations; its {@link #members} are the peers of the members this node can reach, recomputed whenever the
 * membership or the peers change.
 */
public final class Session {
    private final SessionId id;
    private final String name;
    private final Membership membership;
    /** This node, for a configured session of a node with protection; null when authors are not checked. */
    private final NodeId self;

    private List<Peer> members;
    private final ChatLog log = new ChatLog();
    private final HeldEvents held = new HeldEvents();
    private final SessionState state = new SessionState();
    private long ownCounter;
    private long messages;

    /** A session open to every author: the direct-message session, or a configured one of a node without protection. */
    public Session(SessionId id, String name, List<Peer> members) {
        this(id, name, members, null, null);
    }

    /** A session whose membership is {@code membership}: a created or joined one. */
    public Session(SessionId id, String name, List<Peer> members, Membership membership) {
        this(id, name, members, membership, null);
    }

    /**
     * A configured session of node {@code self}: its events may come from {@code self} and from the configured peers
     * {@code members} whose identity is known (pinned in the config or proven by a handshake), no one else.
     */
    public static Session configured(SessionId id, String name, List<Peer> members, NodeId self) {
        return new Session(id, name, members, null, java.util.Objects.requireNonNull(self));
    }

    private Session(SessionId id, String name, List<Peer> members, Membership membership, NodeId self) {
        this.id = id;
        this.name = name;
        this.members = List.copyOf(members);
        this.membership = membership;
        this.self = self;
    }

    public SessionId id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Peers that events of this session are sent to. */
    public List<Peer> members() {
        return members;
    }

    /** Replaces the peers events are sent to (the membership changed, or a member's peer became known). */
    public void members(List<Peer> peers) {
        this.members = List.copyOf(peers);
    }

    /** The signed membership, or null for a session from the config file. */
    public Membership membership() {
        return membership;
    }

    /**
     * Whether an event by {@code author} belongs here: in a created or joined session, a member's; in a configured
     * one, this node's or a configured member's whose identity is pinned or proven; in an open session, anyone's.
     */
    public boolean admits(NodeId author) {
        if (membership != null) {
            return membership.isMember(author);
        }
        if (self == null || self.equals(author)) {
            return true;
        }
        for (Peer member : members) {
            if (author.equals(member.expected().nodeId())) {
                return true;
            }
        }
        return false;
    }

    public ChatLog log() {
        return log;
    }

    /**
     * Adds a numbered event (text or state) to the log, its dot to the events held, and a state change to the state;
     * returns false when it was already there.
     */
    public boolean insert(Event event) {
        if (!log.insert(event)) {
            return false;
        }
        held.add(event.author().leadingLong(), event.counter());
        if (event.kind() == EventKind.STATE) {
            state.apply(event);
        }
        return true;
    }

    /**
     * Takes a conversational event out of the log and the events held again: its journal write failed, so it is not
     * held after all, and a copy sent again must be taken as new.
     */
    public void forget(Event event) {
        if (log.remove(event.id())) {
            held.remove(event.author().leadingLong(), event.counter());
        }
    }

    /** The session's shared state: presence and topic, from its {@link io.elara.node.event.EventKind#STATE} events. */
    public SessionState state() {
        return state;
    }

    /** The dots of every numbered event of this session held here, in memory or on disk. */
    public HeldEvents held() {
        return held;
    }

    /**
     * The counter of this node's next event here: one past every counter of its own held (its own events come back
     * from members by anti-entropy, so a node that lost its newest ones in a crash numbers past them once a member has
     * passed them back), or 0 when the counter space is used up (2^32 - 1 events by this node in this session).
     */
    public long nextOwnCounter(NodeId self) {
        long next = Math.max(ownCounter, held.max(self.leadingLong())) + 1;
        if (next > Event.COUNTER_MAX) {
            return 0;
        }
        ownCounter = next;
        return next;
    }

    /** Text messages processed in this session since start. */
    public long messages() {
        return messages;
    }

    public void countMessage() {
        messages++;
    }
}
