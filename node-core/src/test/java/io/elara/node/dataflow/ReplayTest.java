package io.elara.node.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.time.HistoricalClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayTest {
    private static final long START_NS = 1_767_225_600_000_000_000L;
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void shouldDeliverRecordedInputAtRecordedTimesWhenReplayingHistory() {
        HistoricalClock clock = new HistoricalClock(START_NS);
        DataflowExecutor executor = new DataflowExecutor(clock);
        List<String> inbox = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        GraphNode<List<String>> consumer = executor.node(inbox)
                .onInit((state, context) -> context.scheduleTimer(START_NS + 90 * SECOND_NS))
                .build((state, context) -> {
                    long offsetS = (context.nowNs() - START_NS) / SECOND_NS;
                    if (state.isEmpty()) {
                        seen.add(offsetS + "s timer");
                    }
                    for (String value : state) {
                        seen.add(offsetS + "s " + value);
                    }
                    state.clear();
                    return Control.UNCHANGED;
                });
        // An hour of recorded input replays without waiting for the wall clock.
        Replay<String> replay = new Replay<>(
                Replay.recording(
                        List.of(START_NS + 60 * SECOND_NS, START_NS + 60 * SECOND_NS, START_NS + 3600 * SECOND_NS),
                        List.of("a", "b", "c")),
                inbox::add,
                consumer);

        long cycles = replay.runToEnd(executor, clock, 100);

        assertThat(seen).containsExactly("60s a", "60s b", "90s timer", "3600s c");
        assertThat(cycles).isEqualTo(3);
        assertThat(replay.isDone()).isTrue();
        assertThat(clock.nowNs()).isEqualTo(START_NS + 3600 * SECOND_NS);
    }
}
