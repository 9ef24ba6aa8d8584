package io.elara.crdt.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Convergence under any delivery: 2 to 5 replicas edit concurrently at random positions; every encoded delta reaches
 * every other replica in random order, some twice, some only after being lost and sent again, interleaved with more
 * local edits. Afterwards every replica holds the same text and encodes the same snapshot bytes.
 */
class TextDocumentPropertyTest {
    private static final String ALPHABET = "abcdefghij XYZ\u00e9\u4e2d";

    /** An encoded delta on its way to one replica. */
    private static final class Message {
        final int to;
        final byte[] encoded;

        Message(int to, byte[] encoded) {
            this.to = to;
            this.encoded = encoded;
        }
    }

    @Property(tries = 200)
    void shouldConvergeToIdenticalSnapshotsWhenDeliveryIsShuffledDuplicatedAndLossy(
            @ForAll @IntRange(min = 2, max = 5) int replicaCount,
            @ForAll @IntRange(min = 1, max = 120) int operationCount,
            @ForAll long seed)
            throws TextRejectedException {
        SplittableRandom random = new SplittableRandom(seed);
        List<TextDocument> replicas = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            // Replica ids in both orders relative to the index, so tie-breaks do not follow creation order.
            replicas.add(new TextDocument(i % 2 == 0 ? 1000 - i : i));
        }
        List<Message> inFlight = new ArrayList<>();
        List<Message> lost = new ArrayList<>();
        for (int step = 0; step < operationCount; step++) {
            int editor = random.nextInt(replicaCount);
            TextDelta delta = edit(replicas.get(editor), random);
            byte[] encoded = TextDocument.encodeDelta(delta);
            for (int i = 0; i < replicaCount; i++) {
                if (i != editor) {
                    (random.nextInt(10) == 0 ? lost : inFlight).add(new Message(i, encoded));
                }
            }
            int deliveries = random.nextInt(4);
            for (int d = 0; d < deliveries && !inFlight.isEmpty(); d++) {
                deliver(replicas, inFlight, random);
            }
        }
        inFlight.addAll(lost);
        while (!inFlight.isEmpty()) {
            deliver(replicas, inFlight, random);
        }
        byte[] expected = replicas.get(0).encodeSnapshot();
        for (TextDocument replica : replicas) {
            assertThat(replica.pendingItems()).isZero();
            assertThat(replica.text()).isEqualTo(replicas.get(0).text());
            assertThat(replica.encodeSnapshot()).isEqualTo(expected);
        }
    }

    @Property(tries = 100)
    void shouldMergeWholeStatesCommutativelyAndIdempotentlyWhenReplicasDiverged(
            @ForAll @IntRange(min = 1, max = 60) int operationCount, @ForAll long seed) throws TextRejectedException {
        SplittableRandom random = new SplittableRandom(seed);
        TextDocument first = new TextDocument(7);
        TextDocument second = new TextDocument(3);
        TextDocument third = new TextDocument(5);
        for (int step = 0; step < operationCount; step++) {
            List<TextDocument> all = List.of(first, second, third);
            edit(all.get(random.nextInt(3)), random);
        }
        // (first ∪ second) ∪ third against first ∪ (third ∪ second), via decoded snapshots, each merged twice.
        TextDocument left = TextDocument.decodeSnapshot(first.encodeSnapshot(), 7);
        left.merge(second);
        left.merge(second);
        left.merge(third);
        TextDocument right = TextDocument.decodeSnapshot(third.encodeSnapshot(), 5);
        right.merge(second);
        right.merge(first);
        right.merge(right.deltaSince(TextVersion.EMPTY));
        assertThat(left.text()).isEqualTo(right.text());
        assertThat(left.encodeSnapshot()).isEqualTo(right.encodeSnapshot());
        // What the other side is missing, by state vector, brings a stale replica level.
        TextDocument stale = TextDocument.decodeSnapshot(first.encodeSnapshot(), 7);
        stale.mergeEncoded(TextDocument.encodeDelta(
                left.deltaSince(TextDocument.decodeVersion(TextDocument.encodeVersion(stale.version())))));
        assertThat(stale.encodeSnapshot()).isEqualTo(left.encodeSnapshot());
    }

    @Property(tries = 150)
    void shouldConvergeWhenReplicasSyncByDeltasSinceStaleVersionsInAnyOrder(
            @ForAll @IntRange(min = 2, max = 4) int replicaCount,
            @ForAll @IntRange(min = 1, max = 100) int operationCount,
            @ForAll long seed)
            throws TextRejectedException {
        SplittableRandom random = new SplittableRandom(seed);
        List<TextDocument> replicas = new ArrayList<>();
        List<TextVersion> seen = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(new TextDocument(i % 2 == 0 ? 500 - i : i));
            seen.add(TextVersion.EMPTY);
        }
        // Deltas since a remembered (possibly stale) version, with deleted text elided, delivered late, out of order
        // and some twice; interleaved with lossy local deltas, so an elided run may meet its own characters with text.
        List<Message> inFlight = new ArrayList<>();
        for (int step = 0; step < operationCount; step++) {
            int editor = random.nextInt(replicaCount);
            TextDelta local = edit(replicas.get(editor), random);
            int to = random.nextInt(replicaCount);
            if (to != editor && random.nextInt(3) == 0) {
                inFlight.add(new Message(to, TextDocument.encodeDelta(local)));
            }
            if (random.nextInt(3) == 0) {
                int from = random.nextInt(replicaCount);
                int target = random.nextInt(replicaCount);
                TextVersion version = random.nextBoolean()
                        ? seen.get(target)
                        : replicas.get(target).version();
                inFlight.add(new Message(
                        target, TextDocument.encodeDelta(replicas.get(from).deltaSince(version))));
                seen.set(target, replicas.get(target).version());
            }
            if (!inFlight.isEmpty() && random.nextInt(2) == 0) {
                deliver(replicas, inFlight, random);
            }
        }
        while (!inFlight.isEmpty()) {
            deliver(replicas, inFlight, random);
        }
        for (int round = 0; round < 2; round++) {
            for (TextDocument from : replicas) {
                for (TextDocument to : replicas) {
                    to.mergeEncoded(TextDocument.encodeDelta(from.deltaSince(to.version())));
                }
            }
        }
        byte[] expected = replicas.get(0).encodeSnapshot();
        for (TextDocument replica : replicas) {
            assertThat(replica.pendingItems()).isZero();
            assertThat(replica.text()).isEqualTo(replicas.get(0).text());
            assertThat(replica.encodeSnapshot()).isEqualTo(expected);
        }
    }

    private static TextDelta edit(TextDocument document, SplittableRandom random) {
        if (document.length() > 0 && random.nextInt(3) == 0) {
            int position = random.nextInt(document.length());
            int length = 1 + random.nextInt(Math.min(5, document.length() - position));
            return document.delete(position, length);
        }
        int length = 1 + random.nextInt(random.nextInt(8) == 0 ? 12 : 3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return document.insert(random.nextInt(document.length() + 1), text.toString());
    }

    private static void deliver(List<TextDocument> replicas, List<Message> inFlight, SplittableRandom random)
            throws TextRejectedException {
        int index = random.nextInt(inFlight.size());
        Message message = random.nextInt(8) == 0 ? inFlight.get(index) : inFlight.remove(index);
        replicas.get(message.to).mergeEncoded(message.encoded);
    }
}
