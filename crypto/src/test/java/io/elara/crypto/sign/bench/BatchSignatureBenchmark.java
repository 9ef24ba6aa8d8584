package io.elara.crypto.sign.bench;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.BatchVerifier;
import io.elara.crypto.sign.EventProof;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signing and verifying events in batches of {@code batch}: one operation signs, or verifies, a whole batch with a
 * fresh verifier (as a receiver of the whole batch does); divide the score by the batch size for events per second.
 *
 * <pre>./mvnw -Pbench -pl crypto -am test-compile exec:exec -Djmh.args="BatchSignatureBenchmark"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchSignatureBenchmark {
    @Param({"1", "16", "64"})
    int batch;

    private final Identity author = Identity.fromSeed(new byte[32]);
    private List<byte[]> events;
    private EventProof[] proofs;

    @Setup
    public void setUp() {
        events = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            events.add(("an event of about a hundred bytes, as a chat line with its header: number " + i)
                    .getBytes(StandardCharsets.UTF_8));
        }
        proofs = BatchSigner.sign(author, events);
    }

    @Benchmark
    public EventProof[] signBatch() {
        return BatchSigner.sign(author, events);
    }

    @Benchmark
    public boolean verifyBatch() {
        BatchVerifier verifier = new BatchVerifier();
        boolean all = true;
        for (int i = 0; i < batch; i++) {
            all &= verifier.verify(author.nodeId(), events.get(i), proofs[i]);
        }
        return all;
    }
}
