package io.elara.crypto.sign;

import io.elara.crypto.identity.Identity;
import java.util.List;

/**
 * Signs events in batches: the Merkle root of the batch's leaves (each event's signed bytes) is signed once, as {@code
 * Ed25519("elara event batch v1" || count || root)}, and every event gets an {@link EventProof}. With batches of 16,
 * signing costs one Ed25519 signature per 16 events, and a receiver of the whole batch one verification.
 */
public final class BatchSigner {
    /** Events in one batch, at most: keeps audit paths at 6 hashes or fewer. */
    public static final int BATCH_MAX = 64;

    static final byte[] CONTEXT = "elara event batch v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private BatchSigner() {}

    /** One proof per message of {@code messages} (1 to {@link #BATCH_MAX}), in order, all signed by {@code author}. */
    public static EventProof[] sign(Identity author, List<byte[]> messages) {
        int count = messages.size();
        if (count < 1 || count > BATCH_MAX) {
            throw new IllegalArgumentException("a batch holds 1 to " + BATCH_MAX + " events, not " + count);
        }
        byte[][] leaves = new byte[count][];
        for (int i = 0; i < count; i++) {
            leaves[i] = MerkleTree.leafHash(messages.get(i));
        }
        MerkleTree.Tree tree = new MerkleTree.Tree(leaves);
        byte[] root = tree.root();
        byte[] signature = author.sign(signedBytes(count, root));
        EventProof[] proofs = new EventProof[count];
        for (int i = 0; i < count; i++) {
            proofs[i] = new EventProof(i, count, tree.path(i).toArray(new byte[0][]), signature);
        }
        return proofs;
    }

    /** What the signature covers: the context, the batch size, the root. */
    static byte[] signedBytes(int count, byte[] root) {
        byte[] bytes = new byte[CONTEXT.length + 1 + root.length];
        System.arraycopy(CONTEXT, 0, bytes, 0, CONTEXT.length);
        bytes[CONTEXT.length] = (byte) count;
        System.arraycopy(root, 0, bytes, CONTEXT.length + 1, root.length);
        return bytes;
    }
}
