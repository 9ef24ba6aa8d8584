package io.elara.crdt.sequence.bench;

import io.elara.crdt.sequence.EditingTrace;
import io.elara.crdt.sequence.TextDocument;
import io.elara.crdt.sequence.TextRejectedException;
import io.elara.crdt.sequence.TextVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per editing trace: local replay of every patch, remote merge of the author's whole update into a fresh replica, and
 * snapshot load. Setup prints the encoded update and snapshot sizes and the run count.
 *
 * <pre>./mvnw -Pbench -pl crdt test-compile exec:exec -Djmh.args="TextTrace -f 1 -wi 2 -i 3"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class TextTraceBenchmark {
    @Param({"seph-blog1", "sveltecomponent"})
    String trace;

    private EditingTrace editingTrace;
    private byte[] update;
    private byte[] snapshot;

    @Setup(Level.Trial)
    public void setUp() throws TextRejectedException {
        // JMH forks from the crdt module directory; the traces sit beside the repository.
        Path file = Path.of(System.getProperty("elara.shared.data", "../../shared/data"))
                .resolve("traces")
                .resolve(trace + ".json.gz");
        editingTrace = EditingTrace.read(trace, file);
        TextDocument author = replay();
        update = TextDocument.encodeDelta(author.deltaSince(TextVersion.EMPTY));
        snapshot = author.encodeSnapshot();
        TextDocument check = new TextDocument(2);
        check.mergeEncoded(update);
        if (!author.text().equals(editingTrace.endContent()) || !check.text().equals(editingTrace.endContent())) {
            throw new IllegalStateException("trace " + trace + " did not reproduce endContent");
        }
        System.err.printf(
                java.util.Locale.ROOT,
                "%s: chars=%d items=%d runs=%d update=%d B snapshot=%d B%n",
                trace,
                author.length(),
                author.itemCount(),
                author.runCount(),
                update.length,
                snapshot.length);
    }

    @Benchmark
    public TextDocument localReplay() {
        return replay();
    }

    @Benchmark
    public TextDocument remoteMerge() throws TextRejectedException {
        TextDocument receiver = new TextDocument(2);
        receiver.mergeEncoded(update);
        return receiver;
    }

    @Benchmark
    public TextDocument snapshotLoad() throws TextRejectedException {
        return TextDocument.decodeSnapshot(snapshot, 3);
    }

    private TextDocument replay() {
        TextDocument document = new TextDocument(1);
        document.insert(0, editingTrace.startContent());
        for (List<EditingTrace.Patch> transaction : editingTrace.transactions()) {
            EditingTrace.apply(document, transaction);
        }
        return document;
    }
}
