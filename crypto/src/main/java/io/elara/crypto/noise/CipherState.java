package io.elara.crypto.noise;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise CipherState (spec revision 34, section 5.1): a ChaCha20-Poly1305 key {@code k} and a 64-bit message counter
 * {@code n}. {@link HandshakeState#split()} hands out two of these, one per direction, for transport messages.
 *
 * <p>ChaCha20-Poly1305 is the JDK's provider (it measures about 1.5 times faster than Bouncy Castle's here). The
 * 96-bit nonce is four zero bytes followed by {@code n} as a little-endian 64-bit integer (section 12.3). The nonce
 * 2^64-1 is reserved for {@link #rekey()}: once {@code n} reaches it, every call fails.
 *
 * <p>Not thread-safe: one owner, the node's loop thread. {@link #close()} wipes the key; a closed state refuses every
 * call, so it can never fall back to passing plaintext through.
 */
public final class CipherState implements AutoCloseable {
    /** Length of the ChaCha20-Poly1305 key, in bytes. */
    public static final int KEY_LENGTH = 32;
    /** Length of the Poly1305 authentication tag added to every ciphertext, in bytes. */
    public static final int TAG_LENGTH = 16;
    /** The largest Noise message, in bytes (spec section 3). */
    public static final int MESSAGE_LENGTH_MAX = 65_535;
    /** The largest plaintext one transport message carries, in bytes. */
    public static final int PLAINTEXT_LENGTH_MAX = MESSAGE_LENGTH_MAX - TAG_LENGTH;

    /** The nonce 2^64-1 (as an unsigned long), reserved for rekeying (spec section 5.1). */
    static final long NONCE_RESERVED = -1L;

    private static final int NONCE_LENGTH = 12;
    private static final int COUNTER_OFFSET = 4;
    private static final String TRANSFORMATION = "ChaCha20-Poly1305";
    private static final String KEY_ALGORITHM = "ChaCha20";
    /**
     * A nonce no Noise message uses: its first four bytes are not zero. The JDK refuses to initialise a ChaCha20 cipher
     * twice in a row with the same key and nonce, even for decryption, so a decryption retried after a bad tag (the
     * nonce does not advance) first re-initialises with this one.
     */
    private static final byte[] RESET_NONCE = {-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

    private final Cipher cipher;
    private byte[] key;
    private SecretKeySpec keySpec;
    private long nonce;
    private boolean closed;
    /** Whether the cipher was last initialised with the current key, and with which nonce and mode. */
    private boolean initialisedWithKey;

    private long lastNonce;
    private int lastMode;

    /** A state with an empty key, as in InitializeKey(empty). */
    CipherState() {
        try {
            this.cipher = Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 platform has " + TRANSFORMATION, e);
        }
    }

    /** A state holding a copy of {@code key}, with {@code n = 0}. */
    static CipherState withKey(byte[] key) {
        CipherState state = new CipherState();
        state.initializeKey(key);
        return state;
    }

    /** InitializeKey: copies {@code newKey} (32 bytes) and sets {@code n = 0}. */
    void initializeKey(byte[] newKey) {
        if (newKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a cipher key is " + KEY_LENGTH + " bytes, got " + newKey.length);
        }
        if (key == null || !Arrays.equals(key, newKey)) {
            initialisedWithKey = false;
        }
        wipeKey();
        key = newKey.clone();
        keySpec = new SecretKeySpec(key, KEY_ALGORITHM);
        nonce = 0;
    }

    /** True once a key is set: until then (during the handshake only) encryption passes plaintext through. */
    public boolean hasKey() {
        return key != null;
    }

    /**
     * A copy of the key, for handing a split's transport key to a packet-level AEAD such as
     * {@code io.elara.crypto.aead.PacketSealer}, which frames its own counters. The caller wipes the copy (and then
     * closes this state, so that one key is never used by two nonce sequences).
     *
     * @throws NoiseException when no key is set or the state is closed
     */
    public byte[] copyKey() throws NoiseException {
        checkOpen();
        if (key == null) {
            throw new NoiseException("cipher state has no key to copy");
        }
        return key.clone();
    }

    /** The next message's nonce {@code n}, an unsigned 64-bit counter. */
    public long nonce() {
        return nonce;
    }

    /**
     * SetNonce: the next message uses {@code n} (unsigned). For receivers that accept messages out of order behind a
     * replay window; reusing a nonce for encryption under one key breaks ChaCha20-Poly1305, so senders never call this.
     */
    public void setNonce(long n) {
        this.nonce = n;
    }

    /**
     * EncryptWithAd: returns {@code ciphertext || tag} for {@code plaintext}, authenticating {@code ad}, and advances
     * the nonce. Without a key (handshake only) returns a copy of {@code plaintext}.
     *
     * @throws NoiseException when the state is closed, the nonce is exhausted or the result would exceed 65,535 bytes
     */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        checkOpen();
        if (key == null) {
            return plaintext.clone();
        }
        if (plaintext.length > PLAINTEXT_LENGTH_MAX) {
            throw new NoiseException("plaintext of " + plaintext.length
                    + " bytes does not fit a Noise message (at most " + PLAINTEXT_LENGTH_MAX + " bytes)");
        }
        checkNonce();
        init(Cipher.ENCRYPT_MODE, nonce);
        try {
            cipher.updateAAD(ad);
            byte[] ciphertext = cipher.doFinal(plaintext);
            nonce++;
            return ciphertext;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * DecryptWithAd: authenticates {@code ciphertext || tag} and {@code ad} and returns the plaintext, advancing the
     * nonce. On failure the nonce stays where it was (spec section 5.1). Without a key (handshake only) returns a copy.
     *
     * @throws NoiseException when the state is closed, the nonce is exhausted, the length is out of bounds or the tag
     *     does not verify
     */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        return decryptWithAd(ad, ciphertext, 0, ciphertext.length);
    }

    /** {@link #decryptWithAd(byte[], byte[])} for {@code length} bytes of {@code message} at {@code offset}. */
    byte[] decryptWithAd(byte[] ad, byte[] message, int offset, int length) throws NoiseException {
        checkOpen();
        if (length > MESSAGE_LENGTH_MAX) {
            throw new NoiseException(
                    "message of " + length + " bytes exceeds the Noise maximum of " + MESSAGE_LENGTH_MAX + " bytes");
        }
        if (key == null) {
            return Arrays.copyOfRange(message, offset, offset + length);
        }
        if (length < TAG_LENGTH) {
            throw new NoiseException(
                    "ciphertext of " + length + " bytes is shorter than the " + TAG_LENGTH + "-byte tag");
        }
        checkNonce();
        init(Cipher.DECRYPT_MODE, nonce);
        try {
            cipher.updateAAD(ad);
            byte[] plaintext = cipher.doFinal(message, offset, length);
            nonce++;
            return plaintext;
        } catch (AEADBadTagException e) {
            throw new NoiseException("authentication tag does not verify", e);
        } catch (GeneralSecurityException e) {
            throw new NoiseException("ciphertext cannot be decrypted: " + e.getMessage(), e);
        }
    }

    /**
     * Rekey: replaces the key with the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes) (spec sections 4.2
     * and 11.3). The nonce is unchanged. Both sides must rekey at the same point in the message stream.
     *
     * @throws NoiseException when the state has no key or is closed
     */
    public void rekey() throws NoiseException {
        checkOpen();
        if (key == null) {
            throw new NoiseException("cannot rekey a cipher state that has no key");
        }
        init(Cipher.ENCRYPT_MODE, NONCE_RESERVED);
        byte[] output;
        try {
            output = cipher.doFinal(new byte[KEY_LENGTH]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
        byte[] newKey = Arrays.copyOf(output, KEY_LENGTH);
        Arrays.fill(output, (byte) 0);
        long keep = nonce;
        initializeKey(newKey);
        Arrays.fill(newKey, (byte) 0);
        nonce = keep;
    }

    /** Wipes the key; every later call fails. Idempotent. */
    @Override
    public void close() {
        wipeKey();
        nonce = 0;
        closed = true;
    }

    private void wipeKey() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        key = null;
        // SecretKeySpec keeps its own copy, which the JDK offers no way to erase; dropping the reference is the most
        // this class can do.
        keySpec = null;
    }

    private void checkOpen() throws NoiseException {
        if (closed) {
            throw new NoiseException("cipher state is closed");
        }
    }

    private void checkNonce() throws NoiseException {
        if (nonce == NONCE_RESERVED) {
            throw new NoiseException("nonce exhausted: 2^64-1 messages under one key; a new handshake is needed");
        }
    }

    private void init(int mode, long n) {
        try {
            if (initialisedWithKey && n == lastNonce) {
                if (mode == Cipher.ENCRYPT_MODE && lastMode == Cipher.ENCRYPT_MODE) {
                    throw new IllegalStateException("nonce " + Long.toUnsignedString(n) + " reused for encryption");
                }
                cipher.init(Cipher.DECRYPT_MODE, keySpec, new IvParameterSpec(RESET_NONCE));
            }
            cipher.init(mode, keySpec, new IvParameterSpec(nonceBytes(n)));
            initialisedWithKey = true;
            lastNonce = n;
            lastMode = mode;
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 refused a 32-byte key and 12-byte nonce", e);
        }
    }

    private static byte[] nonceBytes(long n) {
        byte[] bytes = new byte[NONCE_LENGTH];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(COUNTER_OFFSET, n);
        return bytes;
    }
}
