package io.elara.crdt.sequence;

/** Encoded input or a delta was refused; the replica it was meant for is unchanged. */
public final class TextRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final TextRejectReason reason;

    public TextRejectedException(TextRejectReason reason, String detail) {
        super(reason.label() + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** Why the input was refused. */
    public TextRejectReason reason() {
        return reason;
    }
}
