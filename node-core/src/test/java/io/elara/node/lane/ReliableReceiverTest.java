package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.Event;
import io.elara.node.lane.ReliableReceiver.EpochChange;
import io.elara.node.wire.WireTestData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReliableReceiverTest {
    private static final long EPOCH = Epoch.first(42);

    private final ReliableReceiver receiver = new ReliableReceiver();
    private final List<String> delivered = new ArrayList<>();

    private static Event event(long sequence) {
        return WireTestData.event("ada", "m" + sequence);
    }

    private boolean receive(long sequence) {
        return receiver.onEvent(sequence, event(sequence), e -> delivered.add(e.text()));
    }

    @Test
    void shouldDeliverInSequenceOnceWhenEventsArriveShuffledAndDuplicated() {
        receiver.onEpoch(EPOCH);
        List<Long> arrivals = new ArrayList<>();
        for (long s = 0; s < 200; s++) {
            arrivals.add(s);
            if (s % 7 == 0) {
                arrivals.add(s);
            }
        }
        Collections.shuffle(arrivals, new Random(7));
        for (long sequence : arrivals) {
            assertThat(receive(sequence)).isTrue();
        }
        List<String> expected = new ArrayList<>();
        for (long s = 0; s < 200; s++) {
            expected.add("m" + s);
        }
        assertThat(delivered).isEqualTo(expected);
        assertThat(receiver.nextExpected()).isEqualTo(200);
        assertThat(receiver.duplicates()).isEqualTo(29);
    }

    @Test
    void shouldHoldLaterEventsUntilTheGapIsFilled() {
        receiver.onEpoch(EPOCH);
        receive(1);
        receive(2);
        assertThat(delivered).isEmpty();
        assertThat(receiver.ackPending()).isTrue();
        assertThat(receiver.nextExpected()).isZero();
        receive(0);
        assertThat(delivered).containsExactly("m0", "m1", "m2");
    }

    @Test
    void shouldConsumeButNotDeliverARejectedEvent() {
        receiver.onEpoch(EPOCH);
        receive(0);
        receiver.onEvent(1, null, e -> delivered.add(e.text()));
        receive(2);
        assertThat(delivered).containsExactly("m0", "m2");
        assertThat(receiver.nextExpected()).isEqualTo(3);
    }

    @Test
    void shouldRefuseButStillAcknowledgeWhenSequenceIsBeyondTheWindow() {
        receiver.onEpoch(EPOCH);
        receiver.ackSent();
        assertThat(receive(ReliableSender.WINDOW_EVENTS)).isFalse();
        assertThat(receiver.ackPending()).isTrue();
        assertThat(receive(ReliableSender.WINDOW_EVENTS - 1)).isTrue();
        assertThat(delivered).isEmpty();
    }

    @Test
    void shouldClassifyEpochsAndStartOverWhenTheSenderDoes() {
        assertThat(receiver.onEpoch(EPOCH)).isEqualTo(EpochChange.FIRST);
        assertThat(receiver.onEpoch(EPOCH)).isEqualTo(EpochChange.SAME);
        receive(0);
        receive(1);

        long nextGeneration = Epoch.next(EPOCH);
        assertThat(receiver.onEpoch(nextGeneration)).isEqualTo(EpochChange.NEW_GENERATION);
        assertThat(receiver.nextExpected()).isZero();
        receive(0);
        assertThat(delivered).containsExactly("m0", "m1", "m0");

        assertThat(receiver.onEpoch(EPOCH))
                .as("a late packet of the left generation")
                .isEqualTo(EpochChange.STALE);

        long restarted = Epoch.first(43);
        assertThat(receiver.onEpoch(restarted)).isEqualTo(EpochChange.RESTARTED);
        assertThat(receiver.onEpoch(nextGeneration))
                .as("remembered after a restart")
                .isEqualTo(EpochChange.STALE);
    }

    @Test
    void shouldTreatOlderGenerationAsStaleEvenWhenLongForgotten() {
        long epoch = EPOCH;
        receiver.onEpoch(epoch);
        for (int i = 0; i < 10; i++) {
            epoch = Epoch.next(epoch);
            receiver.onEpoch(epoch);
        }
        assertThat(receiver.onEpoch(Epoch.next(EPOCH))).isEqualTo(EpochChange.STALE);
    }
}
