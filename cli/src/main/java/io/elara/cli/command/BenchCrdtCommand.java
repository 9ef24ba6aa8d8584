package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.crdt.sequence.TextDocument;
import io.elara.crdt.sequence.TextRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench crdt}: replays editing traces (the josephg/editing-traces format) through the text CRDT and
 * prints, per trace, whether the result matched {@code endContent} and what it cost: local replay, a fresh replica
 * merging the whole update, loading a snapshot, the encoded sizes, and the heap the replayed document retains.
 */
@Command(
        name = "crdt",
        description = {
            "Replay editing traces (gzipped JSON: startContent, endContent, txns of [pos, deleted, inserted] patches)",
            "through the text CRDT and print, per trace, whether it matched endContent and what it cost.",
            "Exits 1 when a trace does not match."
        },
        footer = {"", "Example:", "  elara bench crdt ../shared/data/traces/*.json.gz --runs 5 --json"})
public final class BenchCrdtCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TRACE.json.gz", description = "trace files")
    List<Path> traces;

    @Option(names = "--runs", paramLabel = "N", description = "runs per trace; figures are medians (default: 5)")
    int runs = 5;

    @Option(names = "--json", description = "print one JSON object per trace")
    boolean json;

    /** One trace's figures; also its {@code --json} line. */
    record Result(
            String trace,
            String engine,
            boolean matched,
            double localReplayMs,
            double remoteMergeMs,
            double snapshotLoadMs,
            long updateBytes,
            long snapshotBytes,
            long retainedHeapBytes,
            long patches,
            int runs) {}

    /** One trace, read into arrays once: the timings measure the CRDT, not JSON parsing. */
    private static final class Trace {
        private final String name;
        private final String start;
        private final String end;
        /** Per transaction: position, deleted count, position, deleted count, ... */
        private final int[][] positions;
        /** Per transaction: the inserted text of each patch. */
        private final String[][] inserted;

        Trace(String name, String start, String end, int[][] positions, String[][] inserted) {
            this.name = name;
            this.start = start;
            this.end = end;
            this.positions = positions;
            this.inserted = inserted;
        }

        String name() {
            return name;
        }

        String start() {
            return start;
        }

        String end() {
            return end;
        }

        int[][] positions() {
            return positions;
        }

        String[][] inserted() {
            return inserted;
        }
    }

    @Override
    public Integer call() {
        if (runs < 1 || runs > 1_000) {
            throw new ElaraUserException(ExitCode.USAGE, "--runs must be 1 to 1000, got " + runs);
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean allMatched = true;
        for (Path file : traces) {
            Trace trace = read(file);
            Result result = measure(trace);
            allMatched &= result.matched();
            if (json) {
                try {
                    out.println(JSON.writeValueAsString(result));
                } catch (IOException e) {
                    throw new IllegalStateException("a map of numbers always serialises", e);
                }
            } else {
                out.printf(
                        Locale.ROOT,
                        "%s: %s; local replay %.1f ms, remote merge %.1f ms, snapshot load %.1f ms; update %d B,"
                                + " snapshot %d B; retained heap %.1f MiB (%d runs, %d patches)%n",
                        result.trace(),
                        result.matched() ? "matched endContent" : "DID NOT MATCH endContent",
                        result.localReplayMs(),
                        result.remoteMergeMs(),
                        result.snapshotLoadMs(),
                        result.updateBytes(),
                        result.snapshotBytes(),
                        result.retainedHeapBytes() / 1048576.0,
                        runs,
                        result.patches());
            }
            out.flush();
        }
        return allMatched ? ExitCode.OK : ExitCode.FAILURE;
    }

    private Result measure(Trace trace) {
        double[] local = new double[runs];
        double[] merge = new double[runs];
        double[] load = new double[runs];
        boolean matched = true;
        long updateBytes = 0;
        long snapshotBytes = 0;
        long retained = 0;
        for (int run = 0; run < runs; run++) {
            long heapBefore = usedHeapAfterGc();
            long start = System.nanoTime();
            TextDocument document = replay(trace);
            local[run] = (System.nanoTime() - start) / 1e6;
            retained = usedHeapAfterGc() - heapBefore;
            matched &= document.text().equals(trace.end());
            byte[] update = TextDocument.encodeDelta(document.deltaSince(new TextDocument(2).version()));
            byte[] snapshot = document.encodeSnapshot();
            updateBytes = update.length;
            snapshotBytes = snapshot.length;
            try {
                start = System.nanoTime();
                TextDocument remote = new TextDocument(3);
                remote.mergeEncoded(update);
                merge[run] = (System.nanoTime() - start) / 1e6;
                matched &= remote.text().equals(trace.end());
                start = System.nanoTime();
                TextDocument loaded = TextDocument.decodeSnapshot(snapshot, 4);
                load[run] = (System.nanoTime() - start) / 1e6;
                matched &= loaded.text().equals(trace.end());
            } catch (TextRejectedException e) {
                throw new ElaraUserException(
                        ExitCode.FAILURE, trace.name() + ": the CRDT refused its own encoding: " + e.getMessage(), e);
            }
        }
        return new Result(
                trace.name(),
                "elara text CRDT, Java " + Runtime.version(),
                matched,
                median(local),
                median(merge),
                median(load),
                updateBytes,
                snapshotBytes,
                retained,
                Arrays.stream(trace.positions()).mapToLong(p -> p.length / 2).sum(),
                runs);
    }

    private static TextDocument replay(Trace trace) {
        TextDocument document = new TextDocument(1);
        if (!trace.start().isEmpty()) {
            document.insert(0, trace.start());
        }
        for (int t = 0; t < trace.positions().length; t++) {
            int[] patch = trace.positions()[t];
            String[] inserted = trace.inserted()[t];
            for (int p = 0; p < inserted.length; p++) {
                int position = patch[2 * p];
                int deleted = patch[2 * p + 1];
                if (position < 0 || deleted < 0 || position + deleted > document.length()) {
                    throw new ElaraUserException(
                            ExitCode.USAGE,
                            trace.name() + ": transaction " + t + ", patch " + p + " reaches past the document ("
                                    + document.length() + " characters)");
                }
                if (deleted > 0) {
                    document.delete(position, deleted);
                }
                if (!inserted[p].isEmpty()) {
                    document.insert(position, inserted[p]);
                }
            }
        }
        return document;
    }

    @SuppressWarnings("ExplicitGc") // measuring retained heap is the point; a benchmark, not the node
    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Reads and checks a trace; a file that is missing or not a trace is one line and exit 2. */
    private static Trace read(Path file) {
        JsonNode root;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new ElaraUserException(ExitCode.USAGE, "trace file not found: " + file, e);
        } catch (IOException e) {
            throw new ElaraUserException(
                    ExitCode.USAGE, file + ": not a gzipped JSON editing trace (" + e.getMessage() + ")", e);
        }
        JsonNode txns = root.path("txns");
        if (!txns.isArray() || !root.path("endContent").isTextual()) {
            throw new ElaraUserException(ExitCode.USAGE, file + ": not an editing trace (needs txns and endContent)");
        }
        int[][] positions = new int[txns.size()][];
        String[][] inserted = new String[txns.size()][];
        for (int t = 0; t < txns.size(); t++) {
            JsonNode patches = txns.get(t).path("patches");
            List<String> texts = new ArrayList<>();
            positions[t] = new int[2 * patches.size()];
            for (int p = 0; p < patches.size(); p++) {
                JsonNode patch = patches.get(p);
                if (!patch.isArray()
                        || patch.size() != 3
                        || !patch.get(0).canConvertToInt()
                        || !patch.get(1).canConvertToInt()
                        || !patch.get(2).isTextual()) {
                    throw new ElaraUserException(
                            ExitCode.USAGE,
                            file + ": transaction " + t + ", patch " + p + " is not [pos, deleted, text]");
                }
                positions[t][2 * p] = patch.get(0).asInt();
                positions[t][2 * p + 1] = patch.get(1).asInt();
                texts.add(patch.get(2).asText());
            }
            inserted[t] = texts.toArray(new String[0]);
        }
        return new Trace(
                file.getFileName().toString(),
                root.path("startContent").asText(""),
                root.path("endContent").asText(),
                positions,
                inserted);
    }
}
