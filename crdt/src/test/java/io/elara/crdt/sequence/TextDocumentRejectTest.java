package io.elara.crdt.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed, truncated, corrupted and oversized input is refused with a typed reason and changes nothing. */
class TextDocumentRejectTest {
    private TextDocument replica;
    private byte[] replicaBefore;
    private byte[] delta;
    private byte[] snapshot;

    @BeforeEach
    void setUp() {
        TextDocument author = new TextDocument(42);
        author.insert(0, "hello world");
        author.delete(5, 1);
        author.insert(5, ", ");
        delta = TextDocument.encodeDelta(author.deltaSince(TextVersion.EMPTY));
        snapshot = author.encodeSnapshot();
        replica = new TextDocument(9);
        replica.insert(0, "mine");
        replicaBefore = replica.encodeSnapshot();
    }

    @Test
    void shouldRejectAsTruncatedWhenDeltaIsCutAnywhere() {
        for (int length = 0; length < delta.length; length++) {
            byte[] cut = Arrays.copyOf(delta, length);
            assertThatThrownBy(() -> replica.mergeEncoded(cut))
                    .isInstanceOf(TextRejectedException.class)
                    .satisfies(e -> assertThat(((TextRejectedException) e).reason())
                            .isIn(TextRejectReason.TRUNCATED, TextRejectReason.OUT_OF_RANGE));
            assertUnchanged();
        }
    }

    @Test
    void shouldRejectWhenSnapshotIsCutAnywhere() {
        for (int length = 0; length < snapshot.length; length++) {
            byte[] cut = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> TextDocument.decodeSnapshot(cut, 1)).isInstanceOf(TextRejectedException.class);
        }
    }

    @Test
    void shouldRejectAsUnknownVersionWhenVersionByteIsNotOne() {
        byte[] future = delta.clone();
        future[0] = 2;
        assertThatThrownBy(() -> replica.mergeEncoded(future))
                .isInstanceOf(TextRejectedException.class)
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.UNKNOWN_VERSION);
        byte[] futureSnapshot = snapshot.clone();
        futureSnapshot[0] = (byte) 0xFF;
        assertThatThrownBy(() -> TextDocument.decodeSnapshot(futureSnapshot, 1))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.UNKNOWN_VERSION);
        assertUnchanged();
    }

    @Test
    void shouldRejectAsUnknownKindWhenSnapshotIsMergedAsDelta() {
        assertThatThrownBy(() -> replica.mergeEncoded(snapshot))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.UNKNOWN_KIND);
        assertUnchanged();
    }

    @Test
    void shouldRejectAsTrailingBytesWhenDeltaHasExtraBytes() {
        byte[] longer = Arrays.copyOf(delta, delta.length + 1);
        assertThatThrownBy(() -> replica.mergeEncoded(longer))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.TRAILING_BYTES);
        assertUnchanged();
    }

    @Test
    void shouldRejectAsOutOfRangeWhenDeltaRunHasUnknownFlagBit() {
        byte[] encoded = TextDocument.encodeDelta(new TextDelta(
                List.of(new InsertedRun(7, 0, null, null, "a"), InsertedRun.elided(7, 1, new ItemId(7, 0), null, 3)),
                List.of()));
        // version, kind, replica count, replica id (8 bytes), run count; then replica index, start, length, flags.
        int firstFlags = 1 + 1 + 1 + 8 + 1 + 3;
        assertThat(encoded[firstFlags]).isZero();
        byte[] unknown = encoded.clone();
        unknown[firstFlags] = 1 << 4;
        assertThatThrownBy(() -> replica.mergeEncoded(unknown))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.OUT_OF_RANGE);
        assertUnchanged();
    }

    @Test
    void shouldDecodeElidedRunWithoutTextWhenDeltaRunIsFlaggedDeleted() throws TextRejectedException {
        TextDelta delta = new TextDelta(
                List.of(new InsertedRun(7, 0, null, null, "a"), InsertedRun.elided(7, 1, new ItemId(7, 0), null, 3)),
                List.of());
        byte[] encoded = TextDocument.encodeDelta(delta);
        assertThat(TextDocument.decodeDelta(encoded)).isEqualTo(delta);
        // Cutting the elided run's last byte (its flags) is a truncation, not a run with text missing.
        assertThatThrownBy(() -> TextDocument.decodeDelta(Arrays.copyOf(encoded, encoded.length - 2)))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.TRUNCATED);
    }

    @Test
    void shouldNeverThrowUncheckedWhenAnyBitOfDeltaOrSnapshotIsFlipped() {
        for (int bit = 0; bit < delta.length * 8; bit++) {
            byte[] flipped = delta.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            TextDocument target = new TextDocument(9);
            try {
                target.mergeEncoded(flipped);
                // A flip may still be a well-formed delta (another character, another origin): then state is valid.
                assertThat(target.text().length()).isEqualTo(target.length());
                target.encodeSnapshot();
            } catch (TextRejectedException e) {
                assertThat(e.reason()).isNotNull();
                assertThat(target.itemCount()).isZero();
            }
        }
        for (int bit = 0; bit < snapshot.length * 8; bit++) {
            byte[] flipped = snapshot.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                TextDocument loaded = TextDocument.decodeSnapshot(flipped, 1);
                assertThat(loaded.text().length()).isEqualTo(loaded.length());
                loaded.insert(0, "x");
            } catch (TextRejectedException e) {
                assertThat(e.reason()).isNotNull();
            }
        }
    }

    @Test
    void shouldNeverThrowUncheckedWhenInputIsRandomBytes() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (bytes.length > 1) {
                bytes[0] = 1;
                bytes[1] = (byte) (1 + random.nextInt(3));
            }
            try {
                replica.mergeEncoded(bytes);
            } catch (TextRejectedException e) {
                assertUnchanged();
            }
            try {
                TextDocument.decodeSnapshot(bytes, 1);
            } catch (TextRejectedException e) {
                assertThat(e.reason()).isNotNull();
            }
        }
    }

    @Test
    void shouldRejectAsInconsistentWhenSnapshotHasGapMissingOriginOrOriginOnWrongSide() {
        byte[] gap = TextCodec.encodeSnapshot(List.of(new SnapshotRun(1, 1, 1, false, null, null, "a")));
        byte[] missingOrigin =
                TextCodec.encodeSnapshot(List.of(new SnapshotRun(1, 0, 1, false, new ItemId(2, 0), null, "a")));
        byte[] wrongSide = TextCodec.encodeSnapshot(List.of(
                new SnapshotRun(1, 1, 1, false, new ItemId(1, 0), null, "b"),
                new SnapshotRun(1, 0, 1, false, null, null, "a")));
        for (byte[] bytes : List.of(gap, missingOrigin, wrongSide)) {
            assertThatThrownBy(() -> TextDocument.decodeSnapshot(bytes, 1))
                    .extracting(e -> ((TextRejectedException) e).reason())
                    .isEqualTo(TextRejectReason.INCONSISTENT_STATE);
        }
    }

    @Test
    void shouldRejectAsNotCanonicalWhenSnapshotSplitsARunOrNamesAnEmptyOne() throws TextRejectedException {
        byte[] canonical = TextCodec.encodeSnapshot(List.of(new SnapshotRun(1, 0, 2, false, null, null, "ab")));
        byte[] split = TextCodec.encodeSnapshot(List.of(
                new SnapshotRun(1, 0, 1, false, null, null, "a"),
                new SnapshotRun(1, 1, 1, false, new ItemId(1, 0), null, "b")));
        byte[] emptyRun = TextCodec.encodeSnapshot(List.of(
                new SnapshotRun(1, 0, 2, false, null, null, "ab"), new SnapshotRun(2, 0, 0, false, null, null, "")));

        assertThat(TextDocument.decodeSnapshot(canonical, 1).text()).isEqualTo("ab");
        for (byte[] bytes : List.of(split, emptyRun)) {
            // The same state as the canonical bytes, but spelled otherwise: refused, so one state has one encoding.
            assertThatThrownBy(() -> TextDocument.decodeSnapshot(bytes, 1))
                    .extracting(e -> ((TextRejectedException) e).reason())
                    .isIn(TextRejectReason.NOT_CANONICAL, TextRejectReason.OUT_OF_RANGE);
        }
        assertThatThrownBy(() -> TextDocument.decodeSnapshot(split, 1))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.NOT_CANONICAL);
    }

    @Test
    void shouldBufferUntilOriginArrivesWhenDeltaDependsOnUnknownCharacter() throws TextRejectedException {
        TextDocument origin = new TextDocument(4);
        TextDelta first = origin.insert(0, "a");
        TextDocument other = new TextDocument(3);
        other.merge(first);
        TextDelta second = other.insert(1, "b");
        TextDocument target = new TextDocument(9);
        assertThat(target.merge(second).pendingItems()).isEqualTo(1);
        assertThat(target.text()).isEmpty();
        assertThat(target.merge(first).pendingItems()).isZero();
        assertThat(target.text()).isEqualTo("ab");
    }

    @Test
    void shouldRejectWithPendingLimitWhenBufferWouldOverflow() {
        String big = "x".repeat((int) TextDocument.PENDING_ITEMS_MAX + 1);
        TextDelta waiting = new TextDelta(List.of(new InsertedRun(3, 5, null, null, big)), List.of());
        assertThatThrownBy(() -> replica.merge(waiting))
                .extracting(e -> ((TextRejectedException) e).reason())
                .isEqualTo(TextRejectReason.PENDING_LIMIT);
        assertUnchanged();
        assertThat(replica.pendingItems()).isZero();
    }

    private void assertUnchanged() {
        assertThat(replica.encodeSnapshot()).isEqualTo(replicaBefore);
        assertThat(replica.text()).isEqualTo("mine");
    }
}
