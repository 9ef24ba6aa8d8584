package io.elara.crypto.aead;

/**
 * An X25519 public key of small order: agreement with it gives the all-zero secret. A peer that sends one is
 * misbehaving; the handshake is dropped and counted like any other bad handshake message.
 */
public final class LowOrderPointException extends Exception {
    private static final long serialVersionUID = 1L;

    public LowOrderPointException() {
        super("the peer's X25519 public key has small order: the shared secret would be all zeros");
    }
}
