package io.elara.node.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The path MTU search of one peer, driven by hand: probe schedule, confirmation, loss and convergence. */
class PathMtuTest {
    private static final long INTERVAL = PathMtu.PROBE_INTERVAL_NS;

    private final PathMtu mtu = new PathMtu();

    // Goal: every probe answered takes the search to the largest size, one probe per interval, then probing stops.
    // Method: answer each probe at once and count them.
    @Test
    void shouldReachTheLargestSizeAndStopWhenEveryProbeIsAnswered() {
        assertThat(mtu.datagramLengthMax()).isEqualTo(1200);
        assertThat(mtu.probeDue(0)).as("the first call only starts the clock").isZero();
        assertThat(mtu.probeDue(INTERVAL - 1)).isZero();
        long nowNs = INTERVAL;
        long id = 100;
        for (int expected : new int[] {1280, 1400, 1452, 1472}) {
            assertThat(mtu.probeDue(nowNs)).isEqualTo(expected);
            mtu.probeSent(id, nowNs);
            assertThat(mtu.probeDue(nowNs + 1)).as("one probe per interval").isZero();
            assertThat(mtu.onPong(id + 1)).as("not the probe's PING").isFalse();
            assertThat(mtu.onPong(id)).isTrue();
            assertThat(mtu.datagramLengthMax()).isEqualTo(expected);
            id++;
            nowNs += INTERVAL;
        }
        assertThat(mtu.converged()).isTrue();
        assertThat(mtu.nextProbeNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(mtu.probeDue(nowNs + TimeUnit.HOURS.toNanos(1))).isZero();
        assertThat(mtu.probesSent()).isEqualTo(4);
    }

    // Goal: a size lost three times is the ceiling, and the last confirmed size stays. Method: confirm 1280, then
    // leave three probes of 1400 unanswered; a late PONG of one of them changes nothing.
    @Test
    void shouldKeepTheLastConfirmedSizeWhenTheNextIsLostThreeTimes() {
        mtu.probeDue(0);
        long nowNs = INTERVAL;
        assertThat(mtu.probeDue(nowNs)).isEqualTo(1280);
        mtu.probeSent(1, nowNs);
        mtu.onPong(1);
        for (int attempt = 0; attempt < PathMtu.PROBE_LOSSES_MAX; attempt++) {
            nowNs += INTERVAL;
            assertThat(mtu.probeDue(nowNs)).isEqualTo(1400);
            mtu.probeSent(10 + attempt, nowNs);
        }
        nowNs += INTERVAL;
        assertThat(mtu.probeDue(nowNs)).as("the third loss ends the search").isZero();
        assertThat(mtu.converged()).isTrue();
        assertThat(mtu.onPong(12)).isFalse();
        assertThat(mtu.datagramLengthMax()).isEqualTo(1280);
    }

    // Goal: a probe lost once or twice is tried again, and an answer then still counts. Method: two losses, an answer.
    @Test
    void shouldConfirmASizeWhenItsProbeGetsThroughAfterTwoLosses() {
        mtu.probeDue(0);
        long nowNs = INTERVAL;
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(mtu.probeDue(nowNs)).isEqualTo(1280);
            mtu.probeSent(attempt, nowNs);
            nowNs += INTERVAL;
        }
        assertThat(mtu.onPong(2)).isTrue();
        assertThat(mtu.datagramLengthMax()).isEqualTo(1280);
        assertThat(mtu.probeDue(nowNs)).isEqualTo(1400);
    }

    // Goal: a suspected black hole takes the size back to 1,200 and the search starts over; at 1,200 it changes
    // nothing. Method: confirm 1280, report a black hole twice.
    @Test
    void shouldFallBackToTheBaseAndSearchAgainWhenABlackHoleIsSuspected() {
        assertThat(mtu.onBlackHole()).as("nothing to fall back from").isFalse();
        mtu.probeDue(0);
        assertThat(mtu.probeDue(INTERVAL)).isEqualTo(1280);
        mtu.probeSent(1, INTERVAL);
        mtu.onPong(1);

        assertThat(mtu.onBlackHole()).isTrue();
        assertThat(mtu.datagramLengthMax()).isEqualTo(1200);
        assertThat(mtu.blackHoles()).isEqualTo(1);
        assertThat(mtu.onBlackHole()).isFalse();
        long nowNs = 5 * INTERVAL;
        assertThat(mtu.probeDue(nowNs))
                .as("the search starts over one interval later")
                .isZero();
        assertThat(mtu.probeDue(nowNs + INTERVAL)).isEqualTo(1280);
    }
}
