package io.elara.node.session;

import io.elara.node.event.SessionId;
import io.elara.node.peer.Peer;
import java.util.List;

/** A session: its id, name, the peers in it, and its chat log. Loop thread only. */
public final class Session {
    private final SessionId id;
    private final String name;
    private final List<Peer> members;
    private final ChatLog log = new ChatLog();
    private long messages;

    public Session(SessionId id, String name, List<Peer> members) {
        this.id = id;
        this.name = name;
        this.members = List.copyOf(members);
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

    public ChatLog log() {
        return log;
    }

    /** Text messages processed in this session since start. */
    public long messages() {
        return messages;
    }

    public void countMessage() {
        messages++;
    }
}
