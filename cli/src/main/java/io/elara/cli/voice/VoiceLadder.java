package io.elara.cli.voice;

import io.elara.node.media.DegradationLevel;
import io.elara.node.media.VoiceCodec;

/**
 * How a voice sender follows the degradation level the node reports ({@link MediaLevelReader}): at {@code low-voice}
 * and below it speaks at a lower bitrate with FEC for heavy loss, and at {@code text-only} it sends nothing while the
 * encoder still runs, so that its state follows the sound. {@code elara voice send} and {@code elara chat} both speak
 * through this, so they follow the ladder alike.
 */
public final class VoiceLadder {
    private VoiceLadder() {}

    /** The bitrate at the {@code low-voice} rung and below, at most. */
    public static final int LOW_VOICE_BITRATE = 16_000;

    /** The loss FEC protects against at the {@code low-voice} rung, at least. */
    public static final int LOW_VOICE_FEC_PERCENT = 20;

    /** Frames between two ticks of a sender that sends nothing, so the node can say when the level is back up. */
    public static final int TICK_EVERY_FRAMES = 25;

    /** Whether {@code level} has the sender speak lower ({@code low-voice} and below). */
    public static boolean lowered(DegradationLevel level) {
        return level.rung() >= DegradationLevel.LOW_VOICE.rung();
    }

    /**
     * Sets {@code encoder}'s bitrate and FEC for {@code level}, from the {@code bitrate} and {@code fecPercent} the
     * sender chose for a full link.
     */
    public static void follow(VoiceCodec encoder, DegradationLevel level, int bitrate, int fecPercent) {
        boolean low = lowered(level);
        encoder.bitrate(low ? Math.min(bitrate, LOW_VOICE_BITRATE) : bitrate);
        encoder.lossPercent(low ? Math.max(fecPercent, LOW_VOICE_FEC_PERCENT) : fecPercent);
    }

    /**
     * Encodes the first second of {@code samples} with a throwaway encoder: a cold JVM takes far longer than 20 ms for
     * its first frames, which would leave the real-time schedule behind and send the stream's start in a burst.
     */
    public static void warmUp(int bitrate, float[] samples) {
        VoiceCodec warm = VoiceCodec.encoder(bitrate, false);
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        for (int f = 0; f < 50 && (f + 1) * VoiceCodec.FRAME_SAMPLES <= samples.length; f++) {
            System.arraycopy(samples, f * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
            warm.encode(frame);
        }
    }
}
