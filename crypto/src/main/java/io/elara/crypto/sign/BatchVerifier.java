package io.elara.crypto.sign;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks {@link EventProof}s. The root an event's path leads to is recomputed from the event's own bytes; a root whose
 * signature has been verified for its author is remembered (at most {@link #CACHE_MAX}, least recently used first
 * out), so the other events of the same batch cost only hashing. Not thread-safe: one per event loop.
 */
public final class BatchVerifier {
    /** Verified (author, root) pairs remembered. */
    public static final int CACHE_MAX = 4096;

    private final Map<Key, Boolean> verified = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > CACHE_MAX;
        }
    };

    private long signatureChecks;

    /** An (author, root, batch size) that verified; the root is this class's own array, never shared. */
    private static final class Key {
        private final NodeId author;
        private final byte[] root;
        private final int count;

        Key(NodeId author, byte[] root, int count) {
            this.author = author;
            this.root = root;
            this.count = count;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that
                    && author.equals(that.author)
                    && count == that.count
                    && Arrays.equals(root, that.root);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * author.hashCode() + Arrays.hashCode(root)) + count;
        }
    }

    /** True when {@code proof} shows that {@code author} signed {@code message} as part of a batch. Never throws. */
    public boolean verify(NodeId author, byte[] message, EventProof proof) {
        byte[] root =
                MerkleTree.rootFromPath(MerkleTree.leafHash(message), proof.index(), proof.count(), proof.pathView());
        if (root == null) {
            return false;
        }
        Key key = new Key(author, root, proof.count());
        if (verified.get(key) != null) {
            return true;
        }
        signatureChecks++;
        if (!Identity.verify(author, BatchSigner.signedBytes(proof.count(), root), proof.signatureView())) {
            // Not remembered: a forgery must not evict genuine entries, nor be cheaper the second time.
            return false;
        }
        verified.put(key, Boolean.TRUE);
        return true;
    }

    /** Ed25519 verifications done so far (the rest were answered from the cache). */
    public long signatureChecks() {
        return signatureChecks;
    }
}
