package io.elara.crypto.aead;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Test-only entry points into this package for the known-answer tests in {@code io.elara.crypto.vectors}: the
 * ChaCha20-Poly1305 path that {@link PacketSealer} and {@link PacketOpener} use, with the whole 96-bit nonce of a test
 * vector, and sealers that start at a given counter.
 */
public final class AeadTestAccess {
    private AeadTestAccess() {}

    /** A sealer whose first packet has counter {@code firstCounter}. */
    public static PacketSealer sealerAt(byte[] key, long nowNs, long firstCounter) {
        return PacketSealer.createAt(key, nowNs, firstCounter);
    }

    /** Seals through the packet path's cipher: ciphertext followed by the tag. */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext, boolean direct) {
        try (ChaChaPoly cipher = ChaChaPoly.forSealing(key)) {
            ByteBuffer out = buffer(plaintext.length + PacketFormat.TAG_LENGTH, direct);
            ByteBuffer aadBuffer = copy(aad, direct);
            cipher.seal(constant(nonce), counter(nonce), aadBuffer, 0, aad.length, copy(plaintext, direct), out);
            return bytes(out.flip());
        }
    }

    /** Opens through the packet path's cipher; null when the tag does not verify. */
    public static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] sealed, boolean direct) {
        try (ChaChaPoly cipher = ChaChaPoly.forOpening(key)) {
            ByteBuffer out = buffer(Math.max(0, sealed.length - PacketFormat.TAG_LENGTH), direct);
            ByteBuffer aadBuffer = copy(aad, direct);
            if (!cipher.open(constant(nonce), counter(nonce), aadBuffer, 0, aad.length, copy(sealed, direct), out)) {
                return null;
            }
            return bytes(out.flip());
        }
    }

    static ByteBuffer buffer(int length, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
    }

    static ByteBuffer copy(byte[] bytes, boolean direct) {
        return buffer(bytes.length, direct).put(bytes).flip();
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }

    private static int constant(byte[] nonce) {
        checkNonce(nonce);
        return ByteBuffer.wrap(nonce, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static long counter(byte[] nonce) {
        checkNonce(nonce);
        return ByteBuffer.wrap(Arrays.copyOfRange(nonce, 4, 12))
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce.length != ChaChaPoly.NONCE_LENGTH) {
            throw new IllegalArgumentException("the packet path takes 12-byte nonces only, got " + nonce.length);
        }
    }
}
