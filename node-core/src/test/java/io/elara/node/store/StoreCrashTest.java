package io.elara.node.store;

import static io.elara.node.store.StoreTestData.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A process killed with SIGKILL right after it reported a commit: everything it reported is on disk. */
class StoreCrashTest {
    /** The parent kills the child once it reported at least this many events committed. */
    private static final long KILL_AFTER_EVENTS = 3_000;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "synchronous {0}")
    @EnumSource(NodeStore.Synchronous.class)
    @Timeout(120)
    void shouldKeepEveryReportedCommitWhenTheWriterIsKilled(NodeStore.Synchronous synchronous) throws Exception {
        Path database = directory.resolve("elara.db");
        Path errors = directory.resolve("child.err");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        // Its native library goes here, not to /tmp: a killed JVM cannot delete it on exit.
                        "-Dorg.sqlite.tmpdir=" + directory,
                        StoreCrashChild.class.getName(),
                        database.toString(),
                        synchronous.name())
                .redirectError(errors.toFile())
                .start();
        long reported = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    reported = Long.parseLong(line.substring("committed ".length()));
                    if (reported >= KILL_AFTER_EVENTS) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reported)
                .as("the child reported commits; its errors: %s", Files.readString(errors))
                .isGreaterThanOrEqualTo(KILL_AFTER_EVENTS);

        try (NodeStore store = NodeStore.open(database, NodeStore.Synchronous.FULL)) {
            List<Event> history = store.history(SESSION, Long.MIN_VALUE, (int) reported);
            assertThat(history)
                    .extracting(Event::id)
                    .containsExactlyElementsOf(LongStream.range(0, reported)
                            .mapToObj(number -> new EventId(0, number))
                            .toList());
            assertThat(store.eventCount()).isGreaterThanOrEqualTo(reported);
        }
    }
}
