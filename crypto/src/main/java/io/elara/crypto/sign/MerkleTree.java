package io.elara.crypto.sign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * Merkle tree hashing after RFC 9162 §2.1 (Certificate Transparency 2.0), with BLAKE2s-256: a leaf hashes as {@code
 * H(0x00 || data)}, an inner node as {@code H(0x01 || left || right)}, and a tree of n leaves splits at the largest
 * power of two smaller than n. Audit paths and their verification follow §2.1.3.
 */
final class MerkleTree {
    private static final byte LEAF = 0;
    private static final byte NODE = 1;

    private MerkleTree() {}

    static byte[] leafHash(byte[] data) {
        Blake2sDigest digest = new Blake2sDigest(256);
        digest.update(LEAF);
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        Blake2sDigest digest = new Blake2sDigest(256);
        digest.update(NODE);
        digest.update(left, 0, left.length);
        digest.update(right, 0, right.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** A tree over leaf hashes whose subtree roots are each computed once, however many paths are asked for. */
    static final class Tree {
        private final byte[][] leaves;
        private final Map<Long, byte[]> subtrees = new HashMap<>();

        Tree(byte[][] leaves) {
            this.leaves = leaves;
        }

        byte[] root() {
            return root(0, leaves.length);
        }

        /** The root over leaves {@code [from, to)}. */
        byte[] root(int from, int to) {
            if (to - from == 1) {
                return leaves[from];
            }
            long key = ((long) from << 32) | to;
            byte[] cached = subtrees.get(key);
            if (cached == null) {
                int k = largestPowerOfTwoBelow(to - from);
                cached = nodeHash(root(from, from + k), root(from + k, to));
                subtrees.put(key, cached);
            }
            return cached;
        }

        /** The audit path of leaf {@code index}, leaf side first (RFC 9162 §2.1.3.1). */
        List<byte[]> path(int index) {
            List<byte[]> path = new ArrayList<>();
            collect(index, 0, leaves.length, path);
            return path;
        }

        private void collect(int index, int from, int to, List<byte[]> path) {
            if (to - from == 1) {
                return;
            }
            int k = largestPowerOfTwoBelow(to - from);
            if (index - from < k) {
                collect(index, from, from + k, path);
                path.add(root(from + k, to));
            } else {
                collect(index, from + k, to, path);
                path.add(root(from, from + k));
            }
        }
    }

    /** How many hashes the audit path of leaf {@code index} of {@code count} has. */
    static int pathLength(int index, int count) {
        int length = 0;
        int from = 0;
        int to = count;
        while (to - from > 1) {
            int k = largestPowerOfTwoBelow(to - from);
            if (index - from < k) {
                to = from + k;
            } else {
                from = from + k;
            }
            length++;
        }
        return length;
    }

    /** The root implied by {@code leafHash} at {@code index} of {@code count} and its audit path (RFC 9162 §2.1.3.2). */
    static byte[] rootFromPath(byte[] leafHash, int index, int count, byte[][] path) {
        long fn = index;
        long sn = count - 1L;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
