package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {
    private static final int D = CongestionWindow.DATAGRAM_BYTES;
    private static final long MS = 1_000_000;

    private final Pacer pacer = new Pacer();

    @Test
    void shouldSendABurstAtOnceThenSpaceTheRestAtWindowOverRtt() {
        long window = 100L * D;
        long rtt = 100 * MS; // 100 datagrams per 100 ms, × 1.25: one datagram every 0.8 ms
        long now = 0;
        for (int i = 0; i < Pacer.BURST_DATAGRAMS; i++) {
            assertThat(pacer.sendableAtNs(D, window, rtt, now)).isEqualTo(now);
            pacer.onSent(D, window, rtt, now);
        }
        long next = pacer.sendableAtNs(D, window, rtt, now);
        assertThat(next).isEqualTo(800_000);
        assertThat(pacer.sendableAtNs(D, window, rtt, next)).isEqualTo(next);
    }

    @Test
    void shouldNotHoldBackWhenThereIsNoRttYet() {
        for (int i = 0; i < 100; i++) {
            assertThat(pacer.sendableAtNs(D, 12_000, 0, 0)).isZero();
            pacer.onSent(D, 12_000, 0, 0);
        }
    }

    @Test
    void shouldRefillOnlyUpToOneBurstWhenIdleForLong() {
        long window = 100L * D;
        long rtt = 100 * MS;
        pacer.sendableAtNs(D, window, rtt, 0);
        long later = 3_600_000 * MS;
        int immediate = 0;
        while (pacer.sendableAtNs(D, window, rtt, later) == later) {
            pacer.onSent(D, window, rtt, later);
            immediate++;
        }
        assertThat(immediate).isEqualTo(Pacer.BURST_DATAGRAMS);
    }

    @Test
    void shouldPaceAtWindowOverRttTimesGain() {
        assertThat(Pacer.bytesPerSecond(12_000, 10 * MS)).isEqualTo(1_500_000);
    }

    @Test
    void shouldReleaseAtTheInstantItNamesWhenRefillsAreFractions() {
        // 12,000 × 1.25 / 53.477598 ms ≈ 280,498 bytes/s: a byte every 3.565 µs, never a whole number of nanoseconds.
        // Refills once rounded down to whole bytes, and a sender asking again at the named instant waited forever.
        long window = 12_000;
        long rtt = 53_477_598;
        long now = 0;
        pacer.sendableAtNs(D, window, rtt, now);
        for (int i = 0; i < 1_000; i++) {
            pacer.onSent(D, window, rtt, now);
            long at = pacer.sendableAtNs(D, window, rtt, now);
            long again = pacer.sendableAtNs(D, window, rtt, at);
            assertThat(again).as("send %d", i).isIn(at, at + 1);
            now = again;
        }
    }
}
