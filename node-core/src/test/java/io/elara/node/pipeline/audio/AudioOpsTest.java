package io.elara.node.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.elara.node.pipeline.RuntimeData;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudioOpsTest {
    /** Strength of {@code frequencyHz} in {@code audio} (Goertzel), normalised so a full-scale sine gives about 0.5. */
    private static double strength(RuntimeData.Audio audio, double frequencyHz) {
        float[] x = audio.samples();
        double coefficient = 2 * Math.cos(2 * Math.PI * frequencyHz / audio.sampleRate());
        double s1 = 0;
        double s2 = 0;
        for (float sample : x) {
            double s = sample + coefficient * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return Math.sqrt(power) / x.length;
    }

    @Test
    void shouldContinueTheToneAcrossFrames() {
        RuntimeData.Audio whole = AudioOps.tone(440, 0.5, 48_000, 960, 0);
        RuntimeData.Audio second = AudioOps.tone(440, 0.5, 48_000, 480, 480);
        for (int i = 0; i < 480; i++) {
            assertThat(second.samples()[i]).isEqualTo(whole.samples()[480 + i]);
        }
        assertThat(AudioOps.rmsDb(whole)).isCloseTo(20 * Math.log10(0.5 / Math.sqrt(2)), offset(0.1));
    }

    @Test
    void shouldScaleByDecibelsAndClip() {
        RuntimeData.Audio half = new RuntimeData.Audio(new float[] {0.5f, -0.25f}, 8_000, 1);
        assertThat(AudioOps.gain(half, -6.0206).samples()[0]).isCloseTo(0.25f, offset(1e-4f));
        float[] louder = AudioOps.gain(half, 12).samples();
        assertThat(louder[0]).as("0.5 x 3.98 clips").isEqualTo(1f);
        assertThat(louder[1]).as("-0.25 x 3.98").isCloseTo(-0.99527f, offset(1e-4f));
    }

    @Test
    void shouldSumStreamsPaddingTheShorterAndRefuseMismatchedRates() {
        RuntimeData.Audio a = new RuntimeData.Audio(new float[] {0.25f, 0.25f, 0.25f}, 8_000, 1);
        RuntimeData.Audio b = new RuntimeData.Audio(new float[] {0.5f, 0.9f}, 8_000, 1);
        assertThat(AudioOps.mix(List.of(a, b)).samples()).containsExactly(0.75f, 1f, 0.25f);
        RuntimeData.Audio other = new RuntimeData.Audio(new float[] {0f}, 16_000, 1);
        assertThatThrownBy(() -> AudioOps.mix(List.of(a, other))).hasMessageContaining("resample first");
    }

    @Test
    void shouldKeepAToneAndItsLengthWhenResampling() {
        RuntimeData.Audio tone = AudioOps.tone(1_000, 0.5, 48_000, 48_000, 0);
        RuntimeData.Audio down = Resampler.resample(tone, 16_000);
        assertThat(down.frames()).isEqualTo(16_000);
        assertThat(strength(down, 1_000)).isCloseTo(strength(tone, 1_000), offset(0.01));
        RuntimeData.Audio up = Resampler.resample(AudioOps.tone(1_000, 0.5, 44_100, 44_100, 0), 48_000);
        assertThat(up.frames()).isEqualTo(48_000);
        assertThat(strength(up, 1_000)).isCloseTo(0.25, offset(0.01));
    }

    @Test
    void shouldRemoveWhatTheNewRateCannotHoldWhenDownsampling() {
        // 6 kHz cannot exist at 8 kHz (Nyquist 4 kHz); without the low-pass it would alias to 2 kHz.
        RuntimeData.Audio high = AudioOps.tone(6_000, 0.5, 48_000, 48_000, 0);
        RuntimeData.Audio down = Resampler.resample(high, 8_000);
        assertThat(strength(down, 2_000)).isLessThan(0.01);
    }

    @Test
    void shouldPassVoiceAndItsHangoverAndDropSilence() {
        VoiceActivityDetector vad = new VoiceActivityDetector(-40, 40_000_000L);
        RuntimeData.Audio loud = AudioOps.tone(300, 0.5, 8_000, 160, 0); // 20 ms
        RuntimeData.Audio quiet = new RuntimeData.Audio(new float[160], 8_000, 1);
        assertThat(vad.isVoice(quiet)).isFalse();
        assertThat(vad.isVoice(loud)).isTrue();
        assertThat(vad.isVoice(quiet)).as("first hangover frame").isTrue();
        assertThat(vad.isVoice(quiet)).as("second hangover frame").isTrue();
        assertThat(vad.isVoice(quiet)).as("hangover over").isFalse();
    }
}
