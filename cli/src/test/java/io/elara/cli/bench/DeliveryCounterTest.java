package io.elara.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import io.elara.node.DeliveredEvent;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The receiver's tally tells exactly-once, in-order delivery from duplicates, gaps and reordering. */
class DeliveryCounterTest {
    private static final Identity AUTHOR = Identity.generate(new SecureRandom());
    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void shouldReportNothingWrongWhenSequencesArriveInOrder() {
        DeliveryCounter counter = new DeliveryCounter();
        for (long sequence = 0; sequence < 5; sequence++) {
            counter.onEvent(delivered(BenchText.encode(sequence, BenchText.nowUs(), sequence >= 2, 64)));
        }
        ReceiverReport report = counter.report();
        assertThat(report.delivered()).isEqualTo(5);
        assertThat(report.nextExpected()).isEqualTo(5);
        assertThat(report.outOfOrder()).isZero();
        assertThat(report.duplicates()).isZero();
        assertThat(report.latencySamples()).as("only the measured events").isEqualTo(3);
        assertThat(counter.mark().delivered()).isEqualTo(5);
    }

    @Test
    void shouldCountDuplicatesAndReorderingWhenTheyHappen() {
        DeliveryCounter counter = new DeliveryCounter();
        for (long sequence : new long[] {0, 2, 1, 2, 3}) {
            counter.onEvent(delivered(BenchText.encode(sequence, BenchText.nowUs(), false, 64)));
        }
        counter.onEvent(delivered("hello, not a benchmark event"));
        ReceiverReport report = counter.report();
        assertThat(report.delivered()).isEqualTo(5);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.outOfOrder()).as("2 too early, 1 and 2 behind").isEqualTo(3);
        assertThat(report.foreign()).isEqualTo(1);
    }

    private DeliveredEvent delivered(String text) {
        Event event =
                new Event(EventId.random(random), SessionId.DIRECT, AUTHOR.nodeId(), "sender", 1, EventKind.TEXT, text);
        return new DeliveredEvent(event, "direct", false, "sender");
    }
}
