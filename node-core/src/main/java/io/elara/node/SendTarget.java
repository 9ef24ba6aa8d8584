package io.elara.node;

/**
 * Where a message goes: one peer (by configured name, or an {@code ip:port} literal) or a session (every member).
 * Exactly one of the two is set.
 */
public record SendTarget(String peer, String session) {
    public SendTarget {
        if ((peer == null) == (session == null)) {
            throw new IllegalArgumentException("a send target is either a peer or a session");
        }
    }

    public static SendTarget peer(String nameOrAddress) {
        return new SendTarget(nameOrAddress, null);
    }

    public static SendTarget session(String name) {
        return new SendTarget(null, name);
    }

    @Override
    public String toString() {
        return peer != null ? peer : "session " + session;
    }
}
