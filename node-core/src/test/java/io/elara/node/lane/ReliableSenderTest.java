package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.Event;
import io.elara.node.wire.WireTestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReliableSenderTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long EPOCH = Epoch.first(0xABCDEF);

    private final ReliableSender sender = new ReliableSender("bob", EPOCH);
    private final RecordingReceipt receipt = new RecordingReceipt();
    private final List<Long> sent = new ArrayList<>();
    private final ReliableSender.FrameSink sink = (sequence, event) -> sent.add(sequence);

    private void enqueue(int count, long nowNs) {
        for (int i = 0; i < count; i++) {
            sender.enqueue(WireTestData.event("ada", "m" + i), receipt, nowNs);
        }
    }

    @Test
    void shouldSendQueuedEventsAtOnceInSequenceOrder() {
        enqueue(3, 0);
        assertThat(sender.nextDueNs(0)).isZero();
        assertThat(sender.collectDue(0, sink)).isEqualTo(3);
        assertThat(sent).containsExactly(0L, 1L, 2L);
        assertThat(sender.queued()).isEqualTo(3);
        assertThat(sender.nextDueNs(0)).isEqualTo(ReliableSender.RTO_INITIAL_NS);
    }

    @Test
    void shouldKeepAtMostAWindowInFlightAndSendMoreAsAcksArrive() {
        enqueue(ReliableSender.WINDOW_EVENTS + 10, 0);
        assertThat(sender.collectDue(0, sink)).isEqualTo(ReliableSender.WINDOW_EVENTS);
        assertThat(sender.collectDue(1, sink)).isZero();

        assertThat(sender.onAck(EPOCH, 5, 2 * MS)).isEqualTo(5);
        assertThat(sender.nextDueNs(2 * MS)).isEqualTo(2 * MS);
        assertThat(sender.collectDue(2 * MS, sink)).isEqualTo(5);
        assertThat(sent.get(sent.size() - 1)).isEqualTo(ReliableSender.WINDOW_EVENTS + 4L);
        assertThat(receipt.acknowledged).hasSize(5).containsOnly("bob");
    }

    @Test
    void shouldRetransmitWithExponentialBackoffWhenNoAckArrives() {
        enqueue(1, 0);
        sender.collectDue(0, sink);
        long rto = ReliableSender.RTO_INITIAL_NS;
        assertThat(sender.collectDue(rto - 1, sink)).isZero();
        assertThat(sender.collectDue(rto, sink)).isEqualTo(1);
        assertThat(sender.nextDueNs(rto)).isEqualTo(rto + 2 * rto);
        assertThat(sender.collectDue(3 * rto, sink)).isEqualTo(1);
        assertThat(sender.nextDueNs(3 * rto)).isEqualTo(3 * rto + 4 * rto);
        assertThat(sent).containsExactly(0L, 0L, 0L);
        assertThat(sender.retransmissions()).isEqualTo(2);
    }

    @Test
    void shouldEstimateRttFromFirstTransmissionsOnly() {
        enqueue(2, 0);
        sender.collectDue(0, sink);
        sender.onAck(EPOCH, 1, 40 * MS);
        assertThat(sender.srttNs()).isEqualTo(40 * MS);
        assertThat(sender.rtoNs()).isEqualTo(40 * MS + 4 * 20 * MS);

        // Event 1 is retransmitted; by Karn's rule its acknowledgement gives no sample.
        sender.collectDue(ReliableSender.RTO_INITIAL_NS, sink);
        sender.onAck(EPOCH, 2, ReliableSender.RTO_INITIAL_NS + 5 * MS);
        assertThat(sender.srttNs()).isEqualTo(40 * MS);
    }

    @Test
    void shouldIgnoreAckForAnotherEpoch() {
        enqueue(1, 0);
        sender.collectDue(0, sink);
        assertThat(sender.onAck(Epoch.next(EPOCH), 1, MS)).isZero();
        assertThat(sender.queued()).isEqualTo(1);
        assertThat(receipt.acknowledged).isEmpty();
    }

    @Test
    void shouldFailEverythingAndStartANewGenerationWhenDeliveryTimesOut() {
        enqueue(3, 0);
        sender.collectDue(0, sink);
        long timeout = TimeUnit.SECONDS.toNanos(30);
        assertThat(sender.expire(timeout - 1, timeout)).isZero();
        assertThat(sender.expire(timeout, timeout)).isEqualTo(3);
        assertThat(receipt.failed)
                .hasSize(3)
                .allMatch(line -> line.contains("no acknowledgement from bob within 30000 ms"));
        assertThat(sender.queued()).isZero();
        assertThat(sender.epoch()).isEqualTo(Epoch.next(EPOCH));
        assertThat(Epoch.incarnation(sender.epoch())).isEqualTo(Epoch.incarnation(EPOCH));

        enqueue(1, timeout);
        sent.clear();
        sender.collectDue(timeout, sink);
        assertThat(sent).containsExactly(0L);
    }

    @Test
    void shouldRenumberUnacknowledgedEventsFromZeroWhenReset() {
        List<Event> events = new ArrayList<>();
        ReliableSender.FrameSink capture = (sequence, event) -> {
            sent.add(sequence);
            events.add(event);
        };
        enqueue(5, 0);
        sender.collectDue(0, capture);
        sender.onAck(EPOCH, 2, MS);
        sent.clear();
        events.clear();

        sender.reset();
        assertThat(sender.epoch()).isEqualTo(Epoch.next(EPOCH));
        assertThat(sender.collectDue(2 * MS, capture)).isEqualTo(3);
        assertThat(sent).containsExactly(0L, 1L, 2L);
        assertThat(events).extracting(Event::text).containsExactly("m2", "m3", "m4");
        assertThat(receipt.failed).isEmpty();
        sender.onAck(Epoch.next(EPOCH), 3, 3 * MS);
        assertThat(receipt.acknowledged).hasSize(5);
    }

    @Test
    void shouldKeepIncarnationAndWrapGenerationWhenEpochAdvances() {
        long epoch = Epoch.first(0x1234);
        for (int i = 0; i < 65_536; i++) {
            epoch = Epoch.next(epoch);
        }
        assertThat(epoch).isEqualTo(Epoch.first(0x1234));
        assertThat(Epoch.incarnation(Epoch.next(epoch))).isEqualTo(0x1234);
        assertThat(Epoch.generation(Epoch.next(epoch))).isEqualTo(1);
    }
}
