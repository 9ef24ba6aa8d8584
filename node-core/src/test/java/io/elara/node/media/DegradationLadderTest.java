package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DegradationLadderTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final DegradationLadder.Sample GOOD =
            new DegradationLadder.Sample(0.0, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(2), 0.0);
    private static final DegradationLadder.Sample LOSSY = new DegradationLadder.Sample(
            0.20, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(2), 0.0);
    /** Loss between half and all of its threshold: neither bad nor good. */
    private static final DegradationLadder.Sample BORDERLINE = new DegradationLadder.Sample(
            0.08, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(2), 0.0);

    private final DegradationLadder ladder = new DegradationLadder(DegradationLadder.Thresholds.DEFAULTS);
    private long nowNs = 1_000 * SECOND;

    {
        ladder.sample(GOOD, nowNs); // the link's first interval
    }

    private DegradationLevel run(DegradationLadder.Sample sample, int seconds) {
        for (int i = 0; i < seconds; i++) {
            nowNs += SECOND;
            ladder.sample(sample, nowNs);
        }
        return ladder.level();
    }

    @Test
    void shouldStepDownOneRungPerTwoBadSecondsToTheFloorAndSayWhy() {
        assertThat(run(GOOD, 5)).isEqualTo(DegradationLevel.FULL);
        List<DegradationLevel> seen = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            seen.add(run(LOSSY, 1));
        }
        assertThat(seen)
                .containsExactly(
                        DegradationLevel.FULL,
                        DegradationLevel.REDUCED_VIDEO,
                        DegradationLevel.REDUCED_VIDEO,
                        DegradationLevel.KEYFRAMES_ONLY,
                        DegradationLevel.KEYFRAMES_ONLY,
                        DegradationLevel.LOW_VOICE,
                        DegradationLevel.LOW_VOICE,
                        DegradationLevel.TEXT_ONLY,
                        DegradationLevel.TEXT_ONLY,
                        DegradationLevel.TEXT_ONLY,
                        DegradationLevel.TEXT_ONLY,
                        DegradationLevel.TEXT_ONLY);
        assertThat(ladder.reason()).isEqualTo("loss 20.0% over 10.0%");
        assertThat(ladder.stepsDown()).isEqualTo(4);
    }

    @Test
    void shouldStepUpOnlyAfterTenGoodSecondsAndHoldInTheHysteresisBand() {
        run(LOSSY, 4);
        assertThat(ladder.level()).isEqualTo(DegradationLevel.KEYFRAMES_ONLY);
        run(LOSSY, 1);
        assertThat(ladder.level()).isEqualTo(DegradationLevel.KEYFRAMES_ONLY);
        assertThat(run(BORDERLINE, 60))
                .as("between half and all of a threshold")
                .isEqualTo(DegradationLevel.KEYFRAMES_ONLY);
        assertThat(run(GOOD, 9)).isEqualTo(DegradationLevel.KEYFRAMES_ONLY);
        assertThat(run(GOOD, 1)).isEqualTo(DegradationLevel.REDUCED_VIDEO);
        assertThat(ladder.reason()).startsWith("every measure under half its threshold");
        assertThat(run(GOOD, 10)).isEqualTo(DegradationLevel.FULL);
        assertThat(run(GOOD, 30)).isEqualTo(DegradationLevel.FULL);
    }

    @Test
    void shouldReactToEachMeasureAndTakeUnknownOnesAsGood() {
        DegradationLadder rtt = new DegradationLadder(DegradationLadder.Thresholds.DEFAULTS);
        DegradationLadder drops = new DegradationLadder(DegradationLadder.Thresholds.DEFAULTS);
        DegradationLadder unknown = new DegradationLadder(DegradationLadder.Thresholds.DEFAULTS);
        for (int i = 1; i <= 3; i++) {
            rtt.sample(
                    new DegradationLadder.Sample(Double.NaN, TimeUnit.MILLISECONDS.toNanos(900), -1, Double.NaN),
                    i * SECOND);
            drops.sample(new DegradationLadder.Sample(Double.NaN, -1, -1, 0.5), i * SECOND);
            unknown.sample(DegradationLadder.Sample.UNKNOWN, i * SECOND);
        }
        assertThat(rtt.level()).isEqualTo(DegradationLevel.REDUCED_VIDEO);
        assertThat(rtt.reason()).isEqualTo("round trip 900 ms over 500 ms");
        for (int i = 4; i <= 30; i++) {
            rtt.sample(
                    new DegradationLadder.Sample(Double.NaN, TimeUnit.MILLISECONDS.toNanos(900), -1, Double.NaN),
                    i * SECOND);
        }
        assertThat(rtt.level()).as("round trip alone stops at low-voice").isEqualTo(DegradationLevel.LOW_VOICE);
        assertThat(drops.reason()).startsWith("bandwidth: 50.0% of media dropped in the queue");
        assertThat(unknown.level()).isEqualTo(DegradationLevel.FULL);
    }

    @Test
    void shouldWaitLongerAfterAStepUpThePathCouldNotCarryAndStopAtTheFloor() {
        run(LOSSY, 2);
        assertThat(ladder.level()).isEqualTo(DegradationLevel.REDUCED_VIDEO);
        run(GOOD, 10);
        assertThat(ladder.level()).isEqualTo(DegradationLevel.FULL);
        run(LOSSY, 2); // the rung above was too much for the path
        assertThat(ladder.level()).isEqualTo(DegradationLevel.REDUCED_VIDEO);
        assertThat(ladder.backoff()).isEqualTo(2);
        assertThat(run(GOOD, 19)).as("twice the wait now").isEqualTo(DegradationLevel.REDUCED_VIDEO);
        assertThat(run(GOOD, 1)).isEqualTo(DegradationLevel.FULL);

        DegradationLadder floored = new DegradationLadder(new DegradationLadder.Thresholds(
                0.05, SECOND, SECOND, 0.1, 2 * SECOND, 10 * SECOND, DegradationLevel.LOW_VOICE));
        for (int i = 1; i <= 30; i++) {
            floored.sample(LOSSY, i * SECOND);
        }
        assertThat(floored.level()).isEqualTo(DegradationLevel.LOW_VOICE);
    }

    @Test
    void shouldStepDownAtOnceWhenTheLastIntervalLostMostOfItsFramesAndAgainAfterHalfTheWait() {
        DegradationLadder.Sample collapse = new DegradationLadder.Sample(
                0.25, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(2), 0.0, 0.55);
        nowNs += SECOND / 2;
        assertThat(ladder.sample(collapse, nowNs)).isEqualTo(DegradationLevel.REDUCED_VIDEO);
        assertThat(ladder.reason()).isEqualTo("loss 55.0% over 10.0%, at once");
        nowNs += SECOND / 2;
        assertThat(ladder.sample(collapse, nowNs)).as("half a second later").isEqualTo(DegradationLevel.REDUCED_VIDEO);
        nowNs += SECOND / 2;
        assertThat(ladder.sample(collapse, nowNs)).as("a second later").isEqualTo(DegradationLevel.KEYFRAMES_ONLY);
        DegradationLadder.Sample smoothedOnly = new DegradationLadder.Sample(
                0.25, TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(2), 0.0, 0.2);
        nowNs += SECOND;
        assertThat(ladder.sample(smoothedOnly, nowNs))
                .as("bad but not severe: the full wait")
                .isEqualTo(DegradationLevel.KEYFRAMES_ONLY);
    }
}
