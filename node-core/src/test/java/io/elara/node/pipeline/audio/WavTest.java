package io.elara.node.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.pipeline.RuntimeData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavTest {
    @TempDir
    Path directory;

    /** A WAV file with one fmt and one data chunk, written byte by byte as the format describes. */
    private static byte[] wav(int format, int channels, int rate, int bits, byte[] data, boolean extraChunk) {
        int extra = extraChunk ? 8 + 5 + 1 : 0; // a 5-byte LIST chunk, padded to 6
        ByteBuffer out = ByteBuffer.allocate(44 + extra + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + extra + data.length);
        out.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (extraChunk) {
            out.put("LIST".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .putInt(5)
                    .put(new byte[6]);
        }
        out.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
        out.putShort((short) format).putShort((short) channels).putInt(rate);
        out.putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8))
                .putShort((short) bits);
        out.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(data.length)
                .put(data);
        return out.array();
    }

    @Test
    void shouldRoundTripSixteenBitStereoExactlyWhenWrittenAndRead() throws Exception {
        float[] samples = {0f, 0.5f, -0.5f, 1f, -1f, 0.25f};
        RuntimeData.Audio audio = new RuntimeData.Audio(samples, 44_100, 2);
        Path file = directory.resolve("a.wav");
        Wav.write(file, audio);
        RuntimeData.Audio back = Wav.read(file);
        assertThat(back.sampleRate()).isEqualTo(44_100);
        assertThat(back.channels()).isEqualTo(2);
        assertThat(back.frames()).isEqualTo(3);
        for (int i = 0; i < samples.length; i++) {
            assertThat(back.samples()[i]).isCloseTo(samples[i], org.assertj.core.data.Offset.offset(1f / 32768));
        }
        assertThat(Files.size(file)).isEqualTo(44 + 12);
    }

    @ParameterizedTest(name = "format {0}, {1} bits")
    @CsvSource({"1, 8", "1, 16", "1, 24", "1, 32", "3, 32"})
    void shouldDecodeEverySupportedSampleFormat(int format, int bits) throws Exception {
        // Two samples: half scale positive and negative.
        ByteBuffer data = ByteBuffer.allocate(2 * bits / 8).order(ByteOrder.LITTLE_ENDIAN);
        switch (bits) {
            case 8 -> data.put((byte) 192).put((byte) 64);
            case 16 -> data.putShort((short) 16384).putShort((short) -16384);
            case 24 -> data.put(new byte[] {0, 0, 0x40, 0, 0, (byte) 0xC0});
            default -> {
                if (format == 3) {
                    data.putFloat(0.5f).putFloat(-0.5f);
                } else {
                    data.putInt(1 << 30).putInt(-(1 << 30));
                }
            }
        }
        RuntimeData.Audio audio = Wav.decode(wav(format, 1, 16_000, bits, data.array(), true), "x.wav");
        assertThat(audio.samples()).containsExactly(0.5f, -0.5f);
        assertThat(audio.sampleRate()).isEqualTo(16_000);
    }

    @Test
    void shouldNameTheProblemWhenTheFileIsNotAReadableWav() {
        assertThatThrownBy(() ->
                        Wav.decode("hello, this is text".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t.wav"))
                .isInstanceOf(WavFormatException.class)
                .hasMessage("t.wav: not a WAV file (no RIFF/WAVE header)");
        assertThatThrownBy(() -> Wav.decode(wav(2, 1, 8000, 4, new byte[4], false), "adpcm.wav"))
                .hasMessage(
                        "adpcm.wav: unsupported sample format (WAV format code 2; Elara reads PCM and 32-bit float)");
        assertThatThrownBy(() -> Wav.decode(wav(1, 1, 8000, 12, new byte[4], false), "odd.wav"))
                .hasMessage("odd.wav: unsupported PCM sample size of 12 bits (8, 16, 24, 32)");
        assertThatThrownBy(() -> Wav.decode(wav(1, 0, 8000, 16, new byte[4], false), "mute.wav"))
                .hasMessageContaining("0 channels");
        byte[] noData = java.util.Arrays.copyOf(wav(1, 1, 8000, 16, new byte[0], false), 36);
        assertThatThrownBy(() -> Wav.decode(noData, "short.wav")).hasMessage("short.wav: no data chunk");
        assertThatThrownBy(() -> Wav.read(directory.resolve("none.wav")))
                .hasMessageEndingWith("none.wav: no such file");
    }

    @Test
    void shouldReadWholeFramesOfATruncatedDataChunk() throws Exception {
        byte[] full = wav(1, 2, 8000, 16, new byte[16], false);
        RuntimeData.Audio cut = Wav.decode(java.util.Arrays.copyOf(full, full.length - 3), "cut.wav");
        assertThat(cut.frames()).isEqualTo(3);
    }
}
