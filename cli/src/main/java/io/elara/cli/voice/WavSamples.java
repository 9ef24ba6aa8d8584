package io.elara.cli.voice;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.media.VoiceCodec;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.Resampler;
import io.elara.node.pipeline.audio.Wav;
import io.elara.node.pipeline.audio.WavFormatException;
import java.nio.file.Path;

/** A WAV file as the voice codec takes it: 48 kHz mono. */
public final class WavSamples {
    private WavSamples() {}

    /** {@code file} as 48 kHz mono samples; a file that is not a WAV we read is one line and exit 2. */
    public static float[] mono48k(Path file) {
        RuntimeData.Audio audio;
        try {
            audio = Wav.read(file);
        } catch (WavFormatException e) {
            throw new ElaraUserException(ExitCode.USAGE, e.getMessage(), e);
        }
        int channels = audio.channels();
        float[] in = audio.samples();
        float[] mono = new float[audio.frames()];
        for (int f = 0; f < mono.length; f++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += in[f * channels + c];
            }
            mono[f] = sum / channels;
        }
        return Resampler.resample(new RuntimeData.Audio(mono, audio.sampleRate(), 1), VoiceCodec.SAMPLE_RATE)
                .samples();
    }
}
