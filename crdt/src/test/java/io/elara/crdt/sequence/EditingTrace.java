package io.elara.crdt.sequence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.testing.vectors.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** An editing trace of {@code shared/data/traces}: transactions of splice patches and the content they must yield. */
public record EditingTrace(String name, String startContent, String endContent, List<List<Patch>> transactions) {
    /** Delete {@code deleted} characters at {@code position}, then insert {@code inserted} there. */
    public record Patch(int position, int deleted, String inserted) {}

    /** The trace file names the tests and benchmarks replay. */
    public static final List<String> NAMES = List.of("seph-blog1", "sveltecomponent");

    /** Reads {@code traces/<name>.json.gz} from the shared data (the test is skipped where that folder is absent). */
    public static EditingTrace load(String name) {
        return read(name, SharedData.file("traces/" + name + ".json.gz"));
    }

    /** Reads a trace file in the shared format. */
    public static EditingTrace read(String name, Path file) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<List<Patch>> transactions = new ArrayList<>();
            for (JsonNode transaction : root.get("txns")) {
                List<Patch> patches = new ArrayList<>();
                for (JsonNode patch : transaction.get("patches")) {
                    patches.add(new Patch(
                            patch.get(0).asInt(),
                            patch.get(1).asInt(),
                            patch.get(2).asText()));
                }
                transactions.add(patches);
            }
            return new EditingTrace(
                    name,
                    root.get("startContent").asText(),
                    root.get("endContent").asText(),
                    transactions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        }
    }

    /** Applies one transaction to a document as local edits; returns the deltas it produced. */
    public static List<TextDelta> apply(TextDocument document, List<Patch> transaction) {
        List<TextDelta> deltas = new ArrayList<>(2);
        for (Patch patch : transaction) {
            if (patch.deleted() > 0) {
                deltas.add(document.delete(patch.position(), patch.deleted()));
            }
            if (!patch.inserted().isEmpty()) {
                deltas.add(document.insert(patch.position(), patch.inserted()));
            }
        }
        return deltas;
    }
}
