package io.elara.stun.codec;

/** Why a datagram is not a well-formed STUN message. */
public enum StunReject {
    NONE("well formed"),
    TOO_SHORT("shorter than the 20-byte STUN header"),
    NOT_STUN("the two leading bits are not zero"),
    BAD_MAGIC_COOKIE("magic cookie is not 0x2112A442"),
    LENGTH_NOT_ALIGNED("message length is not a multiple of 4"),
    LENGTH_MISMATCH("message length disagrees with the datagram length"),
    ATTRIBUTE_TRUNCATED("an attribute runs past the end of the message"),
    ATTRIBUTE_LENGTH("MESSAGE-INTEGRITY or FINGERPRINT has the wrong length"),
    TOO_MANY_ATTRIBUTES("more attributes than a STUN message here may carry"),
    AFTER_FINGERPRINT("an attribute after FINGERPRINT, which must be last"),
    FINGERPRINT_MISMATCH("FINGERPRINT does not match the message");

    private final String description;

    StunReject(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
