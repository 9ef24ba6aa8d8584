package io.elara.cli.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.media.VoiceCodec;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.Wav;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoiceSourceTest {
    @TempDir
    Path directory;

    @Test
    void shouldMakeAContinuousToneFrameAfterFrame() throws IOException {
        VoiceSource tone = VoiceSource.parse("tone:440");
        assertThat(tone.describe()).isEqualTo("tone 440 Hz");
        assertThat(tone.dtx()).as("a tone is never left out as silence").isFalse();
        assertThat(VoiceSource.parse("tone:261.5").describe()).isEqualTo("tone 261.5 Hz");
        float[] first = new float[VoiceCodec.FRAME_SAMPLES];
        float[] second = new float[VoiceCodec.FRAME_SAMPLES];
        try (VoiceSource.Input input = tone.open()) {
            assertThat(input.paced()).isFalse();
            input.read(first);
            input.read(second);
        }
        double step = 2 * Math.PI * 440 / VoiceCodec.SAMPLE_RATE;
        assertThat((double) second[0])
                .as("no jump between frames")
                .isCloseTo(0.4 * Math.sin(VoiceCodec.FRAME_SAMPLES * step), Offset.offset(1e-3));
        double max = 0;
        for (float sample : first) {
            max = Math.max(max, Math.abs(sample));
        }
        assertThat(max).isCloseTo(0.4, Offset.offset(1e-3));
    }

    @Test
    void shouldPlayAWavFileInALoop() throws IOException {
        // 0.5 s: a ramp, so each sample says where in the file it is.
        float[] samples = new float[VoiceCodec.SAMPLE_RATE / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) i / samples.length - 0.5f;
        }
        Path file = directory.resolve("ramp.wav");
        Wav.write(file, new RuntimeData.Audio(samples, VoiceCodec.SAMPLE_RATE, 1));
        VoiceSource loop = VoiceSource.parse(file.toString());
        assertThat(loop.describe()).isEqualTo("ramp.wav");
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        float[] first = new float[VoiceCodec.FRAME_SAMPLES];
        try (VoiceSource.Input input = loop.open()) {
            input.read(first);
            for (int f = 1; f <= 25; f++) {
                input.read(frame);
            }
        }
        assertThat(frame).as("frame 25 is the file's first again").containsExactly(first);
    }

    @Test
    void shouldRefuseABadSourceInOneLineWithExitTwo() throws IOException {
        assertUsage("tone:5", "--voice-source: 'tone:5' is not a tone (write tone:HZ, HZ from 20 to 20000)");
        assertUsage("tone:", "--voice-source: 'tone:' is not a tone (write tone:HZ, HZ from 20 to 20000)");
        assertUsage("tone:NaN", "--voice-source: 'tone:NaN' is not a tone (write tone:HZ, HZ from 20 to 20000)");
        Path missing = directory.resolve("missing.wav");
        assertUsage(missing.toString(), "--voice-source: " + missing + ": no such file");
        Path text = Files.writeString(directory.resolve("notes.wav"), "not a wav at all");
        assertThatThrownBy(() -> VoiceSource.parse(text.toString()))
                .isInstanceOfSatisfying(ElaraUserException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                    assertThat(e.getMessage()).startsWith("--voice-source: ").doesNotContain("\n");
                });
        Path tiny = directory.resolve("tiny.wav");
        Wav.write(tiny, new RuntimeData.Audio(new float[10], VoiceCodec.SAMPLE_RATE, 1));
        assertUsage(tiny.toString(), "--voice-source: " + tiny + " is shorter than one 20 ms frame: nothing to send");
    }

    @Test
    void shouldSayInOneLineThatThereIsNoMicrophoneWhereThereIsNone() {
        Assumptions.assumeFalse(
                AudioSystem.isLineSupported(new DataLine.Info(TargetDataLine.class, Pcm16.FORMAT)),
                "this machine has a microphone");
        VoiceSource microphone = VoiceSource.parse("mic");
        assertThat(microphone.describe()).isEqualTo("microphone");
        assertThatThrownBy(microphone::open).isInstanceOf(IOException.class).hasMessage(VoiceSource.NO_MICROPHONE);
    }

    @Test
    void shouldNeverFailForWantOfASpeaker() {
        try (Speaker speaker = Speaker.open()) {
            speaker.play(new float[VoiceCodec.FRAME_SAMPLES]);
            assertThat(speaker.describe()).isNotBlank();
        }
    }

    @Test
    void shouldConvertSamplesToDeviceBytesAndBack() {
        float[] frame = {0f, 0.5f, -0.5f, 1f, -1f, 2f};
        byte[] bytes = new byte[frame.length * 2];
        Pcm16.toBytes(frame, bytes);
        float[] back = new float[frame.length];
        Pcm16.toFloats(bytes, back);
        assertThat(back).containsExactly(new float[] {0f, 0.5f, -0.5f, 1f, -1f, 1f}, Offset.offset(1e-4f));
    }

    private static void assertUsage(String source, String message) {
        assertThatThrownBy(() -> VoiceSource.parse(source)).isInstanceOfSatisfying(ElaraUserException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
