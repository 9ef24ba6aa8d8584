package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.media.VoiceCodec;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.Resampler;
import io.elara.node.pipeline.audio.Wav;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Voice between two real nodes on loopback, no loss: speech made by espeak-ng goes through {@code elara voice send}
 * (Opus, 20 ms frames, the latency-first lane) and comes back out of {@code elara voice record} with the same length
 * (within a frame) and the same waveform (normalized cross-correlation, after alignment, at least 0.9). A file that is
 * not a WAV is one line and exit 2.
 */
class VoiceSystemTest extends SystemTestSupport {
    @BeforeAll
    static void tools() {
        requireTools("espeak-ng");
    }

    private NodeProcess run(String name, Path config) {
        NodeProcess run = elara(name + " run", "run", "-c", config.toString());
        run.awaitStderr(name + " ready on", START);
        return run;
    }

    /** The largest normalized cross-correlation of {@code b} against {@code a}, over lags -maxLag to maxLag. */
    private static double[] bestCorrelation(float[] a, float[] b, int maxLag) {
        double best = -1;
        int bestLag = 0;
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double ab = 0;
            double aa = 0;
            double bb = 0;
            for (int i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
                ab += a[i] * b[i + lag];
                aa += a[i] * a[i];
                bb += b[i + lag] * b[i + lag];
            }
            double correlation = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : -1;
            if (correlation > best) {
                best = correlation;
                bestLag = lag;
            }
        }
        return new double[] {best, bestLag};
    }

    @Test
    void shouldRecordBackWhatWasSpokenWithItsLengthAndItsWaveform() throws Exception {
        Path speech = directory.resolve("speech.wav");
        Process espeak = new ProcessBuilder(
                        "espeak-ng",
                        "-w",
                        speech.toString(),
                        "Elara sends voice over the latency first lane. One, two, three, four, five.")
                .redirectErrorStream(true)
                .start();
        assertThat(espeak.waitFor()).isZero();

        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        try (NodeProcess aliceRun = run("alice", alice);
                NodeProcess bobRun = run("bob", bob)) {
            finished("create", 0, "session", "create", "team", "-c", alice.toString());
            String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("bob joins", 0, "join", token, "-c", bob.toString());

            Path recorded = directory.resolve("recorded.wav");
            NodeProcess record = elara(
                    "bob records",
                    "voice",
                    "record",
                    "team",
                    recorded.toString(),
                    "--duration",
                    "30s",
                    "-c",
                    bob.toString());
            Thread.sleep(2_000); // the recorder listens before anything is sent
            NodeProcess send = finished(
                    "alice speaks",
                    0,
                    "voice",
                    "send",
                    "team",
                    speech.toString(),
                    "--bitrate",
                    "32000",
                    "-c",
                    alice.toString());
            assertThat(send.stdout()).containsPattern("sent \\d+ frames \\([0-9.]+ s of speech.wav\\) to bob");
            assertThat(record.waitFor(EXIT)).as(record.describe()).isZero();
            System.out.println(send.stdout() + record.stdout());

            float[] source =
                    Resampler.resample(Wav.read(speech), VoiceCodec.SAMPLE_RATE).samples();
            RuntimeData.Audio heard = Wav.read(recorded);
            assertThat(heard.sampleRate()).isEqualTo(VoiceCodec.SAMPLE_RATE);
            int sentFrames = (source.length + VoiceCodec.FRAME_SAMPLES - 1) / VoiceCodec.FRAME_SAMPLES;
            assertThat(heard.frames())
                    .as("the recording's length, within one frame of what was sent")
                    .isBetween(
                            (sentFrames - 1) * VoiceCodec.FRAME_SAMPLES, (sentFrames + 1) * VoiceCodec.FRAME_SAMPLES);
            double[] match = bestCorrelation(source, heard.samples(), 2 * VoiceCodec.FRAME_SAMPLES);
            System.out.printf(
                    Locale.ROOT,
                    "source %d samples, recorded %d; normalized cross-correlation %.3f at a lag of %d samples%n",
                    source.length,
                    heard.frames(),
                    match[0],
                    (int) match[1]);
            assertThat(match[0])
                    .as("normalized cross-correlation after alignment")
                    .isGreaterThanOrEqualTo(0.9);

            Path notWav = directory.resolve("notes.wav");
            Files.writeString(notWav, "these are words, not sound\n");
            NodeProcess refused =
                    finished("not a wav", 2, "voice", "send", "team", notWav.toString(), "-c", alice.toString());
            assertThat(refused.stderr().strip())
                    .startsWith("elara: ")
                    .doesNotContain("\n")
                    .contains("notes.wav");
            assertThat(aliceRun.isAlive()).isTrue();
            assertThat(bobRun.isAlive()).isTrue();
        }
    }
}
