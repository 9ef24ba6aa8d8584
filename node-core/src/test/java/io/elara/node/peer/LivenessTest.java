package io.elara.node.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LivenessTest {
    private static final long T0_NS = 1_767_225_600_000_000_000L;

    private final Liveness liveness = new Liveness(100);

    @Test
    void shouldTakeOneSampleWhenThePongAnswersTheAwaitedPing() {
        long id = liveness.pingSent(T0_NS);
        long t1 = liveness.awaitedPingClockUs();
        // The responder's clock is 5 ms ahead; 10 ms each way; it holds the PING 3 ms.
        long t2 = t1 + 10_000 + 5_000;
        long t4Ns = T0_NS + 23_000_000L;
        assertThat(liveness.pongReceived(id, t1, t2, 3_000, t4Ns)).isTrue();
        assertThat(liveness.rttNs()).isEqualTo(20_000_000L);
        assertThat(liveness.clockOffsetUs()).isEqualTo(5_000);
        assertThat(liveness.clockSamples()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreAPongWhenItAnswersNoAwaitedPing() {
        assertThat(liveness.pongReceived(100, 0, 0, 0, T0_NS))
                .as("nothing sent")
                .isFalse();
        long id = liveness.pingSent(T0_NS);
        long t1 = liveness.awaitedPingClockUs();
        assertThat(liveness.pongReceived(id + 1, t1, t1, 0, T0_NS))
                .as("another id")
                .isFalse();
        assertThat(liveness.pongReceived(id, t1 + 1, t1, 0, T0_NS))
                .as("another clock")
                .isFalse();
        assertThat(liveness.pongReceived(id, t1, t1, 0, T0_NS)).isTrue();
        assertThat(liveness.pongReceived(id, t1, t1, 0, T0_NS))
                .as("a second copy")
                .isFalse();
        assertThat(liveness.clockSamples()).isEqualTo(1);
    }

    @Test
    void shouldOweOnePongForTheLatestPingWhenSeveralArriveBeforeAFlush() {
        liveness.pingReceived(1, 11, T0_NS);
        liveness.pingReceived(2, 22, T0_NS + 1_000_000L);
        assertThat(liveness.pongDue()).isTrue();
        assertThat(liveness.pongPingId()).isEqualTo(2);
        assertThat(liveness.pongPingClockUs()).isEqualTo(22);
        assertThat(liveness.pongHoldUs(T0_NS + 4_000_000L)).isEqualTo(3_000);
        liveness.pongSent();
        assertThat(liveness.pongDue()).isFalse();
    }

    @Test
    void shouldMoveTheKeepaliveDeadlineWhenTrafficPassesEitherWay() {
        assertThat(liveness.keepaliveDeadlineNs(T0_NS)).isEqualTo(T0_NS + Liveness.KEEPALIVE_INTERVAL_NS);
        liveness.sent(T0_NS + 5);
        assertThat(liveness.keepaliveDeadlineNs(T0_NS)).isEqualTo(T0_NS + 5 + Liveness.KEEPALIVE_INTERVAL_NS);
        liveness.authenticated(T0_NS + 9);
        assertThat(liveness.keepaliveDeadlineNs(T0_NS)).isEqualTo(T0_NS + 9 + Liveness.KEEPALIVE_INTERVAL_NS);
        assertThat(liveness.idleDeadlineNs(T0_NS)).isEqualTo(T0_NS + 9 + Liveness.IDLE_TIMEOUT_NS);
        liveness.sent(T0_NS + 20);
        assertThat(liveness.idleDeadlineNs(T0_NS))
                .as("sending does not prove the peer is there")
                .isEqualTo(T0_NS + 9 + Liveness.IDLE_TIMEOUT_NS);
        liveness.wentIdle();
        assertThat(liveness.idle()).isTrue();
        liveness.authenticated(T0_NS + 30);
        assertThat(liveness.idle()).isFalse();
    }
}
