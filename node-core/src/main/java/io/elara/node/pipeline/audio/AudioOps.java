package io.elara.node.pipeline.audio;

import io.elara.node.pipeline.RuntimeData;
import java.util.List;

/** Stateless audio operations on whole buffers. */
public final class AudioOps {
    private AudioOps() {}

    /**
     * {@code frames} frames of a mono sine at {@code frequencyHz}, starting at frame {@code startFrame} of the tone (so
     * consecutive calls continue its phase).
     */
    public static RuntimeData.Audio tone(
            double frequencyHz, double amplitude, int sampleRate, int frames, long startFrame) {
        float[] samples = new float[frames];
        double step = 2 * Math.PI * frequencyHz / sampleRate;
        for (int i = 0; i < frames; i++) {
            samples[i] = (float) (amplitude * Math.sin(step * (startFrame + i)));
        }
        return new RuntimeData.Audio(samples, sampleRate, 1);
    }

    /** {@code audio} scaled by {@code db} decibels, clipped to full scale. */
    public static RuntimeData.Audio gain(RuntimeData.Audio audio, double db) {
        float factor = (float) Math.pow(10, db / 20);
        float[] in = audio.samples();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = clip(in[i] * factor);
        }
        return new RuntimeData.Audio(out, audio.sampleRate(), audio.channels());
    }

    /**
     * The sum of {@code streams}, clipped to full scale; shorter streams count as silence at their end.
     *
     * @throws IllegalArgumentException when rates or channel counts differ
     */
    public static RuntimeData.Audio mix(List<RuntimeData.Audio> streams) {
        RuntimeData.Audio first = streams.get(0);
        int length = 0;
        for (RuntimeData.Audio stream : streams) {
            if (stream.sampleRate() != first.sampleRate() || stream.channels() != first.channels()) {
                throw new IllegalArgumentException(
                        "cannot mix " + stream + " with " + first + ": resample first so rates and channels match");
            }
            length = Math.max(length, stream.samples().length);
        }
        float[] out = new float[length];
        for (RuntimeData.Audio stream : streams) {
            float[] samples = stream.samples();
            for (int i = 0; i < samples.length; i++) {
                out[i] += samples[i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = clip(out[i]);
        }
        return new RuntimeData.Audio(out, first.sampleRate(), first.channels());
    }

    /** Root-mean-square level of {@code audio} in dB relative to full scale; -infinity for silence. */
    public static double rmsDb(RuntimeData.Audio audio) {
        float[] samples = audio.samples();
        if (samples.length == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (float sample : samples) {
            sum += (double) sample * sample;
        }
        return 10 * Math.log10(sum / samples.length);
    }

    static float clip(float sample) {
        return Math.max(-1f, Math.min(1f, sample));
    }
}
