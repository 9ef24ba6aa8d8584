package io.elara.crypto.noise;

/** Which side of a Noise handshake a {@link HandshakeState} plays: the initiator writes the first message. */
public enum Role {
    INITIATOR,
    RESPONDER
}
