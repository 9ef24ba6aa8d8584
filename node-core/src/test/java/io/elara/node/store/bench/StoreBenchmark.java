package io.elara.node.store.bench;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.EventProof;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.node.store.MailboxEntry;
import io.elara.node.store.NodeStore;
import io.elara.node.store.StoreException;
import io.elara.node.store.StoreWriter;
import io.elara.node.store.StoredEvent;
import io.elara.node.wire.EventFrameCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events persisted per second through a {@link StoreWriter}, as the node will use it: the loop submits one operation
 * per event and the writer commits whatever queued up as one transaction. Each event has 64 bytes of text and a real
 * proof from a batch of 64 (its stored body is {@value #BODY_NOTE}). Completions run on the writer's thread, so the
 * figure is the store's own cost.
 *
 * <ul>
 *   <li>{@code events}: 1,024 events submitted at once, one operation each; waits for all completions.
 *   <li>{@code eventsOneTransactionEach}: 64 events, each submitted after the previous one completed, so every event
 *       is its own transaction (what batching saves).
 *   <li>{@code eventsWithMailbox}: 1,024 events, each stored and queued for one offline destination, then every entry
 *       acknowledged (removed): the whole store-and-forward cost of one event for one peer.
 * </ul>
 *
 * <pre>./mvnw -Pbench -pl node-core -Dspotless.check.skip test-compile exec:exec -Djmh.args="StoreBenchmark -f 1 -wi 2 -i 3"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StoreBenchmark {
    static final String BODY_NOTE = "410 bytes";
    private static final int BURST = 1024;
    private static final int ONE_BY_ONE = 64;
    private static final SessionId SESSION = SessionId.forName("bench");

    @Param({"FULL", "NORMAL"})
    NodeStore.Synchronous synchronous;

    /** Whether events carry a counter, as a session's texts do (each takes an entry in the counter index), or 0. */
    @Param({"true"})
    boolean numbered;

    private Path directory;
    private StoreWriter writer;
    private Identity author;
    private EventProof proof;
    private long nextId;

    @Setup(Level.Trial)
    public void setUp() throws IOException, StoreException {
        directory = Files.createTempDirectory("elara-store-bench");
        NodeStore store = NodeStore.open(directory.resolve("elara.db"), synchronous);
        writer = StoreWriter.start(store, 1 << 14, Runnable::run);
        author = Identity.fromSeed(new byte[Identity.SEED_LENGTH]);
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < BatchSigner.BATCH_MAX; i++) {
            batch.add(EventFrameCodec.signedBytes(event(i)));
        }
        // One real proof, reused: the store keeps the body as it is and does not verify it.
        proof = BatchSigner.sign(author, batch)[BatchSigner.BATCH_MAX - 1];
        int bodyLength = EventFrameCodec.encodeBody(event(0).withProof(proof)).length;
        if (!BODY_NOTE.equals(bodyLength + " bytes")) {
            throw new IllegalStateException("the body is " + bodyLength + " bytes; update BODY_NOTE");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, StoreException {
        writer.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private Event event(long number) {
        return new Event(
                new EventId(0x5EED, number),
                SESSION,
                author.nodeId(),
                "ada",
                number,
                numbered ? number : 0,
                EventKind.TEXT,
                String.format(Locale.ROOT, "message %08d %s", number % 100_000_000, "x".repeat(64 - 17)));
    }

    private List<StoredEvent> nextEvent() {
        return List.of(StoredEvent.local(event(nextId++).withProof(proof)));
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void events() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BURST);
        for (int i = 0; i < BURST; i++) {
            List<StoredEvent> one = nextEvent();
            submit(store -> store.writeEvents(one, 0), done);
        }
        done.await();
    }

    @Benchmark
    @OperationsPerInvocation(ONE_BY_ONE)
    public void eventsOneTransactionEach() throws InterruptedException {
        for (int i = 0; i < ONE_BY_ONE; i++) {
            CountDownLatch done = new CountDownLatch(1);
            List<StoredEvent> one = nextEvent();
            submit(store -> store.writeEvents(one, 0), done);
            done.await();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void eventsWithMailbox() throws InterruptedException {
        CountDownLatch stored = new CountDownLatch(BURST);
        List<EventId> ids = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) {
            List<StoredEvent> one = nextEvent();
            EventId id = one.get(0).event().id();
            ids.add(id);
            submit(
                    store -> {
                        store.writeEvents(one, 0);
                        return store.mailboxAdd(MailboxEntry.queued(id, "bob", 0, 0, Long.MAX_VALUE), 1 << 20);
                    },
                    stored);
        }
        stored.await();
        CountDownLatch acknowledged = new CountDownLatch(BURST);
        for (EventId id : ids) {
            submit(store -> store.mailboxAck(id, "bob"), acknowledged);
        }
        acknowledged.await();
    }

    private <T> void submit(StoreWriter.Operation<T> operation, CountDownLatch done) {
        if (!writer.submit(operation, (result, failure) -> {
                    if (failure != null) {
                        throw new IllegalStateException(failure);
                    }
                    done.countDown();
                })
                .accepted()) {
            throw new IllegalStateException("the writer's queue is full");
        }
    }
}
