package io.elara.cli.voice;

import io.elara.node.media.VoiceCodec;
import javax.sound.sampled.AudioFormat;

/** The sound devices' format: 48 kHz mono, 16-bit signed little-endian, converted to and from the codec's floats. */
final class Pcm16 {
    private Pcm16() {}

    static final AudioFormat FORMAT = new AudioFormat(VoiceCodec.SAMPLE_RATE, 16, 1, true, false);

    /** One 20 ms frame, in bytes. */
    static final int FRAME_BYTES = VoiceCodec.FRAME_SAMPLES * 2;

    /** The device buffer asked for, in frames (100 ms). */
    static final int DEVICE_BUFFER_FRAMES = 5;

    /** Frames a microphone may have waiting before the oldest are skipped (60 ms). */
    static final int BACKLOG_FRAMES_MAX = 3;

    static void toFloats(byte[] bytes, float[] frame) {
        for (int i = 0; i < frame.length; i++) {
            short sample = (short) ((bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] << 8));
            frame[i] = sample / 32768f;
        }
    }

    static void toBytes(float[] frame, byte[] bytes) {
        for (int i = 0; i < frame.length; i++) {
            int sample = Math.round(Math.max(-1f, Math.min(1f, frame[i])) * 32767f);
            bytes[2 * i] = (byte) sample;
            bytes[2 * i + 1] = (byte) (sample >> 8);
        }
    }
}
