package io.elara.node.store;

import static io.elara.node.store.StoreTestData.ADA;
import static io.elara.node.store.StoreTestData.SESSION;

import io.elara.node.event.Event;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link StoreCrashTest}: writes events numbered from 0 through a {@link StoreWriter}, 100 per
 * operation, and prints {@code committed N} each time the first N events are committed, until it is killed.
 */
public final class StoreCrashChild {
    /** Events per operation. */
    static final int EVENTS_PER_WRITE = 100;
    /** Stops on its own after this many, in case the parent forgot it. */
    static final int EVENTS_MAX = 1_000_000;

    private StoreCrashChild() {}

    public static void main(String[] args) throws Exception {
        NodeStore store = NodeStore.open(Path.of(args[0]), NodeStore.Synchronous.valueOf(args[1]));
        Semaphore inFlight = new Semaphore(8);
        long[] committed = {0};
        try (StoreWriter writer = StoreWriter.start(store, 64, Runnable::run)) {
            for (int first = 0; first < EVENTS_MAX; first += EVENTS_PER_WRITE) {
                List<StoredEvent> events = StoreTestData.local(signedBatch(first));
                inFlight.acquire();
                writer.submit(s -> s.writeEvents(events, 0), (result, failure) -> {
                    if (failure != null) {
                        failure.printStackTrace();
                        System.exit(3);
                    }
                    // Completions run in submission order, so this is the count of a prefix.
                    committed[0] += result.length;
                    System.out.println("committed " + committed[0]);
                    System.out.flush();
                    inFlight.release();
                });
            }
        }
    }

    private static List<Event> signedBatch(int first) {
        return StoreTestData.signedBurst(ADA, SESSION, first, EVENTS_PER_WRITE);
    }
}
