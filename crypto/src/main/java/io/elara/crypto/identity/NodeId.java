package io.elara.crypto.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A node's identifier: its Ed25519 public key (32 bytes).
 *
 * <p>Text form: lowercase RFC 4648 base32 (no padding) of the 32 key bytes followed by a 3-byte checksum, the first
 * three bytes of SHA-256("elara-node-id" || key). 35 bytes encode to exactly 56 characters. The checksum makes a
 * mistyped or truncated id fail to parse (a random typo passes with probability 2^-24) instead of naming a different
 * node. {@link #shortForm()} is the first 10 characters, for display only.
 */
public final class NodeId implements Comparable<NodeId> {
    /** Length of the binary form, an Ed25519 public key. */
    public static final int LENGTH = 32;
    /** Length of the text form. */
    public static final int TEXT_LENGTH = 56;

    private static final int CHECKSUM_LENGTH = 3;
    private static final int SHORT_LENGTH = 10;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final byte[] CHECKSUM_DOMAIN = "elara-node-id".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final int hash;

    private NodeId(byte[] key) {
        this.key = key;
        this.hash = Arrays.hashCode(key);
    }

    /** The id of the node whose Ed25519 public key is {@code publicKey} (copied). */
    public static NodeId of(byte[] publicKey) {
        if (publicKey.length != LENGTH) {
            throw new IllegalArgumentException("a node id is " + LENGTH + " bytes, got " + publicKey.length);
        }
        return new NodeId(publicKey.clone());
    }

    /** Reads {@link #LENGTH} bytes at {@code offset}. */
    public static NodeId of(byte[] bytes, int offset) {
        return new NodeId(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
    }

    /**
     * Parses the text form. Case, surrounding spaces and dashes or spaces inside are ignored, so an id pasted from a
     * chat or split across lines still parses.
     *
     * @throws IllegalArgumentException with a one-line reason when the text is not a valid id
     */
    public static NodeId parse(String text) {
        String clean = text.strip().replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (clean.length() != TEXT_LENGTH) {
            throw new IllegalArgumentException(
                    "a node id has " + TEXT_LENGTH + " characters, this one has " + clean.length());
        }
        byte[] raw = new byte[LENGTH + CHECKSUM_LENGTH];
        long buffer = 0;
        int bits = 0;
        int out = 0;
        for (int i = 0; i < clean.length(); i++) {
            int value = ALPHABET.indexOf(clean.charAt(i));
            if (value < 0) {
                throw new IllegalArgumentException(
                        "a node id uses only a-z and 2-7; found '" + clean.charAt(i) + "' at position " + (i + 1));
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                raw[out++] = (byte) (buffer >>> bits);
            }
        }
        byte[] key = Arrays.copyOf(raw, LENGTH);
        byte[] expected = checksum(key);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, LENGTH, LENGTH + CHECKSUM_LENGTH))) {
            throw new IllegalArgumentException("node id checksum does not match: the id was mistyped or truncated");
        }
        return new NodeId(key);
    }

    /** A copy of the 32 key bytes. */
    public byte[] toBytes() {
        return key.clone();
    }

    /** The first 8 key bytes, big-endian: a short key for the id where 64 bits tell members apart. No allocation. */
    public long leadingLong() {
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | (key[i] & 0xFF);
        }
        return value;
    }

    /** Copies the 32 key bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(key, 0, target, offset, LENGTH);
    }

    /** True when the {@link #LENGTH} bytes at {@code offset} equal this id. */
    public boolean matches(byte[] bytes, int offset) {
        return Arrays.equals(key, 0, LENGTH, bytes, offset, offset + LENGTH);
    }

    /** The 56-character text form. */
    @Override
    public String toString() {
        byte[] raw = Arrays.copyOf(key, LENGTH + CHECKSUM_LENGTH);
        System.arraycopy(checksum(key), 0, raw, LENGTH, CHECKSUM_LENGTH);
        StringBuilder text = new StringBuilder(TEXT_LENGTH);
        long buffer = 0;
        int bits = 0;
        for (byte b : raw) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                text.append(ALPHABET.charAt((int) (buffer >>> bits) & 31));
            }
        }
        return text.toString();
    }

    /** The first 10 characters of the text form: enough to tell peers apart on screen, not to identify one. */
    public String shortForm() {
        return toString().substring(0, SHORT_LENGTH);
    }

    private static byte[] checksum(byte[] key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(CHECKSUM_DOMAIN);
            sha256.update(key);
            return Arrays.copyOf(sha256.digest(), CHECKSUM_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeId that && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(NodeId other) {
        return Arrays.compareUnsigned(key, other.key);
    }
}
