/**
 * STUN messages (RFC 8489): the header flyweight, the message codec with MESSAGE-INTEGRITY and FINGERPRINT, and the
 * credentials they are keyed with. Malformed input is refused with a reason, never an exception.
 */
package io.elara.stun.codec;
