package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Opus through Concentus: what goes in comes out alike, at every rung of the ladder, and bad packets are refused. */
class VoiceCodecTest {
    /** A voice-like test signal: a 180 Hz fundamental with harmonics, its loudness moving at 3 Hz. */
    static float[] voiceLike(int frames) {
        float[] out = new float[frames * VoiceCodec.FRAME_SAMPLES];
        for (int i = 0; i < out.length; i++) {
            double t = i / (double) VoiceCodec.SAMPLE_RATE;
            double envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 3 * t);
            double tone = 0.5 * Math.sin(2 * Math.PI * 180 * t)
                    + 0.25 * Math.sin(2 * Math.PI * 360 * t)
                    + 0.12 * Math.sin(2 * Math.PI * 540 * t)
                    + 0.06 * Math.sin(2 * Math.PI * 1260 * t);
            out[i] = (float) (0.6 * envelope * tone);
        }
        return out;
    }

    /** The largest normalized cross-correlation of {@code b} against {@code a} over lags 0 to {@code maxLag}. */
    static double bestCorrelation(float[] a, float[] b, int maxLag) {
        double best = -1;
        for (int lag = 0; lag <= maxLag; lag++) {
            double ab = 0;
            double aa = 0;
            double bb = 0;
            for (int i = 0; i + lag < b.length && i < a.length; i++) {
                ab += a[i] * b[i + lag];
                aa += a[i] * a[i];
                bb += b[i + lag] * b[i + lag];
            }
            if (aa > 0 && bb > 0) {
                best = Math.max(best, ab / Math.sqrt(aa * bb));
            }
        }
        return best;
    }

    private static float[] roundTrip(float[] source, int bitrate) {
        VoiceCodec encoder = VoiceCodec.encoder(bitrate, false);
        VoiceCodec decoder = VoiceCodec.decoder();
        int frames = source.length / VoiceCodec.FRAME_SAMPLES;
        float[] out = new float[source.length];
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        float[] decoded = new float[VoiceCodec.FRAME_SAMPLES];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(source, f * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
            byte[] packet = encoder.encode(frame);
            assertThat(packet.length).as("VBR around the rate").isBetween(3, 2 * bitrate / 8 / 50);
            assertThat(decoder.decode(packet, false, decoded)).isTrue();
            System.arraycopy(decoded, 0, out, f * VoiceCodec.FRAME_SAMPLES, VoiceCodec.FRAME_SAMPLES);
        }
        return out;
    }

    @Test
    void shouldGiveBackWhatWentInAtEveryRungOfTheLadder() {
        float[] source = voiceLike(100);
        for (int bitrate : VoiceCodec.LADDER) {
            double correlation = bestCorrelation(source, roundTrip(source, bitrate), 1_000);
            assertThat(correlation).as(bitrate + " bit/s").isGreaterThan(bitrate >= 16_000 ? 0.9 : 0.8);
        }
    }

    @Test
    void shouldRecoverALostFrameFromTheNextOnesFecWhenLossIsReported() {
        VoiceCodec encoder = VoiceCodec.encoder(24_000, false);
        encoder.lossPercent(10);
        float[] source = voiceLike(20);
        byte[][] packets = new byte[20][];
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        for (int f = 0; f < 20; f++) {
            System.arraycopy(source, f * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
            packets[f] = encoder.encode(frame);
        }
        VoiceCodec decoder = VoiceCodec.decoder();
        float[] out = new float[VoiceCodec.FRAME_SAMPLES];
        for (int f = 0; f < 10; f++) {
            decoder.decode(packets[f], false, out);
        }
        // Frame 10 is lost: frame 11's FEC carries it.
        assertThat(decoder.decode(packets[11], true, out)).isTrue();
        double energy = 0;
        for (float sample : out) {
            energy += sample * sample;
        }
        assertThat(energy).as("the recovered frame is not silence").isGreaterThan(1.0);
    }

    @Test
    void shouldLeaveSilenceOutWithDtxAtEveryRungAndSendSpeechWhole() {
        // One second of speech-like sound, four seconds of digital silence, one second of sound again: with DTX the
        // encoder sends the sound, keeps sending for a short hangover, then leaves silence out but for a comfort-noise
        // update every 400 ms; the sender's Dtx gate adds one silence marker per silent spell.
        float[] voice = voiceLike(50);
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        for (int bitrate : VoiceCodec.LADDER) {
            VoiceCodec encoder = VoiceCodec.encoder(bitrate, true);
            Dtx gate = new Dtx();
            int sentInSilence = 0;
            int markers = 0;
            for (int f = 0; f < 300; f++) {
                boolean sound = f < 50 || f >= 250;
                if (sound) {
                    System.arraycopy(voice, (f % 50) * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
                } else {
                    java.util.Arrays.fill(frame, 0f);
                }
                byte[] opus = encoder.encode(frame);
                if (sound) {
                    assertThat(opus)
                            .as(bitrate + " bit/s, frame " + f + " has sound")
                            .isNotEmpty();
                }
                VoicePacket packet = gate.packet(f, opus, f == 299);
                if (!sound && packet != null) {
                    sentInSilence++;
                    markers += packet.silent() ? 1 : 0;
                }
            }
            // 200 frames of silence: a hangover of about ten, then a comfort-noise update and a marker per 400 ms.
            assertThat(sentInSilence)
                    .as(bitrate + " bit/s: packets sent in 4 s of silence")
                    .isBetween(10, 40);
            assertThat(markers).as(bitrate + " bit/s: silence markers").isBetween(1, 12);
            assertThat(gate.leftOut()).isEqualTo(200 - sentInSilence);
        }
        VoiceCodec plain = VoiceCodec.encoder(24_000, false);
        java.util.Arrays.fill(frame, 0f);
        for (int f = 0; f < 50; f++) {
            assertThat(plain.encode(frame)).as("without DTX silence is sent").isNotEmpty();
        }
    }

    @Test
    void shouldRefuseGarbageWithoutThrowingAndAFrameOfTheWrongSize() {
        VoiceCodec decoder = VoiceCodec.decoder();
        float[] out = new float[VoiceCodec.FRAME_SAMPLES];
        java.util.Arrays.fill(out, 0.5f);
        byte[] garbage = new byte[40];
        java.util.Arrays.fill(garbage, (byte) 0xFF);
        decoder.decode(garbage, false, out); // false or noise, but never an exception
        decoder.conceal(out);
        assertThatThrownBy(() -> VoiceCodec.encoder(24_000, false).encode(new float[100]))
                .hasMessageContaining("960 samples");
        assertThatThrownBy(() -> VoiceCodec.encoder(12_345, false)).hasMessageContaining("ladder");
    }
}
