package io.elara.node.session;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import io.elara.node.peer.Peer;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node's sessions, by id and by name, always including the direct-message session. Loop thread only. */
public final class SessionTable {
    /** The name shown for direct messages. */
    public static final String DIRECT_NAME = "direct";

    private final Map<SessionId, Session> byId = new HashMap<>();
    private final Map<String, Session> byName = new LinkedHashMap<>();

    /** This node, whose configured sessions admit it and their members only; null to admit every author. */
    private final NodeId self;

    /** The sessions of a node without protection: a configured session takes events from every author. */
    public SessionTable() {
        this(null);
    }

    /** The sessions of node {@code self}: a configured session takes events from it and its members only. */
    public SessionTable(NodeId self) {
        this.self = self;
        add(new Session(SessionId.DIRECT, DIRECT_NAME, List.of()));
    }

    /** Adds a session named {@code name} with {@code members}; fails if the name is taken. */
    public Session create(String name, List<Peer> members) {
        if (byName.containsKey(name)) {
            throw new IllegalStateException("session '" + name + "' exists already");
        }
        SessionId id = SessionId.forName(name);
        Session session = self == null ? new Session(id, name, members) : Session.configured(id, name, members, self);
        add(session);
        return session;
    }

    /** Adds {@code session} (a created or joined one); fails if its name or id is taken. */
    public void put(Session session) {
        if (byName.containsKey(session.name()) || byId.containsKey(session.id())) {
            throw new IllegalStateException("session '" + session.name() + "' exists already");
        }
        add(session);
    }

    /** Removes {@code session} (this node left it or was removed). */
    public void remove(Session session) {
        byId.remove(session.id(), session);
        byName.remove(session.name(), session);
    }

    private void add(Session session) {
        byId.put(session.id(), session);
        byName.put(session.name(), session);
    }

    public Session byId(SessionId id) {
        return byId.get(id);
    }

    public Session byName(String name) {
        return byName.get(name);
    }

    public Collection<Session> all() {
        return Collections.unmodifiableCollection(byName.values());
    }
}
