package io.elara.crypto.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * A Noise SymmetricState (spec revision 34, section 5.2): the chaining key {@code ck}, the handshake hash {@code h} and
 * a {@link CipherState}. Not thread-safe; owned by one {@link HandshakeState}.
 */
final class SymmetricState implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];

    private final NoiseSuite suite;
    private final Digest digest;
    private final CipherState cipher = new CipherState();
    private final byte[] ck;
    private final byte[] h;

    /** InitializeSymmetric(protocol_name): {@code h} is the name, zero-padded, or its hash when longer than HASHLEN. */
    SymmetricState(NoiseSuite suite) {
        this.suite = suite;
        this.digest = suite.newDigest();
        byte[] name = suite.protocolName().getBytes(StandardCharsets.US_ASCII);
        if (name.length <= NoiseSuite.HASH_LENGTH) {
            h = Arrays.copyOf(name, NoiseSuite.HASH_LENGTH);
        } else {
            h = new byte[NoiseSuite.HASH_LENGTH];
            digest.update(name, 0, name.length);
            digest.doFinal(h, 0);
        }
        ck = h.clone();
    }

    /** MixKey: {@code ck, temp_k = HKDF(ck, inputKeyMaterial, 2)}; the cipher takes {@code temp_k} with n = 0. */
    void mixKey(byte[] inputKeyMaterial) {
        byte[] output = hkdf(inputKeyMaterial, 2);
        try {
            System.arraycopy(output, 0, ck, 0, NoiseSuite.HASH_LENGTH);
            // HASHLEN is 32 for both suites, so temp_k needs no truncation (section 5.2).
            cipher.initializeKey(Arrays.copyOfRange(output, NoiseSuite.HASH_LENGTH, 2 * NoiseSuite.HASH_LENGTH));
        } finally {
            Arrays.fill(output, (byte) 0);
        }
    }

    /** MixHash: {@code h = HASH(h || data)}. */
    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    void mixHash(byte[] data, int offset, int length) {
        digest.update(h, 0, h.length);
        digest.update(data, offset, length);
        digest.doFinal(h, 0);
    }

    /** EncryptAndHash: encrypts with {@code h} as associated data, then mixes the ciphertext into {@code h}. */
    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    /** DecryptAndHash for {@code length} bytes of {@code message} at {@code offset}. */
    byte[] decryptAndHash(byte[] message, int offset, int length) throws NoiseException {
        byte[] plaintext = cipher.decryptWithAd(h, message, offset, length);
        mixHash(message, offset, length);
        return plaintext;
    }

    /** Split: the two transport cipher states from {@code HKDF(ck, empty, 2)}, initiator-to-responder first. */
    CipherStatePair split() {
        byte[] output = hkdf(EMPTY, 2);
        byte[] first = Arrays.copyOfRange(output, 0, CipherState.KEY_LENGTH);
        byte[] second =
                Arrays.copyOfRange(output, NoiseSuite.HASH_LENGTH, NoiseSuite.HASH_LENGTH + CipherState.KEY_LENGTH);
        try {
            return new CipherStatePair(CipherState.withKey(first), CipherState.withKey(second));
        } finally {
            Arrays.fill(output, (byte) 0);
            Arrays.fill(first, (byte) 0);
            Arrays.fill(second, (byte) 0);
        }
    }

    /** A copy of the handshake hash {@code h}. */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** Wipes the chaining key and the cipher key; {@code h} stays readable, as the spec lets it outlive the handshake. */
    @Override
    public void close() {
        Arrays.fill(ck, (byte) 0);
        cipher.close();
    }

    /**
     * Noise's HKDF (section 4.3) is RFC 5869 HKDF with salt {@code ck}, empty info and {@code outputs * HASHLEN} bytes of
     * output, so Bouncy Castle's generator over HMAC-HASH computes it.
     */
    private byte[] hkdf(byte[] inputKeyMaterial, int outputs) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(suite.newDigest());
        generator.init(new HKDFParameters(inputKeyMaterial, ck, EMPTY));
        byte[] output = new byte[outputs * NoiseSuite.HASH_LENGTH];
        generator.generateBytes(output, 0, output.length);
        return output;
    }
}
