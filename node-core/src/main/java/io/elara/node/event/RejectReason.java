package io.elara.node.event;

/**
 * Why the node dropped a datagram, a frame or an event. Every drop is counted under exactly one reason (exported by
 * {@code elara status}); none is logged per packet, since a flood of bad input must not become a flood of log lines.
 */
public enum RejectReason {
    NONE("none", "accepted"),

    // Demultiplexing (first byte, RFC 7983).
    UNKNOWN_PROTOCOL("unknown_protocol", "first byte matches neither STUN nor Elara"),
    STUN_MALFORMED("stun_malformed", "STUN range but not a well-formed STUN message"),
    STUN_RATE_LIMITED("stun_rate_limited", "a STUN request beyond the global or its source's rate; not answered"),
    STUN_UNEXPECTED("stun_unexpected", "a STUN response or indication this node did not ask for"),

    // Packet header.
    PACKET_TOO_SHORT("packet_too_short", "shorter than the Elara packet header"),
    PACKET_TOO_LONG("packet_too_long", "longer than the largest Elara datagram"),
    PACKET_VERSION("packet_version", "unsupported protocol version"),
    PACKET_TYPE("packet_type", "unknown packet type"),
    PACKET_RESERVED("packet_reserved", "reserved header bits are set"),
    PACKET_UNPROTECTED("packet_unprotected", "an Elara packet outside a secure session"),

    // Frames.
    FRAME_TRUNCATED("frame_truncated", "a frame runs past the end of the datagram"),
    FRAME_TYPE("frame_type", "unknown frame type that is not marked optional"),
    FRAME_MALFORMED("frame_malformed", "frame fields disagree with the frame length"),
    EVENT_KIND("event_kind", "unknown event kind"),
    TEXT_NOT_UTF8("text_not_utf8", "a name or text is not valid UTF-8"),

    // Reliable lane and peers.
    STALE_EPOCH("stale_epoch", "packet from an earlier incarnation of the sending node"),
    OUT_OF_WINDOW("out_of_window", "sequence number beyond the receive window"),
    PEER_LIMIT("peer_limit", "too many peers; no room for a new one"),
    MIGRATION_REFUSED(
            "migration_refused", "a peer proved itself from a new address that another peer holds; it was not moved"),
    PEER_IDENTITY_MISMATCH(
            "peer_identity_mismatch", "a handshake from a configured peer's address proved another identity"),
    PONG_UNEXPECTED("pong_unexpected", "a PONG that answers no PING this node awaits"),

    // Latency-first lane (MEDIA frames).
    MEDIA_CLASS(
            "media_class", "MEDIA frame with an unknown traffic class, or CORE, which only the reliable lane carries"),
    MEDIA_FLAGS("media_flags", "MEDIA frame with reserved flag bits set"),
    MEDIA_STALE(
            "media_stale", "media frame not newer than the newest delivered on its stream (reordered or duplicate)"),
    MEDIA_LATE("media_late", "media frame whose age budget ran out before it could arrive"),
    MEDIA_STREAM_LIMIT("media_stream_limit", "media frame opening a stream beyond the per-peer stream limit"),
    MEDIA_NOT_MEMBER(
            "media_not_member",
            "media frame from a peer that is neither configured nor a member of any of this node's sessions"),
    // Fragmentation and reassembly.
    FRAGMENT_MALFORMED(
            "fragment_malformed",
            "a fragment that does not continue its event, or a reassembled body that is no event"),
    FRAGMENT_LENGTH("fragment_length", "a fragmented event longer than this node accepts"),
    REASSEMBLY_LIMIT("reassembly_limit", "a fragment refused for now: reassembly memory is at its limit"),

    // Validation of events.
    NAME_INVALID("name_invalid", "author name is empty, too long or has control characters"),
    TEXT_EMPTY("text_empty", "text is empty"),
    TEXT_TOO_LONG("text_too_long", "text longer than this node's limit"),
    SIGNAL_TOO_LONG("signal_too_long", "signal longer than the signal lane carries (256 bytes)"),
    TEXT_CONTROL("text_control", "text has control characters (terminal escapes)"),
    HLC_FUTURE("hlc_future", "timestamp too far ahead of this node's clock"),
    UNKNOWN_SESSION("unknown_session", "event for a session this node is not in"),
    SIGNATURE_MISSING("signature_missing", "event carries no author signature"),
    SIGNATURE_INVALID("signature_invalid", "event's author signature does not verify"),
    DUPLICATE("duplicate", "event already seen"),
    NOT_MEMBER("not_member", "event whose author is not a member of its session"),
    SESSION_CONTROL("session_control", "session control message that is malformed, misplaced or not allowed"),
    STATE_INVALID(
            "state_invalid",
            "state change that is not KEY=VALUE (a key of [a-z0-9-], a one-line value of 512 bytes at"
                    + " most) or is sent outside a session"),
    STORE_FAILED("store_failed", "event this node could not store (its database refused the write); not acknowledged");

    private final String label;
    private final String description;

    RejectReason(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Metric label, snake case. */
    public String label() {
        return label;
    }

    /** One line for humans. */
    public String description() {
        return description;
    }
}
