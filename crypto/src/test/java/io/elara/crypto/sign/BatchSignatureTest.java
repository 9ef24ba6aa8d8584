package io.elara.crypto.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.identity.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batch signatures: every event of every batch size verifies alone, and any change to anything is refused. */
class BatchSignatureTest {
    private final Identity alice = Identity.fromSeed(new byte[32]);
    private final Identity mallory = Identity.fromSeed(filled(7));

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static List<byte[]> messages(int count) {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(("event " + i).getBytes(StandardCharsets.UTF_8));
        }
        return messages;
    }

    @Test
    void shouldVerifyEveryEventOfEveryBatchSizeOnItsOwn() {
        for (int count = 1; count <= BatchSigner.BATCH_MAX; count++) {
            List<byte[]> messages = messages(count);
            EventProof[] proofs = BatchSigner.sign(alice, messages);
            for (int i = 0; i < count; i++) {
                // A fresh verifier per event: each proves itself, as for an event a relay forwarded alone.
                assertThat(new BatchVerifier().verify(alice.nodeId(), messages.get(i), proofs[i]))
                        .as("event %d of %d", i, count)
                        .isTrue();
                assertThat(proofs[i].encodedLength()).isLessThanOrEqualTo(EventProof.ENCODED_LENGTH_MAX);
            }
        }
    }

    @Test
    void shouldCheckOneSignaturePerBatchWhenTheWholeBatchArrives() {
        List<byte[]> messages = messages(16);
        EventProof[] proofs = BatchSigner.sign(alice, messages);
        BatchVerifier verifier = new BatchVerifier();
        for (int i = 0; i < 16; i++) {
            assertThat(verifier.verify(alice.nodeId(), messages.get(i), proofs[i]))
                    .isTrue();
        }
        assertThat(verifier.signatureChecks()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAChangedEventAWrongAuthorAPathFromAnotherBatchOrAnotherPlace() {
        List<byte[]> messages = messages(5);
        EventProof[] proofs = BatchSigner.sign(alice, messages);
        BatchVerifier verifier = new BatchVerifier();
        assertThat(verifier.verify(alice.nodeId(), "event 9".getBytes(StandardCharsets.UTF_8), proofs[0]))
                .isFalse();
        assertThat(verifier.verify(mallory.nodeId(), messages.get(0), proofs[0]))
                .isFalse();
        assertThat(verifier.verify(alice.nodeId(), messages.get(1), proofs[0])).isFalse();
        EventProof[] forged = BatchSigner.sign(mallory, messages);
        assertThat(verifier.verify(alice.nodeId(), messages.get(0), forged[0])).isFalse();
        EventProof moved = new EventProof(1, 5, proofs[0].path(), proofs[0].signature());
        assertThat(verifier.verify(alice.nodeId(), messages.get(0), moved)).isFalse();
        EventProof resized = new EventProof(0, 6, proofs[0].path(), proofs[0].signature());
        assertThat(verifier.verify(alice.nodeId(), messages.get(0), resized)).isFalse();
        // After all that, the genuine proofs still verify.
        for (int i = 0; i < 5; i++) {
            assertThat(verifier.verify(alice.nodeId(), messages.get(i), proofs[i]))
                    .isTrue();
        }
    }

    @Test
    void shouldRefuseEveryFlippedBitOfAnEncodedProof() {
        List<byte[]> messages = messages(11);
        EventProof proof = BatchSigner.sign(alice, messages)[6];
        ByteBuffer encoded = ByteBuffer.allocate(proof.encodedLength());
        proof.encode(encoded);
        byte[] good = encoded.array();
        assertThat(EventProof.decode(ByteBuffer.wrap(good))).isEqualTo(proof);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            EventProof decoded = EventProof.decode(ByteBuffer.wrap(bad));
            assertThat(decoded == null || !new BatchVerifier().verify(alice.nodeId(), messages.get(6), decoded))
                    .as("bit %d", bit)
                    .isTrue();
        }
    }

    @Test
    void shouldDecodeArbitraryBytesWithoutThrowing() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(EventProof.ENCODED_LENGTH_MAX + 8)];
            random.nextBytes(bytes);
            if (bytes.length >= 3) {
                bytes[1] = (byte) (1 + random.nextInt(BatchSigner.BATCH_MAX));
                bytes[0] = (byte) random.nextInt(bytes[1] & 0xFF);
                bytes[2] = (byte) MerkleTree.pathLength(bytes[0] & 0xFF, bytes[1] & 0xFF);
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            EventProof decoded = EventProof.decode(in);
            if (decoded == null) {
                assertThat(in.position()).isZero();
            } else {
                assertThat(new BatchVerifier().verify(alice.nodeId(), bytes, decoded))
                        .isFalse();
            }
        }
    }

    @Test
    void shouldRefuseBatchesOutsideTheLimits() {
        assertThatThrownBy(() -> BatchSigner.sign(alice, List.of())).hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> BatchSigner.sign(alice, messages(65))).hasMessageContaining("not 65");
    }

    @Test
    void shouldMatchTheTreeShapeOfRfc9162ForSevenLeaves() {
        // RFC 9162 §2.1.3: with 7 leaves d0..d6, the path of d3 is [d2-leaf, hash(d0,d1), hash(d4,d5,d6)].
        List<byte[]> messages = messages(7);
        byte[][] leaves = new byte[7][];
        for (int i = 0; i < 7; i++) {
            leaves[i] = MerkleTree.leafHash(messages.get(i));
        }
        byte[] a = MerkleTree.nodeHash(leaves[0], leaves[1]);
        byte[] e = MerkleTree.nodeHash(MerkleTree.nodeHash(leaves[4], leaves[5]), leaves[6]);
        EventProof proof = BatchSigner.sign(alice, messages)[3];
        byte[][] path = proof.path();
        assertThat(path).hasDimensions(3, 32);
        assertThat(path[0]).isEqualTo(leaves[2]);
        assertThat(path[1]).isEqualTo(a);
        assertThat(path[2]).isEqualTo(e);
    }
}
