package io.elara.crdt.codec;

/**
 * Malformed input refused by a decoder. Expected (it comes from the network), so it is checked and carries no stack
 * trace; callers count {@link #reason()} and drop the input. Nothing is merged before decoding has succeeded, so the
 * replica is unchanged.
 */
public final class CrdtDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    public enum Reason {
        TRUNCATED("crdt_truncated", "input ends before the encoding does"),
        UNKNOWN_VERSION("crdt_unknown_version", "the version byte names an encoding this build does not know"),
        CHECKSUM_MISMATCH("crdt_checksum_mismatch", "the CRC-32C trailer does not match: corrupted in transit"),
        WRONG_TYPE("crdt_wrong_type", "the type byte names another CRDT than the one expected"),
        MALFORMED_VARINT("crdt_malformed_varint", "a varint is longer than 10 bytes or not in its shortest form"),
        COUNT_BEYOND_BOUND("crdt_count_beyond_bound", "a count or length exceeds its stated bound or the input"),
        INVALID_VALUE("crdt_invalid_value", "a field holds a value the type forbids (order, range, UTF-8, causality)"),
        TRAILING_BYTES("crdt_trailing_bytes", "bytes remain after the encoding ends"),
        HLC_FUTURE(
                "crdt_hlc_future",
                "an HLC's physical time lies beyond the local wall clock plus the drift bound: a broken or forged clock");

        private final String metricLabel;
        private final String description;

        Reason(String metricLabel, String description) {
            this.metricLabel = metricLabel;
            this.description = description;
        }

        public String metricLabel() {
            return metricLabel;
        }

        public String description() {
            return description;
        }
    }

    private final Reason reason;

    public CrdtDecodeException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
