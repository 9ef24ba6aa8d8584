package io.elara.node.secure;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The keyed hashes and the cookie cipher of the handshake's DoS defence, as in WireGuard (whitepaper section 5.4.4 and
 * 5.4.7): BLAKE2s (RFC 7693) from Bouncy Castle, and XChaCha20-Poly1305 from Bouncy Castle's
 * {@link XChaCha20Poly1305} (HChaCha20 then ChaCha20-Poly1305, checked against every Wycheproof vector in
 * {@code MacsTest}).
 *
 * <p>Stateless; every call allocates its own digest or cipher.
 */
final class Macs {
    /** A BLAKE2s-256 output and an X25519 key. */
    static final int KEY_LENGTH = 32;
    /** MAC1, MAC2 and a cookie: BLAKE2s-128. */
    static final int MAC_LENGTH = 16;
    /** The cookie reply's XChaCha20 nonce. */
    static final int NONCE_LENGTH = 24;
    /** The Poly1305 tag of the encrypted cookie. */
    static final int TAG_LENGTH = 16;

    private static final byte[] MAC1_LABEL = "mac1----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COOKIE_LABEL = "cookie--".getBytes(StandardCharsets.US_ASCII);

    private Macs() {}

    /** BLAKE2s-256("mac1----" || staticPublicKey): the MAC1 key for messages to the owner of that static key. */
    static byte[] mac1Key(byte[] staticPublicKey) {
        return labelledHash(MAC1_LABEL, staticPublicKey);
    }

    /** BLAKE2s-256("cookie--" || staticPublicKey): the key that cookie replies from that static key are sealed with. */
    static byte[] cookieKey(byte[] staticPublicKey) {
        return labelledHash(COOKIE_LABEL, staticPublicKey);
    }

    /** Keyed BLAKE2s-128 of {@code length} bytes of {@code data} at {@code offset}. */
    static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(data, offset, length);
        byte[] out = new byte[MAC_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** Writes the keyed BLAKE2s-128 of {@code data[0, length)} at {@code data[length]}. */
    static void writeMac(byte[] key, byte[] data, int length) {
        Blake2sDigest digest = new Blake2sDigest(key, MAC_LENGTH, null, null);
        digest.update(data, 0, length);
        digest.doFinal(data, length);
    }

    /** True when {@code data[length, length + 16)} is the keyed BLAKE2s-128 of {@code data[0, length)}. */
    static boolean checkMac(byte[] key, byte[] data, int length) {
        byte[] expected = mac(key, data, 0, length);
        byte[] actual = new byte[MAC_LENGTH];
        System.arraycopy(data, length, actual, 0, MAC_LENGTH);
        return MessageDigest.isEqual(expected, actual);
    }

    /** The bytes a cookie covers: the IP address (4 or 16 bytes) then the port, big-endian. */
    static byte[] addressBytes(InetSocketAddress address) {
        byte[] ip = address.getAddress() == null
                ? new byte[0]
                : address.getAddress().getAddress();
        byte[] out = new byte[ip.length + 2];
        System.arraycopy(ip, 0, out, 0, ip.length);
        out[ip.length] = (byte) (address.getPort() >>> 8);
        out[ip.length + 1] = (byte) address.getPort();
        return out;
    }

    /** XChaCha20-Poly1305 encryption of {@code plaintext}; returns ciphertext || tag. */
    static byte[] xSeal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
        cipher.init(true, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, aad));
        byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
        int written = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            cipher.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail a tag check", e);
        }
        return out;
    }

    /** XChaCha20-Poly1305 decryption of ciphertext || tag, or null when the tag does not verify. */
    static byte[] xOpen(byte[] key, byte[] nonce, byte[] aad, byte[] sealed, int offset, int length) {
        if (length < TAG_LENGTH) {
            return null;
        }
        XChaCha20Poly1305 cipher = new XChaCha20Poly1305();
        cipher.init(false, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, aad));
        byte[] out = new byte[cipher.getOutputSize(length)];
        int written = cipher.processBytes(sealed, offset, length, out, 0);
        try {
            cipher.doFinal(out, written);
            return out;
        } catch (InvalidCipherTextException e) {
            // Counted by the caller as a bad cookie reply; no detail is worth keeping.
            return null;
        }
    }

    private static byte[] labelledHash(byte[] label, byte[] key) {
        Blake2sDigest digest = new Blake2sDigest(KEY_LENGTH * 8);
        digest.update(label, 0, label.length);
        digest.update(key, 0, key.length);
        byte[] out = new byte[KEY_LENGTH];
        digest.doFinal(out, 0);
        return out;
    }
}
