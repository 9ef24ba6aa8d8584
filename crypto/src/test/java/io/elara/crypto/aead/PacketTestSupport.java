package io.elara.crypto.aead;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Helpers shared by the packet tests: datagrams, and the raw JDK cipher as the reference. */
final class PacketTestSupport {
    static final long START_NS = 1_000_000_000L;

    private PacketTestSupport() {}

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Seals {@code plaintext} after {@code header} and returns the whole datagram: header, counter, ciphertext, tag. */
    static byte[] seal(PacketSealer sealer, byte[] header, byte[] plaintext, long nowNs, boolean direct) {
        ByteBuffer datagram = AeadTestAccess.buffer(header.length + plaintext.length + PacketFormat.OVERHEAD, direct);
        datagram.put(header);
        PacketReject result = sealer.seal(datagram, 0, AeadTestAccess.copy(plaintext, direct), nowNs);
        if (result != PacketReject.NONE) {
            throw new AssertionError("sealing failed: " + result);
        }
        if (datagram.hasRemaining()) {
            throw new AssertionError("sealing left " + datagram.remaining() + " bytes unwritten");
        }
        return AeadTestAccess.bytes(datagram.flip());
    }

    /** The outcome of one open: the reject and, on success, the plaintext. */
    static final class Opened {
        private final PacketReject reject;
        private final byte[] plaintext;

        Opened(PacketReject reject, byte[] plaintext) {
            this.reject = reject;
            this.plaintext = plaintext;
        }

        PacketReject reject() {
            return reject;
        }

        byte[] plaintext() {
            return plaintext;
        }
    }

    /** Opens a whole datagram whose header is its first {@code headerLength} bytes. */
    static Opened open(PacketOpener opener, byte[] datagram, int headerLength, long nowNs, boolean direct) {
        ByteBuffer buffer = AeadTestAccess.copy(datagram, direct);
        buffer.position(headerLength);
        ByteBuffer plaintext = AeadTestAccess.buffer(Math.max(0, datagram.length - headerLength), direct);
        PacketReject reject = opener.open(buffer, 0, plaintext, nowNs);
        if (reject != PacketReject.NONE) {
            if (buffer.position() != headerLength || plaintext.position() != 0) {
                throw new AssertionError("a rejected open moved a position: " + reject);
            }
            return new Opened(reject, null);
        }
        if (buffer.hasRemaining()) {
            throw new AssertionError("an open left " + buffer.remaining() + " bytes unread");
        }
        return new Opened(reject, AeadTestAccess.bytes(plaintext.flip()));
    }

    /** The 96-bit nonce of Noise and WireGuard: 4 zero bytes, then the counter little-endian. */
    static byte[] counterNonce(long counter) {
        return ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0)
                .putLong(counter)
                .array();
    }

    /** Ciphertext and tag from the JDK's cipher, used directly. */
    static byte[] jdkSeal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(plaintext);
    }

    /** A datagram sealed by the raw JDK cipher under any counter, the way {@link PacketSealer} lays it out. */
    static byte[] jdkDatagram(byte[] key, long counter, byte[] header, byte[] plaintext)
            throws GeneralSecurityException {
        byte[] sealed = jdkSeal(key, counterNonce(counter), header, plaintext);
        return ByteBuffer.allocate(header.length + PacketFormat.COUNTER_LENGTH + sealed.length)
                .put(header)
                .putLong(counter)
                .put(sealed)
                .array();
    }
}
