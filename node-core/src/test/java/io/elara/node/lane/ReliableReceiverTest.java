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
        return receiver.onEvent(sequence, event(sequence), e -> delivered.add(e.text()), 0);
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
        receiver.onEvent(1, null, e -> delivered.add(e.text()), 0);
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

    private final long[] starts = new long[ReliableSender.WINDOW_EVENTS];
    private final long[] ends = new long[ReliableSender.WINDOW_EVENTS];

    @Test
    void shouldReportEveryHeldRangeAboveTheHoleWhenEventsAreMissing() {
        receiver.onEpoch(EPOCH);
        for (long s : new long[] {0, 1, 3, 4, 7, 9, 10, 11}) {
            receive(s);
        }
        // Delivered 0 and 1; 2, 5, 6 and 8 are missing.
        assertThat(receiver.nextExpected()).isEqualTo(2);
        assertThat(receiver.ackRanges(starts, ends, 32)).isEqualTo(3);
        assertThat(starts).startsWith(3, 7, 9);
        assertThat(ends).startsWith(5, 8, 12);

        receive(2);
        assertThat(receiver.nextExpected()).isEqualTo(5);
        assertThat(receiver.ackRanges(starts, ends, 32)).isEqualTo(2);
        assertThat(starts).startsWith(7, 9);
        assertThat(ends).startsWith(8, 12);
    }

    @Test
    void shouldReportNoRangeWhenEverythingIsInOrder() {
        receiver.onEpoch(EPOCH);
        receive(0);
        receive(1);
        assertThat(receiver.ackRanges(starts, ends, 32)).isZero();
    }

    @Test
    void shouldKeepTheHighestRangesWhenMoreAreHeldThanFit() {
        receiver.onEpoch(EPOCH);
        // Every odd sequence number from 1 to 99: fifty ranges of one above the missing 0.
        for (long s = 1; s < 100; s += 2) {
            receive(s);
        }
        assertThat(receiver.ackRanges(starts, ends, 32)).isEqualTo(32);
        assertThat(starts[0]).isEqualTo(37);
        assertThat(starts[31]).isEqualTo(99);
        for (int i = 0; i < 32; i++) {
            assertThat(ends[i]).isEqualTo(starts[i] + 1);
        }
    }

    @Test
    void shouldReportARangeReachingTheEdgeOfTheWindow() {
        receiver.onEpoch(EPOCH);
        receive(ReliableSender.WINDOW_EVENTS - 1);
        assertThat(receiver.ackRanges(starts, ends, 32)).isEqualTo(1);
        assertThat(starts[0]).isEqualTo(ReliableSender.WINDOW_EVENTS - 1);
        assertThat(ends[0]).isEqualTo(ReliableSender.WINDOW_EVENTS);
    }

    @Test
    void shouldMeasureAckDelayFromTheEarliestUnacknowledgedArrival() {
        receiver.onEpoch(EPOCH);
        receiver.onEvent(0, event(0), e -> delivered.add(e.text()), 1_000);
        receiver.onEvent(1, event(1), e -> delivered.add(e.text()), 5_000);
        assertThat(receiver.ackDelayNs(9_000)).isEqualTo(8_000);
        receiver.ackSent();
        assertThat(receiver.ackDelayNs(9_000)).isZero();
        receiver.onEvent(2, event(2), e -> delivered.add(e.text()), 12_000);
        assertThat(receiver.ackDelayNs(12_500)).isEqualTo(500);
    }

    @Test
    void shouldForgetHeldRangesWhenTheEpochChanges() {
        receiver.onEpoch(EPOCH);
        receive(5);
        receiver.onEpoch(Epoch.next(EPOCH));
        assertThat(receiver.ackRanges(starts, ends, 32)).isZero();
    }

    @Test
    void shouldHoldStoredBelowBeforeARefusedPacketUntilTheNextEpochWithoutAStore() {
        ReliableReceiver receiver = new ReliableReceiver();
        long epoch = Epoch.first(7);
        receiver.onEpoch(epoch);
        List<Event> delivered = new ArrayList<>();
        receiver.onEvent(0, WireTestData.event("ada", "zero"), delivered::add, 0);
        receiver.onEvent(1, WireTestData.event("ada", "refused"), delivered::add, 0);
        receiver.holdStored(1);
        assertThat(receiver.storedBelow())
                .as("the packet from 1 on held a refusal")
                .isEqualTo(1);
        receiver.onEvent(2, WireTestData.event("ada", "after"), delivered::add, 0);
        assertThat(receiver.storedBelow()).as("held for the rest of the epoch").isEqualTo(1);
        assertThat(receiver.nextExpected()).as("delivery goes on").isEqualTo(3);

        receiver.onEpoch(Epoch.next(epoch));
        receiver.onEvent(0, WireTestData.event("ada", "again"), delivered::add, 0);
        assertThat(receiver.storedBelow())
                .as("a new epoch is stored as it arrives again")
                .isEqualTo(1);
        assertThat(delivered).extracting(Event::text).containsExactly("zero", "refused", "after", "again");
    }

    @Test
    void shouldReportStoredBelowOnlyAsFarAsTheStoreHasCommitted() {
        ReliableReceiver receiver = new ReliableReceiver();
        long epoch = Epoch.first(7);
        receiver.onEpoch(epoch);
        List<Event> delivered = new ArrayList<>();
        receiver.onEvent(0, WireTestData.event("ada", "zero"), delivered::add, 0);
        assertThat(receiver.storedBelow()).as("not storing: received is stored").isEqualTo(1);
        receiver.storing(true);
        for (int s = 1; s < 5; s++) {
            receiver.onEvent(s, WireTestData.event("ada", "m" + s), delivered::add, 0);
        }
        receiver.ackSent();
        assertThat(receiver.nextExpected()).isEqualTo(5);
        assertThat(receiver.storedBelow()).isEqualTo(1);
        receiver.stored(epoch, 3, 1);
        assertThat(receiver.storedBelow()).isEqualTo(3);
        assertThat(receiver.ackPending())
                .as("the advance is worth telling the sender")
                .isTrue();
        receiver.ackSent();
        receiver.stored(Epoch.next(epoch), 5, 2);
        assertThat(receiver.storedBelow()).as("a report from another epoch").isEqualTo(3);
        receiver.stored(epoch, 99, 3);
        assertThat(receiver.storedBelow()).as("never past what arrived").isEqualTo(5);
        receiver.onEpoch(Epoch.next(epoch));
        assertThat(receiver.storedBelow()).isZero();
    }
}
