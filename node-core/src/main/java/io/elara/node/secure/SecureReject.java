package io.elara.node.secure;

/**
 * Why the secure layer dropped a datagram or abandoned a handshake. The node keeps a {@code long[]} by ordinal
 * ({@link SecureEndpoint#rejects()}) and exports each with its {@link #label}; nothing is logged per packet.
 */
public enum SecureReject {
    /** Accepted. */
    NONE("none", "accepted"),
    /** The first byte is not one of the secure packet types. */
    PACKET_TYPE("secure_packet_type", "not a handshake, cookie reply or transport packet"),
    /** The length is not the type's fixed length (handshakes, cookie reply) or too short (transport). */
    PACKET_LENGTH("secure_packet_length", "wrong length for its packet type"),
    /** The reserved bytes after the type are not zero. */
    PACKET_RESERVED("secure_packet_reserved", "reserved bytes are not zero"),
    /** MAC1 does not verify: the sender does not know whom it is talking to, or the message was changed. */
    BAD_MAC1("secure_bad_mac1", "MAC1 does not verify"),
    /** Under load, and MAC2 is not valid for the sender's current cookie: a cookie reply was sent instead. */
    COOKIE_NEEDED("secure_cookie_needed", "under load and MAC2 invalid; cookie reply sent"),
    /** Under load, MAC2 invalid, and the cookie replies of this source or of all sources used up for now. */
    COOKIE_REPLY_LIMITED(
            "secure_cookie_reply_limited",
            "under load and MAC2 invalid; no cookie reply, the source's or all sources' reply rate is used up"),
    /** MAC2 of message 2 or 3 is not zero (only message 1 carries a cookie MAC). */
    BAD_MAC2("secure_bad_mac2", "MAC2 of message 2 or 3 is not zero"),
    /** An initiation with the all-zero MAC1 key, and this node does not accept unknown peers. */
    UNKNOWN_PEER_REFUSED("secure_unknown_peer_refused", "initiation from a peer that did not know our key"),
    /** An initiation with the all-zero MAC1 key while under load: cookies cannot help, so it is dropped. */
    UNKNOWN_PEER_UNDER_LOAD("secure_unknown_peer_under_load", "initiation without our key while under load"),
    /** Too many handshakes are pending. */
    PENDING_LIMIT("secure_pending_limit", "too many pending handshakes"),
    /** A message 1 already answered (a retransmission or a replay): the stored response was sent again. */
    DUPLICATE_INITIATION("secure_duplicate_initiation", "message 1 seen before; response repeated"),
    /**
     * A message 3 for a session it already made (a retransmission because the keepalive was lost, or a replay): a
     * keepalive goes again to the session's authenticated address, nothing else changes.
     */
    DUPLICATE_FINISH("secure_duplicate_finish", "message 3 seen before; keepalive repeated"),
    /** The Noise layer refused the message (bad tag, low-order key): the handshake is abandoned. */
    NOISE_FAILED("secure_noise_failed", "Noise handshake message did not authenticate"),
    /** The payload's static-key binding signature does not verify for the Noise-authenticated static key. */
    BINDING_INVALID("secure_binding_invalid", "static-key binding signature invalid"),
    /** The peer proved an identity other than the one dialled. */
    UNEXPECTED_NODE_ID("secure_unexpected_node_id", "peer is not the node that was dialled"),
    /** The peer's static key is not the one the dialler was given for that node. */
    UNEXPECTED_STATIC_KEY("secure_unexpected_static_key", "peer's static key differs from the expected one"),
    /** No handshake or session has this receiver index. */
    UNKNOWN_RECEIVER_INDEX("secure_unknown_receiver_index", "no handshake or session has this index"),
    /** A message that does not fit the state of the handshake or session its index names. */
    UNEXPECTED_MESSAGE("secure_unexpected_message", "message out of order for its handshake"),
    /** A cookie reply that does not decrypt, or answers no initiation we have outstanding. */
    COOKIE_REPLY_INVALID("secure_cookie_reply_invalid", "cookie reply does not decrypt"),
    /** A transport packet whose counter was seen before or is older than the replay window. */
    REPLAYED("secure_replayed", "transport counter replayed or too old"),
    /** A transport packet whose tag does not verify. */
    BAD_TAG("secure_bad_tag", "transport tag does not verify"),
    /** A transport packet for a session whose key is past its limits. */
    KEY_EXPIRED("secure_key_expired", "session key past its time or message limit"),
    /** A handshake the initiator gave up on after {@link SecureChannel#GIVE_UP_AFTER_NS}. */
    HANDSHAKE_TIMEOUT("secure_handshake_timeout", "handshake not completed in time");

    private final String label;
    private final String description;

    SecureReject(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** One line for logs and {@code elara status}. */
    public String description() {
        return description;
    }
}
