package io.elara.crypto.sign;

import io.elara.crypto.identity.Identity;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What one event carries to prove its author: its place in the batch, the audit path from its leaf to the batch's
 * Merkle root, and the author's signature of that root. Immutable.
 *
 * <p>Encoding (big-endian), {@link #encodedLength()} bytes:
 *
 * <pre>
 *  offset  length    field
 *  0       1         leaf index within the batch (0 .. count-1)
 *  1       1         batch size (count, 1 .. {@value BatchSigner#BATCH_MAX})
 *  2       1         number of path hashes (must equal the path length for index and count)
 *  3       32 × n    audit path, leaf side first
 *  3+32n   64        Ed25519 signature of the root (see {@link BatchSigner})
 * </pre>
 *
 */
public final class EventProof {
    /** Bytes of one path hash. */
    public static final int HASH_LENGTH = 32;

    /** The largest encoding: a batch of {@value BatchSigner#BATCH_MAX} has paths of at most 6 hashes. */
    public static final int ENCODED_LENGTH_MAX = 3 + 6 * HASH_LENGTH + Identity.SIGNATURE_LENGTH;

    private final int index;
    private final int count;
    private final byte[][] path;
    private final byte[] signature;

    /**
     * @param index the leaf's index
     * @param count the number of events in the batch
     * @param path the audit path, each 32 bytes, from the leaf up (copied)
     * @param signature the author's signature of the root (copied)
     */
    public EventProof(int index, int count, byte[][] path, byte[] signature) {
        if (count < 1 || count > BatchSigner.BATCH_MAX || index < 0 || index >= count) {
            throw new IllegalArgumentException("index " + index + " of " + count + " is not a place in a batch");
        }
        if (path.length != MerkleTree.pathLength(index, count)) {
            throw new IllegalArgumentException("an audit path for leaf " + index + " of " + count + " has "
                    + MerkleTree.pathLength(index, count) + " hashes, not " + path.length);
        }
        byte[][] copy = path.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i].length != HASH_LENGTH) {
                throw new IllegalArgumentException("a path hash is " + HASH_LENGTH + " bytes");
            }
            copy[i] = copy[i].clone();
        }
        if (signature.length != Identity.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("a signature is " + Identity.SIGNATURE_LENGTH + " bytes");
        }
        this.index = index;
        this.count = count;
        this.path = copy;
        this.signature = signature.clone();
    }

    public int index() {
        return index;
    }

    public int count() {
        return count;
    }

    /** The audit path, leaf side first (copies). */
    public byte[][] path() {
        byte[][] copy = path.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = copy[i].clone();
        }
        return copy;
    }

    public byte[] signature() {
        return signature.clone();
    }

    /** Package access without copies, for verification. */
    byte[][] pathView() {
        return path;
    }

    byte[] signatureView() {
        return signature;
    }

    public int encodedLength() {
        return 3 + path.length * HASH_LENGTH + Identity.SIGNATURE_LENGTH;
    }

    /**
     * The length of the encoding whose first three bytes are {@code index}, {@code count} and {@code hashes} (each
     * 0..255), or -1 when they describe no proof (see {@link #decode}). Lets a frame codec check its structure before
     * decoding anything.
     */
    public static int encodedLength(int index, int count, int hashes) {
        if (count < 1
                || count > BatchSigner.BATCH_MAX
                || index >= count
                || hashes != MerkleTree.pathLength(index, count)) {
            return -1;
        }
        return 3 + hashes * HASH_LENGTH + Identity.SIGNATURE_LENGTH;
    }

    /** Writes the encoding at {@code out}'s position. */
    public void encode(ByteBuffer out) {
        out.put((byte) index).put((byte) count).put((byte) path.length);
        for (byte[] hash : path) {
            out.put(hash);
        }
        out.put(signature);
    }

    /**
     * Reads a proof from {@code in}'s position, advancing it; null (position unchanged) when the bytes are not a
     * well-formed proof: too short, a place outside its batch, or a path of the wrong length. Never throws.
     */
    public static EventProof decode(ByteBuffer in) {
        int start = in.position();
        if (in.remaining() < 3) {
            return null;
        }
        int index = in.get(start) & 0xFF;
        int count = in.get(start + 1) & 0xFF;
        int hashes = in.get(start + 2) & 0xFF;
        int length = encodedLength(index, count, hashes);
        if (length < 0 || in.remaining() < length) {
            return null;
        }
        byte[][] path = new byte[hashes][HASH_LENGTH];
        in.position(start + 3);
        for (byte[] hash : path) {
            in.get(hash);
        }
        byte[] signature = new byte[Identity.SIGNATURE_LENGTH];
        in.get(signature);
        return new EventProof(index, count, path, signature);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventProof that
                && index == that.index
                && count == that.count
                && Arrays.deepEquals(path, that.path)
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * index + count) + Arrays.deepHashCode(path)) + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "EventProof[" + index + " of " + count + "]";
    }
}
