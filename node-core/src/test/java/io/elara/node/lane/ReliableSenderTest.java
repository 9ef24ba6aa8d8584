package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.Event;
import io.elara.node.wire.EventFrameCodec;
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
        enqueue(3 * ReliableSender.WINDOW_EVENTS, 0);
        // The first flight is what the initial congestion window (12,000 bytes) holds, less than the lane's window.
        int first = sender.collectDue(0, sink);
        assertThat(first).isPositive().isLessThan(ReliableSender.WINDOW_EVENTS);
        assertThat((long) first * EventFrameCodec.frameLength(WireTestData.event("ada", "m0")))
                .isLessThanOrEqualTo(CongestionWindow.WINDOW_BYTES_INITIAL);
        assertThat(sender.collectDue(1, sink)).isZero();

        assertThat(sender.onAck(EPOCH, 5, 2 * MS)).isEqualTo(5);
        assertThat(sender.nextDueNs(2 * MS)).isEqualTo(2 * MS);
        assertThat(sender.collectDue(2 * MS, sink)).isPositive();
        assertThat(receipt.acknowledged).hasSize(5).containsOnly("bob");

        // Acknowledging every flight grows the congestion window; the lane's window still caps what is in flight.
        int maxInFlight = 0;
        long now = 2 * MS;
        while (sent.get(sent.size() - 1) < 3L * ReliableSender.WINDOW_EVENTS - 1) {
            now += 10 * MS;
            long sentEnd = sent.get(sent.size() - 1) + 1;
            sender.onAck(EPOCH, sentEnd, now);
            // The pacer spreads a flight over the round trip: send whenever the lane says something is due, up to
            // half-way to the next acknowledgement.
            long t = now;
            while (t < now + 5 * MS) {
                sender.collectDue(t, sink);
                long next = sender.nextDueNs(t);
                t = next <= t ? t + 1 : next;
            }
            maxInFlight = Math.max(maxInFlight, (int) (sent.get(sent.size() - 1) + 1 - sentEnd));
        }
        assertThat(maxInFlight).isEqualTo(ReliableSender.WINDOW_EVENTS);
    }

    @Test
    void shouldCompleteReceiptsOnlyBelowWhatThePeerStored() {
        // Goal: "acknowledged" means durable at the peer. Method: 10 events sent; an ACK says all 10 arrived but only
        // 0..3 are stored. Four receipts complete; the other six still count as queued but free the window (nothing
        // is resent); a later ACK storing all completes them.
        enqueue(10, 0);
        sender.collectDue(0, sink);
        assertThat(sender.onAck(EPOCH, 10, 4, 0, null, null, 0, MS)).isEqualTo(4);
        assertThat(receipt.acknowledged).hasSize(4);
        assertThat(sender.queued()).isEqualTo(6);
        assertThat(sender.hasRoom()).isTrue();
        assertThat(sender.collectDue(500 * MS, sink))
                .as("received events are not sent again")
                .isZero();
        assertThat(sender.onAck(EPOCH, 10, 3, 0, null, null, 0, 2 * MS))
                .as("an older Stored Below changes nothing")
                .isZero();
        assertThat(sender.onAck(EPOCH, 10, 10, 0, null, null, 0, 3 * MS)).isEqualTo(6);
        assertThat(receipt.acknowledged).hasSize(10);
        assertThat(sender.queued()).isZero();
    }

    @Test
    void shouldSendReceivedButUnstoredEventsAgainFirstWhenThePeerRestarts() {
        // Goal: a peer that crashed before storing what it had received gets it again. Method: 0..5 received, 0..1
        // stored; the peer restarts (reset): the four unstored go first, renumbered from 0, then the rest.
        enqueue(8, 0);
        sender.collectDue(0, sink);
        sender.onAck(EPOCH, 6, 2, 0, null, null, 0, MS);
        sent.clear();
        sender.reset();
        sender.collectDue(2 * MS, sink);
        assertThat(sent).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(sender.queued()).isEqualTo(6);
        sender.failAll("stopping");
        assertThat(receipt.failed).hasSize(6);
        assertThat(receipt.acknowledged).hasSize(2);
    }

    @Test
    void shouldFailUnstoredEventsAtTheDeliveryTimeout() {
        // A peer that receives but never stores (its disk is full) does not hold the sender's receipts forever.
        enqueue(3, 0);
        sender.collectDue(0, sink);
        sender.onAck(EPOCH, 3, 0, 0, null, null, 0, MS);
        assertThat(sender.oldestQueuedNs()).isZero();
        assertThat(sender.expire(30_000 * MS, 30_000 * MS)).isEqualTo(3);
        assertThat(receipt.failed).hasSize(3).allMatch(f -> f.startsWith("bob: no acknowledgement from bob"));
    }

    @Test
    void shouldRetransmitWithExponentialBackoffWhenNoAckArrives() {
        enqueue(ReliableSender.THIN_STREAM_IN_FLIGHT, 0);
        sender.collectDue(0, sink);
        sent.clear();
        long rto = ReliableSender.RTO_INITIAL_NS;
        assertThat(sender.collectDue(rto - 1, sink)).isZero();
        assertThat(sender.collectDue(rto, sink)).isEqualTo(ReliableSender.PTO_PROBES);
        assertThat(sender.nextDueNs(rto)).isEqualTo(rto + 2 * rto);
        assertThat(sender.collectDue(3 * rto, sink)).isEqualTo(ReliableSender.PTO_PROBES);
        assertThat(sender.nextDueNs(3 * rto)).isEqualTo(3 * rto + 4 * rto);
        assertThat(sent).containsExactly(0L, 1L, 0L, 1L);
        assertThat(sender.retransmissions()).isEqualTo(4);
    }

    @Test
    void shouldProbeAThinStreamAtTheBaseTimeoutSixTimesBeforeBackingOff() {
        // One text in flight, lost again and again at a congested bottleneck: it is tried every timeout, not after
        // 1, 2, 4, 8 ... timeouts, so four losses cost four timeouts instead of fifteen.
        enqueue(1, 0);
        sender.collectDue(0, sink);
        long rto = ReliableSender.RTO_INITIAL_NS;
        long nowNs = 0;
        for (int probe = 1; probe <= ReliableSender.THIN_LINEAR_PROBES; probe++) {
            assertThat(sender.nextDueNs(nowNs)).isEqualTo(nowNs + rto);
            nowNs += rto;
            assertThat(sender.collectDue(nowNs, sink)).isEqualTo(1);
        }
        assertThat(sender.nextDueNs(nowNs)).isEqualTo(nowNs + 2 * rto);
        nowNs += 2 * rto;
        assertThat(sender.collectDue(nowNs, sink)).isEqualTo(1);
        assertThat(sender.nextDueNs(nowNs)).isEqualTo(nowNs + 4 * rto);
        assertThat(sent).hasSize(1 + ReliableSender.THIN_LINEAR_PROBES + 1).containsOnly(0L);
        // An acknowledgement ends the probing; the receipt completes once the peer has stored it.
        assertThat(ack(1, nowNs + MS)).isEqualTo(1);
        assertThat(sender.consecutiveProbeTimeouts()).isZero();
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

    /** Sends one new event per millisecond, from {@code fromMs}: each in its own flush, as a lively chat would. */
    private void sendOnePerMillisecond(int count, long fromMs) {
        for (int i = 0; i < count; i++) {
            long nowNs = (fromMs + i) * MS;
            sender.enqueue(WireTestData.event("ada", "m" + i), receipt, nowNs);
            sender.collectDue(nowNs, sink);
        }
    }

    private int ack(long nextExpected, long nowNs, long... startEndPairs) {
        long[] starts = new long[startEndPairs.length / 2];
        long[] ends = new long[startEndPairs.length / 2];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = startEndPairs[2 * i];
            ends[i] = startEndPairs[2 * i + 1];
        }
        return sender.onAck(EPOCH, nextExpected, 0, starts, ends, starts.length, nowNs);
    }

    @Test
    void shouldFastRetransmitExactlyTheHoleWhenThreeLaterEventsAreAcknowledged() {
        sendOnePerMillisecond(6, 0);
        sent.clear();
        // Event 1 is lost; 0 arrives, then 2, 3 and 4 one by one.
        assertThat(ack(1, 40 * MS)).isEqualTo(1);
        ack(1, 42 * MS, 2, 3);
        ack(1, 43 * MS, 2, 4);
        assertThat(sender.nextDueNs(43 * MS))
                .as("two later events are not enough")
                .isGreaterThan(43 * MS);
        assertThat(sender.collectDue(43 * MS, sink)).isZero();
        ack(1, 44 * MS, 2, 5);
        assertThat(sender.nextDueNs(44 * MS)).isEqualTo(44 * MS);
        assertThat(sender.collectDue(44 * MS, sink)).isEqualTo(1);
        assertThat(sent).containsExactly(1L);
        assertThat(sender.retransmissions()).isEqualTo(1);
        assertThat(sender.transmissions()).isEqualTo(7);
        assertThat(receipt.acknowledged)
                .as("held events complete only when the hole fills")
                .hasSize(1);

        assertThat(ack(6, 85 * MS)).isEqualTo(5);
        assertThat(receipt.acknowledged).hasSize(6);
        assertThat(sender.queued()).isZero();
        assertThat(sender.nextDueNs(85 * MS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldDeclareTheTailLostByTheTimeThresholdWhenTooFewEventsFollowIt() {
        sendOnePerMillisecond(2, 0);
        sent.clear();
        // Event 0 is lost, event 1 (sent at 1 ms) arrives: 40 ms round trip.
        ack(0, 41 * MS, 1, 2);
        assertThat(sender.srttNs()).isEqualTo(40 * MS);
        long lossDelayNs = 9 * 40 * MS / 8;
        assertThat(sender.nextDueNs(41 * MS)).isEqualTo(lossDelayNs);
        assertThat(sender.collectDue(lossDelayNs - 1, sink)).isZero();
        assertThat(sender.collectDue(lossDelayNs, sink)).isEqualTo(1);
        assertThat(sent).containsExactly(0L);
    }

    @Test
    void shouldSubtractAckDelayFromRttSamplesButNeverBelowTheMinimum() {
        sendOnePerMillisecond(3, 0);
        long[] none = new long[0];
        sender.onAck(EPOCH, 1, 0, none, none, 0, 40 * MS);
        assertThat(sender.srttNs()).isEqualTo(40 * MS);
        assertThat(sender.minRttNs()).isEqualTo(40 * MS);

        // Event 1, sent at 1 ms, acknowledged at 61 ms after the receiver held the ACK for 20 ms: 40 ms of network.
        sender.onAck(EPOCH, 2, 20 * MS, none, none, 0, 61 * MS);
        assertThat(sender.srttNs()).isEqualTo(40 * MS);

        // Event 2, sent at 2 ms: a 45 ms sample with a claimed 10 ms delay would go below the 40 ms minimum, so the
        // delay is not trusted and the whole 45 ms counts.
        sender.onAck(EPOCH, 3, 10 * MS, none, none, 0, 47 * MS);
        assertThat(sender.srttNs()).isEqualTo((7 * 40 * MS + 45 * MS) / 8);
        assertThat(sender.minRttNs()).isEqualTo(40 * MS);
    }

    @Test
    void shouldIgnoreDuplicateAndOldAcknowledgementsWhenTheyArriveAgain() {
        sendOnePerMillisecond(4, 0);
        sent.clear();
        assertThat(ack(2, 40 * MS, 3, 4)).isEqualTo(2);
        long srtt = sender.srttNs();
        assertThat(ack(2, 41 * MS, 3, 4)).as("the same ACK again").isZero();
        assertThat(ack(1, 42 * MS)).as("an older ACK, reordered").isZero();
        assertThat(ack(0, 43 * MS, 1, 2)).as("an even older one").isZero();
        assertThat(receipt.acknowledged).hasSize(2);
        assertThat(sender.srttNs()).isEqualTo(srtt);
        assertThat(sender.queued()).isEqualTo(2);
        assertThat(sender.collectDue(43 * MS, sink)).isZero();
        assertThat(ack(200, 44 * MS, 201, 202))
                .as("an ACK for events never sent")
                .isEqualTo(2);
        assertThat(sender.queued()).isZero();
    }

    @Test
    void shouldNeverRetransmitSelectivelyAcknowledgedEventsEvenWhenProbing() {
        sendOnePerMillisecond(4, 0);
        sent.clear();
        // 0 is lost; 1, 2 and 3 are held by the receiver.
        ack(0, 43 * MS, 1, 4);
        assertThat(sender.collectDue(43 * MS, sink)).isEqualTo(1);
        assertThat(sent).containsExactly(0L);
        // The retransmission is lost too, and no ACK comes back: probes carry only event 0.
        for (int i = 0; i < 3; i++) {
            long dueNs = sender.nextDueNs(sender.nextDueNs(0));
            sender.collectDue(dueNs, sink);
        }
        assertThat(sent).containsOnly(0L).hasSize(4);
        assertThat(sender.retransmissions()).isEqualTo(4);
        assertThat(receipt.acknowledged).isEmpty();
        assertThat(ack(4, 2_000 * MS)).isEqualTo(4);
        assertThat(receipt.acknowledged).hasSize(4);
    }

    @Test
    void shouldProbeTheOldestEventWhenOnlyTheCumulativeAcknowledgementWentMissing() {
        sendOnePerMillisecond(2, 0);
        sent.clear();
        // Both arrived; the ACK saying so cumulatively was lost, an earlier one listed event 1 as held.
        ack(0, 41 * MS, 1, 2);
        long dueNs = sender.nextDueNs(41 * MS);
        assertThat(dueNs).isLessThan(Long.MAX_VALUE);
        sender.collectDue(dueNs, sink);
        assertThat(sent).containsExactly(0L);
    }

    @Test
    void shouldWidenThePacketThresholdWhenTheNetworkReorders() {
        sendOnePerMillisecond(6, 0);
        sent.clear();
        // 0 is delayed, not lost: 1..4 arrive first and make it look lost.
        ack(0, 41 * MS, 1, 5);
        sender.collectDue(41 * MS, sink);
        assertThat(sent).containsExactly(0L);
        // The first copy of 0 arrives 1 ms after the retransmission left: too soon to be the retransmission.
        ack(5, 42 * MS);
        assertThat(sender.spuriousRetransmissions()).isEqualTo(1);
        assertThat(sender.packetThreshold()).isEqualTo(5);
    }

    @Test
    void shouldSendEverythingInFlightAgainAtOnceWhenThePathChanges() {
        sendOnePerMillisecond(3, 0);
        sent.clear();
        ack(0, 41 * MS, 2, 3);
        sender.collectDue(41 * MS, sink);
        sent.clear();
        sender.retransmitNow(50 * MS);
        assertThat(sender.nextDueNs(50 * MS)).isEqualTo(50 * MS);
        sender.collectDue(50 * MS, sink);
        assertThat(sent).as("not event 2, which the receiver holds").containsExactly(0L, 1L);
    }

    @Test
    void shouldStartANewEpochFromZeroAfterFailingAll() {
        // Goal: events that were failed (a peer nobody answered) take no sequence numbers with them: the next event
        // goes out as number 0 of a new epoch, so the receiver neither waits for the failed ones nor mistakes it for
        // one of them. Found by a partitioned session: the lane went on at 1 while the receiver waited for 0.
        enqueue(2, 0);
        sender.collectDue(0, sink);
        enqueue(3, 0);
        assertThat(receipt.failed).isEmpty();
        sender.failAll("nobody answers");
        assertThat(receipt.failed).hasSize(5);
        assertThat(sender.queued()).isZero();
        assertThat(sender.epoch()).isEqualTo(Epoch.next(EPOCH));
        enqueue(1, MS);
        assertThat(sender.collectDue(MS, sink)).isEqualTo(1);
        assertThat(sent).containsExactly(0L, 1L, 0L);
    }
}
