package io.elara.node.event;

/** What an event carries; the wire code is stable across versions. */
public enum EventKind {
    /** A chat message: counted, kept in the session's log, shown. */
    TEXT(1),
    /**
     * A small control message (a keyframe request, an invite, a presence change) on the signal lane: reliable, in a
     * sequence space of its own, sent ahead of queued text. At most {@link Event#SIGNAL_BYTES_MAX} bytes of text.
     */
    SIGNAL(2);

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind with wire code {@code code}, or null when unknown. */
    public static EventKind fromCode(int code) {
        return switch (code) {
            case 1 -> TEXT;
            case 2 -> SIGNAL;
            default -> null;
        };
    }
}
