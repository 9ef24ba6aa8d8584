package io.elara.node.pipeline;

import java.util.Arrays;

/** One item of data flowing between pipeline nodes; immutable. */
public interface RuntimeData {
    DataKind kind();

    /**
     * PCM audio: interleaved samples in [-1, 1], {@code channels} per frame, at {@code sampleRate} frames per second.
     * The array is not copied: whoever creates an Audio hands over the array and never changes it again.
     */
    final class Audio implements RuntimeData {
        private final float[] samples;
        private final int sampleRate;
        private final int channels;

        public Audio(float[] samples, int sampleRate, int channels) {
            if (sampleRate <= 0 || channels <= 0 || samples.length % channels != 0) {
                throw new IllegalArgumentException("audio needs a positive rate and whole frames: rate " + sampleRate
                        + ", channels " + channels + ", samples " + samples.length);
            }
            this.samples = samples;
            this.sampleRate = sampleRate;
            this.channels = channels;
        }

        @Override
        public DataKind kind() {
            return DataKind.AUDIO;
        }

        /** The samples; callers must not modify the array. */
        public float[] samples() {
            return samples;
        }

        public int sampleRate() {
            return sampleRate;
        }

        public int channels() {
            return channels;
        }

        public int frames() {
            return samples.length / channels;
        }

        /** Duration in nanoseconds. */
        public long durationNs() {
            return frames() * 1_000_000_000L / sampleRate;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Audio that
                    && sampleRate == that.sampleRate
                    && channels == that.channels
                    && Arrays.equals(samples, that.samples);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * sampleRate + channels) + Arrays.hashCode(samples);
        }

        @Override
        public String toString() {
            return "Audio[" + frames() + " frames, " + sampleRate + " Hz, " + channels + " ch]";
        }
    }

    /** Text. */
    record Text(String text) implements RuntimeData {
        @Override
        public DataKind kind() {
            return DataKind.TEXT;
        }
    }

    /** Bytes; the array is handed over and never changed again. */
    final class Binary implements RuntimeData {
        private final byte[] bytes;

        public Binary(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public DataKind kind() {
            return DataKind.BINARY;
        }

        /** The bytes; callers must not modify the array. */
        public byte[] bytes() {
            return bytes;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }

    /** A picture in 0xAARRGGBB pixels, row by row; the array is handed over and never changed again. */
    final class Image implements RuntimeData {
        private final int width;
        private final int height;
        private final int[] pixels;

        public Image(int width, int height, int[] pixels) {
            if (width <= 0 || height <= 0 || pixels.length != width * height) {
                throw new IllegalArgumentException(
                        "an image of " + width + "x" + height + " needs " + width * height + " pixels");
            }
            this.width = width;
            this.height = height;
            this.pixels = pixels;
        }

        @Override
        public DataKind kind() {
            return DataKind.IMAGE;
        }

        public int width() {
            return width;
        }

        public int height() {
            return height;
        }

        /** The pixels; callers must not modify the array. */
        public int[] pixels() {
            return pixels;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Image that
                    && width == that.width
                    && height == that.height
                    && Arrays.equals(pixels, that.pixels);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * width + height) + Arrays.hashCode(pixels);
        }

        @Override
        public String toString() {
            return "Image[" + width + "x" + height + "]";
        }
    }
}
