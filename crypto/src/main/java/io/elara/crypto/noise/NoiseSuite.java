package io.elara.crypto.noise;

import java.util.Optional;
import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The Noise protocols this package speaks: pattern XX over X25519 and ChaCha20-Poly1305, with one of two hash
 * functions. Elara's transport uses {@link #XX_25519_CHACHAPOLY_BLAKE2S} (the hash WireGuard uses); the SHA-256 suite
 * exists so that both families of published test vectors run.
 */
public enum NoiseSuite {
    XX_25519_CHACHAPOLY_BLAKE2S("Noise_XX_25519_ChaChaPoly_BLAKE2s"),
    XX_25519_CHACHAPOLY_SHA256("Noise_XX_25519_ChaChaPoly_SHA256");

    /** HASHLEN for both hashes (BLAKE2s-256 and SHA-256), in bytes. */
    static final int HASH_LENGTH = 32;

    private final String protocolName;

    NoiseSuite(String protocolName) {
        this.protocolName = protocolName;
    }

    /** The full protocol name, as hashed into the handshake (Noise spec section 8). */
    public String protocolName() {
        return protocolName;
    }

    /** The suite whose full protocol name is {@code protocolName}, if this package speaks it. */
    public static Optional<NoiseSuite> byProtocolName(String protocolName) {
        for (NoiseSuite suite : values()) {
            if (suite.protocolName.equals(protocolName)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }

    /** A new instance of the suite's hash function; digests are stateful, so every user holds its own. */
    ExtendedDigest newDigest() {
        return switch (this) {
            case XX_25519_CHACHAPOLY_BLAKE2S -> new Blake2sDigest();
            case XX_25519_CHACHAPOLY_SHA256 -> new SHA256Digest();
        };
    }
}
