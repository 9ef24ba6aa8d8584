package io.elara.crypto.noise;

/**
 * The two transport cipher states a completed handshake splits into (Noise spec section 5.2, Split): the initiator
 * sends with {@link #initiatorToResponder()} and the responder with {@link #responderToInitiator()}. The receiver owns
 * both and closes them when the session ends.
 */
public record CipherStatePair(CipherState initiatorToResponder, CipherState responderToInitiator)
        implements AutoCloseable {

    /** The state {@code role} encrypts with. */
    public CipherState sending(Role role) {
        return role == Role.INITIATOR ? initiatorToResponder : responderToInitiator;
    }

    /** The state {@code role} decrypts with. */
    public CipherState receiving(Role role) {
        return role == Role.INITIATOR ? responderToInitiator : initiatorToResponder;
    }

    /** Wipes both keys. */
    @Override
    public void close() {
        initiatorToResponder.close();
        responderToInitiator.close();
    }
}
