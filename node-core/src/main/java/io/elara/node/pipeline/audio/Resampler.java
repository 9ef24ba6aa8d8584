package io.elara.node.pipeline.audio;

import io.elara.node.pipeline.RuntimeData;

/**
 * Changes the sample rate by windowed-sinc interpolation (Blackman window, {@link #ZERO_CROSSINGS} zero crossings each
 * side), with the cut-off at the lower of the two Nyquist frequencies so that downsampling does not alias. Works on
 * whole buffers; each channel separately.
 */
public final class Resampler {
    /** Half-width of the interpolation kernel, in zero crossings of the sinc. */
    public static final int ZERO_CROSSINGS = 16;

    private Resampler() {}

    public static RuntimeData.Audio resample(RuntimeData.Audio audio, int targetRate) {
        int sourceRate = audio.sampleRate();
        if (sourceRate == targetRate) {
            return audio;
        }
        int channels = audio.channels();
        int inFrames = audio.frames();
        int outFrames = (int) ((long) inFrames * targetRate / sourceRate);
        float[] in = audio.samples();
        float[] out = new float[outFrames * channels];
        double ratio = (double) targetRate / sourceRate;
        double cutoff = Math.min(1.0, ratio); // relative to the source Nyquist frequency
        double halfWidth = ZERO_CROSSINGS / cutoff; // in source frames
        for (int frame = 0; frame < outFrames; frame++) {
            double position = frame / ratio;
            int first = (int) Math.ceil(position - halfWidth);
            int last = (int) Math.floor(position + halfWidth);
            for (int channel = 0; channel < channels; channel++) {
                double sum = 0;
                double weights = 0;
                for (int source = Math.max(0, first); source <= Math.min(inFrames - 1, last); source++) {
                    double distance = source - position;
                    double weight = cutoff * sinc(cutoff * distance) * blackman(distance / halfWidth);
                    sum += weight * in[source * channels + channel];
                    weights += weight;
                }
                // Normalising by the weights keeps the level right at the buffer's edges, where the kernel is cut.
                out[frame * channels + channel] = weights == 0 ? 0f : AudioOps.clip((float) (sum / weights));
            }
        }
        return new RuntimeData.Audio(out, targetRate, channels);
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double pix = Math.PI * x;
        return Math.sin(pix) / pix;
    }

    /** Blackman window over [-1, 1]. */
    private static double blackman(double x) {
        if (x <= -1 || x >= 1) {
            return 0;
        }
        double t = (x + 1) / 2;
        return 0.42 - 0.5 * Math.cos(2 * Math.PI * t) + 0.08 * Math.cos(4 * Math.PI * t);
    }
}
