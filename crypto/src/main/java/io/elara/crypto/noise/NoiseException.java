package io.elara.crypto.noise;

/**
 * A Noise handshake or transport message was refused: wrong length, failed authentication, a low-order public key, a
 * call out of order or an exhausted nonce. The message is one line; it never contains key material.
 */
public final class NoiseException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
