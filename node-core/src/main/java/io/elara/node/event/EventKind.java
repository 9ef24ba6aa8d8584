package io.elara.node.event;

/** What an event carries; the wire code is stable across versions. */
public enum EventKind {
    TEXT(1);

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind with wire code {@code code}, or null when unknown. */
    public static EventKind fromCode(int code) {
        return code == TEXT.code ? TEXT : null;
    }
}
