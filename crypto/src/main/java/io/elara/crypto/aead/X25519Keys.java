package io.elara.crypto.aead;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 (RFC 7748) on Bouncy Castle, which measures several times faster than the JDK's {@code XDH} here. Keys are
 * the RFC's 32-byte little-endian strings; private keys are clamped inside the scalar multiplication, so any 32 bytes
 * will do.
 *
 * <p>Stateless and thread-safe.
 */
public final class X25519Keys {
    /** Length of a private key, a public key and a shared secret. */
    public static final int KEY_LENGTH = X25519.POINT_SIZE;

    private X25519Keys() {}

    /** A new private key from {@code random} (a {@link SecureRandom} in production). Callers wipe it when done. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] privateKey = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, privateKey);
        return privateKey;
    }

    /** The public key of {@code privateKey}. */
    public static byte[] publicKey(byte[] privateKey) {
        checkLength("private key", privateKey);
        byte[] publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    /**
     * The shared secret of {@code privateKey} and the peer's {@code publicKey}.
     *
     * <p>A public key of small order (or one of its non-canonical encodings) yields the all-zero secret whatever the
     * private key, which would let a peer force a known session key; RFC 7748 section 6.1 allows the check and Noise
     * (section 12.1) and WireGuard make it, so this refuses it. Bouncy Castle checks in constant time.
     *
     * @throws LowOrderPointException when the secret is all zeros
     * @throws IllegalArgumentException when a key is not {@link #KEY_LENGTH} bytes (decoders check lengths first)
     */
    public static byte[] agree(byte[] privateKey, byte[] publicKey) throws LowOrderPointException {
        checkLength("private key", privateKey);
        checkLength("public key", publicKey);
        byte[] shared = new byte[KEY_LENGTH];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
            throw new LowOrderPointException();
        }
        return shared;
    }

    private static void checkLength(String what, byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an X25519 " + what + " is " + KEY_LENGTH + " bytes, got " + key.length);
        }
    }
}
