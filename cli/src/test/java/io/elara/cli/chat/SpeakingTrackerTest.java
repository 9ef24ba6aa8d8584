package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.chat.SpeakingTracker.Change;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpeakingTrackerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final double LOUD = 0.2;
    private static final double QUIET = 0.005;

    /** Frames every 20 ms from {@code fromMs} up to, not including, {@code toMs}, all at {@code rms}. */
    private static void frames(SpeakingTracker tracker, String name, long fromMs, long toMs, double rms) {
        for (long ms = fromMs; ms < toMs; ms += 20) {
            tracker.frame(name, rms, ms * MS);
        }
    }

    @Test
    void shouldCountASpeakerSpeakingWhileALoudFrameIsInTheLast300Ms() {
        SpeakingTracker tracker = new SpeakingTracker();
        frames(tracker, "alice", 0, 200, LOUD);
        frames(tracker, "bob", 0, 200, QUIET);
        assertThat(tracker.speaking(200 * MS)).containsExactly("alice");
        // alice's last loud frame played at 180 ms: speaking until 480 ms, not at it.
        assertThat(tracker.speaking(479 * MS)).containsExactly("alice");
        assertThat(tracker.speaking(480 * MS)).isEmpty();
    }

    @Test
    void shouldAnnounceAStartAtOnceAndAStopOnlyAfterASecondOfSilence() {
        SpeakingTracker tracker = new SpeakingTracker();
        frames(tracker, "alice", 0, 100, LOUD);
        assertThat(tracker.changes(100 * MS)).containsExactly(new Change("alice", true));
        assertThat(tracker.changes(120 * MS)).as("said once").isEmpty();
        // A pause between words, 600 ms: no longer speaking in the status line, but no stop announced.
        frames(tracker, "alice", 100, 700, QUIET);
        assertThat(tracker.speaking(700 * MS)).isEmpty();
        assertThat(tracker.changes(700 * MS)).isEmpty();
        frames(tracker, "alice", 700, 800, LOUD);
        assertThat(tracker.changes(800 * MS)).as("the same stretch of speech").isEmpty();
        // The last loud frame at 780 ms: stopped at 1780 ms, not a nanosecond before.
        assertThat(tracker.changes(1780 * MS - 1)).isEmpty();
        assertThat(tracker.changes(1780 * MS)).containsExactly(new Change("alice", false));
        assertThat(tracker.changes(3000 * MS)).isEmpty();
        frames(tracker, "alice", 3000, 3040, LOUD);
        assertThat(tracker.changes(3040 * MS)).containsExactly(new Change("alice", true));
    }

    @Test
    void shouldAnnounceEachSpeakerOnItsOwnInNameOrder() {
        SpeakingTracker tracker = new SpeakingTracker();
        frames(tracker, "carol", 0, 40, LOUD);
        frames(tracker, "bob", 0, 40, LOUD);
        assertThat(tracker.changes(40 * MS)).containsExactly(new Change("bob", true), new Change("carol", true));
        frames(tracker, "carol", 40, 2000, LOUD);
        assertThat(tracker.changes(2000 * MS)).containsExactly(new Change("bob", false));
        assertThat(tracker.speaking(2000 * MS)).containsExactly("carol");
    }

    @Test
    void shouldNeverCountSilenceOrAVoiceBelowTheThresholdAsSpeaking() {
        SpeakingTracker tracker = new SpeakingTracker();
        frames(tracker, "alice", 0, 2000, 0);
        frames(tracker, "bob", 0, 2000, SpeakingTracker.RMS_MIN);
        assertThat(tracker.speaking(2000 * MS)).isEmpty();
        assertThat(tracker.changes(2000 * MS)).isEmpty();
    }

    @Test
    void shouldFollowABoundedNumberOfSpeakers() {
        SpeakingTracker tracker = new SpeakingTracker();
        for (int i = 0; i < SpeakingTracker.SPEAKERS_MAX + 10; i++) {
            tracker.frame("speaker" + i, LOUD, 0);
        }
        assertThat(tracker.speaking(0)).hasSize(SpeakingTracker.SPEAKERS_MAX);
        assertThat(tracker.changes(0)).hasSize(SpeakingTracker.SPEAKERS_MAX).allMatch(Change::started);
        assertThat(tracker.changes(TimeUnit.SECONDS.toNanos(1)))
                .hasSize(SpeakingTracker.SPEAKERS_MAX)
                .noneMatch(Change::started);
        tracker.frame("late", LOUD, TimeUnit.SECONDS.toNanos(1));
        assertThat(tracker.speaking(TimeUnit.SECONDS.toNanos(1)))
                .as("room again once they stopped")
                .containsExactly("late");
    }

    @Test
    void shouldMeasureLoudnessAsRootMeanSquare() {
        assertThat(SpeakingTracker.rms(new float[] {0.5f, -0.5f, 0.5f, -0.5f})).isEqualTo(0.5);
        assertThat(SpeakingTracker.rms(new float[960])).isZero();
        float[] sine = new float[960];
        for (int i = 0; i < sine.length; i++) {
            sine[i] = (float) (0.4 * Math.sin(2 * Math.PI * 440 * i / 48_000));
        }
        assertThat(SpeakingTracker.rms(sine)).isCloseTo(0.4 / Math.sqrt(2), org.assertj.core.data.Offset.offset(0.01));
    }
}
