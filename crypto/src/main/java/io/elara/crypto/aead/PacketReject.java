package io.elara.crypto.aead;

/**
 * Why a transport packet was not sealed or opened. The caller counts each reason (a {@code long[]} by ordinal,
 * exported with {@link #label}) and drops the packet silently: a reply would give an attacker an oracle.
 *
 * <p>Only {@link #KEY_EXPIRED} depends on the key's own state; every other reason is about the packet, so no packet
 * from the network can make a session give up its key.
 */
public enum PacketReject {
    /** Sealed or opened. */
    NONE("none", "the packet was sealed or opened"),
    /** Shorter than the counter and the tag. */
    TRUNCATED("aead_truncated", "shorter than a counter and a tag"),
    /** Longer than {@link PacketFormat#SEALED_LENGTH_MAX}, or than the room the caller gave for its plaintext. */
    TOO_LONG("aead_too_long", "longer than a packet may be, or than the room for its plaintext"),
    /** Its counter is at or past {@link KeyLimits#REJECT_AFTER_MESSAGES}: no honest sender produces one. */
    COUNTER_LIMIT("aead_counter_limit", "counter at or past the key's message limit"),
    /** Its counter was accepted before, or lies below the replay window. */
    TOO_OLD_OR_REPLAYED("aead_replayed", "counter seen before or older than the replay window"),
    /** The tag does not verify: forged, damaged, or sealed with another key or header. */
    BAD_TAG("aead_bad_tag", "authentication tag does not verify"),
    /** The key is past {@link KeyLimits#REJECT_AFTER_TIME_NS} or its message limit, or was closed. */
    KEY_EXPIRED("aead_key_expired", "the key is past its time or message limit, or closed");

    private final String label;
    private final String description;

    PacketReject(String label, String description) {
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
