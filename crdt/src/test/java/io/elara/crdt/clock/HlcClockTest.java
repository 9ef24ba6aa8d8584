package io.elara.crdt.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HlcClockTest {
    private static final long T0 = 1_767_225_600_000L;

    @Test
    void shouldFollowWallClockWhenItMovesForward() {
        HlcClock clock = new HlcClock(60_000);
        assertThat(clock.now(T0)).isEqualTo(Hlc.pack(T0, 0));
        assertThat(clock.now(T0 + 5)).isEqualTo(Hlc.pack(T0 + 5, 0));
    }

    @Test
    void shouldCountLogicallyWhenWallClockStandsStillOrJumpsBack() {
        HlcClock clock = new HlcClock(60_000);
        long first = clock.now(T0);
        long second = clock.now(T0);
        long third = clock.now(T0 - 10_000);
        assertThat(second).isEqualTo(Hlc.pack(T0, 1));
        assertThat(third).isEqualTo(Hlc.pack(T0, 2));
        assertThat(first).isLessThan(second).isLessThan(third);
    }

    @Test
    void shouldGoOnAfterARestoredTimestampWhenTheWallClockWasSetBackAcrossARestart() {
        // The last run's newest event, read back from the store; the machine's clock is now an hour behind it.
        HlcClock clock = new HlcClock(60_000);
        long stored = Hlc.pack(T0, 7);
        clock.restore(stored);
        clock.restore(Hlc.pack(T0 - 5_000, 0)); // an older one read after it changes nothing
        assertThat(clock.now(T0 - 3_600_000)).isEqualTo(Hlc.pack(T0, 8));
        // Once the wall clock passes it, the wall clock leads again.
        assertThat(clock.now(T0 + 1)).isEqualTo(Hlc.pack(T0 + 1, 0));
    }

    @Test
    void shouldCarryIntoNextMillisecondWhenCounterIsFull() {
        HlcClock clock = new HlcClock(60_000);
        long previous = clock.now(T0);
        for (int i = 0; i < Hlc.LOGICAL_MAX + 5; i++) {
            long next = clock.now(T0);
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
        assertThat(Hlc.physicalMs(previous)).isEqualTo(T0 + 1);
        assertThat(Hlc.logical(previous)).isEqualTo(4);
    }

    @Test
    void shouldMoveAheadOfRemoteWhenObservingALaterTimestamp() {
        HlcClock clock = new HlcClock(60_000);
        clock.now(T0);
        long remote = Hlc.pack(T0 + 2_000, 7);
        long merged = clock.observe(remote, T0 + 10);
        assertThat(merged).isEqualTo(Hlc.pack(T0 + 2_000, 8));
        assertThat(clock.now(T0 + 20)).isEqualTo(Hlc.pack(T0 + 2_000, 9));
    }

    @Test
    void shouldTakeLargerCounterWhenLocalAndRemoteShareTheMillisecond() {
        HlcClock clock = new HlcClock(60_000);
        clock.now(T0);
        clock.now(T0);
        assertThat(clock.observe(Hlc.pack(T0, 9), T0)).isEqualTo(Hlc.pack(T0, 10));
        assertThat(clock.observe(Hlc.pack(T0, 3), T0)).isEqualTo(Hlc.pack(T0, 11));
    }

    @Test
    void shouldRejectRemoteTimeWhenBeyondDriftBound() {
        HlcClock clock = new HlcClock(60_000);
        assertThat(clock.acceptable(Hlc.pack(T0 + 60_000, Hlc.LOGICAL_MAX), T0)).isTrue();
        assertThat(clock.acceptable(Hlc.pack(T0 + 60_001, 0), T0)).isFalse();
        assertThatThrownBy(() -> clock.observe(Hlc.pack(T0 + 3_600_000, 0), T0))
                .isInstanceOf(IllegalStateException.class);
        assertThat(clock.last()).isZero();
    }

    @Test
    void shouldStayMonotonicWhenWallClockJumpsAndRemotesInterleave() {
        Random random = new Random(20261121);
        HlcClock clock = new HlcClock(60_000);
        long wall = T0;
        long previous = 0;
        for (int i = 0; i < 100_000; i++) {
            wall += random.nextInt(2_001) - 1_000;
            long next;
            if (random.nextBoolean()) {
                next = clock.now(wall);
            } else {
                long remote = Hlc.pack(wall + random.nextInt(120_001) - 60_000, random.nextInt(Hlc.LOGICAL_MAX));
                if (!clock.acceptable(remote, wall)) {
                    continue;
                }
                next = clock.observe(remote, wall);
                assertThat(next).isGreaterThan(remote);
            }
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }

    @Test
    void shouldPackAndFormatFields() {
        long hlc = Hlc.pack(T0 + 123, 4);
        assertThat(Hlc.physicalMs(hlc)).isEqualTo(T0 + 123);
        assertThat(Hlc.logical(hlc)).isEqualTo(4);
        assertThat(Hlc.format(hlc)).isEqualTo("2026-01-01T00:00:00.123Z+4");
        assertThatThrownBy(() -> Hlc.pack(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hlc.pack(0, Hlc.LOGICAL_MAX + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
