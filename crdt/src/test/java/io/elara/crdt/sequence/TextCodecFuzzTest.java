package io.elara.crdt.sequence;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz targets beside the text CRDT's decoders (snapshots, deltas, versions). Arbitrary bytes are either refused with
 * a {@link TextRejectedException} carrying a reason, or accepted; an accepted snapshot's state survives its own
 * encoding; a refused delta leaves the document unchanged; and a document that accepted a delta still loads its own
 * snapshot (the seeds {@code self-anchored-runs} and {@code contradictory-overlap} once broke that: runs whose origins were their own characters, and a run overlapping held characters whose right origin lay before its left one). Under plain {@code mvn test} each target replays its seeds from {@code
 * src/test/resources/io/elara/crdt/sequence/TextCodecFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class TextCodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzSnapshot(byte[] input) throws TextRejectedException {
        TextDocument document;
        try {
            document = TextDocument.decodeSnapshot(input, 7);
        } catch (TextRejectedException refused) {
            return;
        }
        // Decoding is strict: only a state's canonical encoding loads, so what loaded encodes to the very same bytes.
        if (!Arrays.equals(document.encodeSnapshot(), input)) {
            throw new IllegalStateException("a snapshot that is not canonical loaded");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzDelta(FuzzedDataProvider data) throws TextRejectedException {
        TextDocument document = new TextDocument(1);
        document.insert(0, data.consumeString(16));
        byte[] before = document.encodeSnapshot();
        try {
            document.mergeEncoded(data.consumeRemainingAsBytes());
        } catch (TextRejectedException refused) {
            if (!Arrays.equals(before, document.encodeSnapshot())) {
                throw new IllegalStateException("a refused delta changed the document", refused);
            }
            return;
        }
        // Whatever a peer's delta did, this document can still load its own snapshot.
        TextDocument.decodeSnapshot(document.encodeSnapshot(), 9);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzVersion(byte[] input) {
        try {
            TextVersion version = TextDocument.decodeVersion(input);
            new TextDocument(1).deltaSince(version);
        } catch (TextRejectedException refused) {
            // refused with a reason: fine
        }
    }
}
