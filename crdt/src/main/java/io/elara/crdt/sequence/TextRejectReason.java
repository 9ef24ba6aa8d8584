package io.elara.crdt.sequence;

/** Why encoded text state or a delta was refused. Each value carries a metric label and a one-line description. */
public enum TextRejectReason {
    TRUNCATED("truncated", "the input ends before a field it declares"),
    UNKNOWN_VERSION("unknown_version", "the first byte names an encoding version this build does not read"),
    UNKNOWN_KIND("unknown_kind", "the second byte names neither a snapshot, a delta nor a version"),
    MALFORMED_VARINT("malformed_varint", "a variable-length integer is longer than ten bytes or overflows"),
    OUT_OF_RANGE("out_of_range", "a count, length, sequence number or character is outside its bound"),
    UNKNOWN_REPLICA("unknown_replica", "a replica index points past the replica table"),
    DUPLICATE_REPLICA("duplicate_replica", "the replica table names a replica twice or out of order"),
    TRAILING_BYTES("trailing_bytes", "bytes follow the last declared field"),
    INCONSISTENT_STATE(
            "inconsistent_state",
            "sequence numbers overlap or leave gaps, or an origin is missing or on the wrong side"),
    NOT_CANONICAL(
            "not_canonical",
            "a snapshot that is not the canonical encoding of the state it describes (an empty run or replica, runs"
                    + " left unjoined)"),
    PENDING_LIMIT("pending_limit", "buffering the delta's not-yet-integrable items would exceed the pending bound");

    private final String label;
    private final String description;

    TextRejectReason(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** One line for logs and status output. */
    public String description() {
        return description;
    }
}
