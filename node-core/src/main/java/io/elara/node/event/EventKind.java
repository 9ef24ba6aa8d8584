package io.elara.node.event;

/** What an event carries; the wire code is stable across versions. */
public enum EventKind {
    /** A chat message: counted, kept in the session's log, shown. */
    TEXT(1),
    /**
     * A small control message (a keyframe request, an invite, a presence change) on the signal lane: reliable, in a
     * sequence space of its own, sent ahead of queued text. At most {@link Event#SIGNAL_BYTES_MAX} bytes of text.
     */
    SIGNAL(2),
    /**
     * A session control message between two nodes (a membership operation, a welcome, a member's address, an
     * anti-entropy digest), always in the direct session: reliable on the reliable lane, never kept in a log, never
     * shown; the node's session layer acts on it. At most {@code limits.text-bytes-max} bytes of text.
     */
    SESSION(3),
    /**
     * A change to the session's shared state: this member's presence, or the session's topic ({@code KEY=VALUE}, see
     * {@link io.elara.node.session.SessionState}). Numbered, journaled and repaired by anti-entropy like text, merged
     * into last-writer-wins registers, never counted or shown as a chat message.
     */
    STATE(4);

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * True for the kinds that are part of a session's history: numbered by their author, journaled, kept in the
     * session's log, and passed on to a member that lacks them by anti-entropy. Text and state.
     */
    public boolean numbered() {
        return this == TEXT || this == STATE;
    }

    /** The kind with wire code {@code code}, or null when unknown. */
    public static EventKind fromCode(int code) {
        return switch (code) {
            case 1 -> TEXT;
            case 2 -> SIGNAL;
            case 3 -> SESSION;
            case 4 -> STATE;
            default -> null;
        };
    }
}
