package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CongestionWindowTest {
    private static final int D = CongestionWindow.DATAGRAM_BYTES;
    private static final long MS = 1_000_000;

    private final CongestionWindow window = new CongestionWindow();

    @Test
    void shouldGrowByEveryAckedByteWhenInSlowStart() {
        assertThat(window.windowBytes()).isEqualTo(12_000);
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.SLOW_START);
        window.onSent(D, 0);
        window.onSent(D, 0);
        window.onAcked(D, 0, 10 * MS, 10 * MS);
        window.onAcked(D, 0, 10 * MS, 10 * MS);
        assertThat(window.windowBytes()).isEqualTo(12_000 + 2 * D);
        assertThat(window.bytesInFlight()).isZero();
    }

    @Test
    void shouldAllowOneDatagramWhenNothingIsInFlightEvenIfWindowIsSmaller() {
        window.onPersistentCongestion();
        assertThat(window.canSend(4 * D)).isTrue();
        window.onSent(4 * D, 0);
        assertThat(window.canSend(1)).isFalse();
    }

    @Test
    void shouldStopSendingWhenWindowIsFull() {
        long sent = 0;
        while (window.canSend(D)) {
            window.onSent(D, 0);
            sent += D;
        }
        assertThat(sent).isEqualTo(window.windowBytes());
        assertThat(window.availableBytes()).isZero();
    }

    @Test
    void shouldHalveOnceWhenSeveralLossesFallInOneRecoveryPeriod() {
        for (int i = 0; i < 10; i++) {
            window.onSent(D, i * MS);
        }
        window.onLost(D, 1 * MS, 50 * MS);
        window.onLost(D, 2 * MS, 51 * MS);
        window.onLost(D, 3 * MS, 52 * MS);
        assertThat(window.windowBytes()).isEqualTo(6_000);
        assertThat(window.slowStartThresholdBytes()).isEqualTo(6_000);
        assertThat(window.congestionEvents()).isEqualTo(1);
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.RECOVERY);
        // Acknowledgements of what was in flight before the loss do not grow the window...
        window.onAcked(D, 4 * MS, -1, 55 * MS);
        assertThat(window.windowBytes()).isEqualTo(6_000);
        // ...one of something sent after the recovery began ends recovery and grows it (congestion avoidance now).
        window.onSent(D, 60 * MS);
        window.onAcked(D, 60 * MS, -1, 70 * MS); // no RTT sample: losses count as congestion, as in plain NewReno
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.CONGESTION_AVOIDANCE);
        // A loss of something sent after the first recovery began is a second congestion event.
        window.onSent(D, 70 * MS);
        window.onLost(D, 70 * MS, 90 * MS);
        assertThat(window.windowBytes()).isEqualTo(3_000);
        assertThat(window.congestionEvents()).isEqualTo(2);
    }

    @Test
    void shouldKeepWindowWhenLossComesWithoutQueueingDelay() {
        // Two rounds at the path's minimum round trip: nothing is queueing, so a loss is not the network asking for
        // less (a radio, a lossy relay). NewReno would halve here; under 5 % random loss it would never grow.
        Flow flow = new Flow();
        flow.round(20 * MS);
        flow.round(20 * MS);
        flow.round(21 * MS);
        long before = window.windowBytes();
        window.onLost(D, flow.now, flow.now + 30 * MS);
        assertThat(window.windowBytes()).isEqualTo(before);
        assertThat(window.congestionEvents()).isZero();
        assertThat(window.randomLosses()).isEqualTo(1);
    }

    @Test
    void shouldHalveWhenLossComesWithQueueingDelay() {
        // Two rounds 10 ms above the 20 ms minimum (more than a quarter of it): a queue is building, the loss is
        // congestion.
        Flow flow = new Flow();
        flow.round(20 * MS);
        flow.round(20 * MS);
        flow.round(30 * MS);
        flow.round(30 * MS);
        long before = window.windowBytes();
        window.onLost(D, flow.now, flow.now + 30 * MS);
        assertThat(window.windowBytes()).isEqualTo(before / 2);
        assertThat(window.congestionEvents()).isEqualTo(1);
        assertThat(window.randomLosses()).isZero();
    }

    @Test
    void shouldGrowOneDatagramPerWindowWhenInCongestionAvoidance() {
        window.onSent(D, 0);
        window.onLost(D, 0, 10 * MS); // window 6,000, threshold 6,000
        long before = window.windowBytes();
        long now = 20 * MS;
        long acked = 0;
        while (acked < before) {
            window.onSent(D, now);
            window.onAcked(D, now, 10 * MS, now + 10 * MS);
            acked += D;
            now += MS;
        }
        assertThat(window.windowBytes()).isEqualTo(before + D);
    }

    @Test
    void shouldNeverShrinkBelowTwoDatagramsWhenLossesRepeat() {
        long now = 0;
        for (int i = 0; i < 20; i++) {
            window.onSent(D, now);
            window.onLost(D, now, now + 5 * MS);
            now += 10 * MS;
        }
        assertThat(window.windowBytes()).isEqualTo(CongestionWindow.WINDOW_BYTES_MIN);
    }

    @Test
    void shouldRestartFromMinimumWhenPersistentCongestion() {
        window.onSent(D, 0);
        window.onAcked(D, 0, -1, 10 * MS);
        window.onPersistentCongestion();
        assertThat(window.windowBytes()).isEqualTo(CongestionWindow.WINDOW_BYTES_MIN);
        window.onSent(D, MS);
        window.onLost(D, MS, 2 * MS);
        assertThat(window.congestionEvents()).isEqualTo(1);
    }

    @Test
    void shouldGrowAQuarterAsFastWhenRoundTripTimeGrowsInSlowStart() {
        Flow flow = new Flow();
        flow.round(20 * MS);
        flow.round(20 * MS);
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.SLOW_START);
        long slowStartGrowth = flow.round(30 * MS); // 10 ms more than last round's minimum: a queue is building
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.CONSERVATIVE_SLOW_START);
        long conservativeGrowth = flow.round(30 * MS);
        // The eighth sample of the round shows the delay: seven datagrams grew the window fully, the eighth by a
        // quarter.
        assertThat(slowStartGrowth).isEqualTo(7L * D + D / 4);
        assertThat(conservativeGrowth).isEqualTo(8L * D / 4);
        // The delay stays up for the conservative rounds: congestion avoidance, without a single loss.
        for (int i = 0; i < CongestionWindow.CSS_ROUNDS; i++) {
            flow.round(31 * MS);
        }
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.CONGESTION_AVOIDANCE);
        assertThat(window.congestionEvents()).isZero();
    }

    @Test
    void shouldReturnToSlowStartWhenDelayFallsBelowConservativeBaseline() {
        Flow flow = new Flow();
        flow.round(20 * MS);
        flow.round(20 * MS);
        flow.round(30 * MS);
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.CONSERVATIVE_SLOW_START);
        flow.round(25 * MS);
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.SLOW_START);
    }

    @Test
    void shouldStayInSlowStartWhenDelayIsSteady() {
        Flow flow = new Flow();
        for (int i = 0; i < 10; i++) {
            flow.round(20 * MS);
        }
        assertThat(window.phase()).isEqualTo(CongestionWindow.Phase.SLOW_START);
        assertThat(window.windowBytes()).isEqualTo(CongestionWindow.WINDOW_BYTES_INITIAL + 10L * 8 * D);
    }

    /** A flow that keeps eight datagrams in flight: each round acknowledges the last round's and sends eight more. */
    private final class Flow {
        private long now;
        private int inFlight;

        Flow() {
            send();
        }

        /** One round trip later, the eight in flight are acknowledged with {@code rttNs}; returns the growth. */
        long round(long rttNs) {
            long sentNs = now;
            now += rttNs;
            long before = window.windowBytes();
            for (int i = 0; i < inFlight; i++) {
                window.onAcked(D, sentNs, rttNs, now);
            }
            long growth = window.windowBytes() - before;
            send();
            return growth;
        }

        private void send() {
            inFlight = CongestionWindow.RTT_SAMPLES_MIN;
            for (int i = 0; i < inFlight; i++) {
                window.onSent(D, now);
            }
        }
    }
}
