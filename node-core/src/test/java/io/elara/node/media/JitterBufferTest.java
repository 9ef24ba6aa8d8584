package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The receiver's jitter buffer under the loss and jitter of the target (5 % random loss, 30 ms jitter), in
 * virtual time: what plays, what FEC recovers, what is concealed, and how much delay it adds.
 */
class JitterBufferTest {
    private static final long MS = 1_000_000L;

    /** Frames of a voice-like signal, encoded with FEC on as a sender told of 5 % loss would. */
    private static List<byte[]> packets(int frames) {
        VoiceCodec encoder = VoiceCodec.encoder(24_000, false);
        encoder.lossPercent(5);
        float[] source = VoiceCodecTest.voiceLike(frames);
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        List<byte[]> out = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            System.arraycopy(source, f * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
            out.add(encoder.encode(frame));
        }
        return out;
    }

    private record Arrival(long atNs, VoicePacket packet) {}

    @Test
    void shouldPlayNinetyNinePercentUnderFivePercentLossAndThirtyMsJitterWithinEightyMsOfDelay() {
        int frames = 3_000; // one minute
        List<byte[]> opus = packets(frames);
        SplittableRandom random = new SplittableRandom(11);
        List<Arrival> arrivals = new ArrayList<>();
        long baseNs = 1_000 * MS;
        for (int i = 0; i < frames; i++) {
            if (random.nextDouble() < 0.05) {
                continue;
            }
            long jitter = random.nextLong(0, 30 * MS); // up to 30 ms extra on a 10 ms path
            arrivals.add(
                    new Arrival(baseNs + i * VoiceCodec.FRAME_NS + 10 * MS + jitter, new VoicePacket(i, opus.get(i))));
        }
        arrivals.sort(java.util.Comparator.comparingLong(Arrival::atNs));
        // The latency-first lane delivers each frame once as it arrives, reordered ones too (within its window).
        JitterBuffer buffer = new JitterBuffer();
        float[] out = new float[VoiceCodec.FRAME_SAMPLES];
        int next = 0;
        long played = 0;
        long firstPlayNs = -1;
        long maxDelayNs = 0;
        long nowNs = baseNs;
        while (played < frames) {
            while (next < arrivals.size() && arrivals.get(next).atNs() <= nowNs) {
                Arrival arrival = arrivals.get(next++);
                buffer.offer(arrival.packet(), arrival.atNs());
            }
            if (buffer.nextPlayNs() <= nowNs) {
                if (firstPlayNs < 0) {
                    firstPlayNs = nowNs;
                }
                buffer.play(out);
                played++;
            }
            maxDelayNs = Math.max(maxDelayNs, buffer.delayNs());
            nowNs += MS;
        }
        long good = buffer.received() + buffer.recovered();
        System.out.printf(
                java.util.Locale.ROOT,
                "%d frames: %d received, %d recovered by FEC, %d concealed, %d silent, %d late, %d dropped;"
                        + " delay %d ms (max %d), jitter %d ms%n",
                frames,
                buffer.received(),
                buffer.recovered(),
                buffer.concealed(),
                buffer.silent(),
                buffer.late(),
                buffer.dropped(),
                buffer.delayNs() / MS,
                maxDelayNs / MS,
                buffer.jitterNs() / MS);
        assertThat((double) good / frames).as("received or recovered").isGreaterThanOrEqualTo(0.99);
        assertThat(buffer.received() + buffer.recovered() + buffer.concealed() + buffer.silent())
                .isEqualTo(frames);
        assertThat(maxDelayNs).as("the delay added at the receiver").isLessThanOrEqualTo(80 * MS);
    }

    @Test
    void shouldConcealThenGoSilentWhenNothingArrivesAndNeverDecodeAFrameTwice() {
        List<byte[]> opus = packets(10);
        JitterBuffer buffer = new JitterBuffer();
        buffer.offer(new VoicePacket(0, opus.get(0)), 0);
        float[] out = new float[VoiceCodec.FRAME_SAMPLES];
        assertThat(buffer.play(out)).isEqualTo(JitterBuffer.Outcome.RECEIVED);
        for (int i = 0; i < JitterBuffer.CONCEALED_RUN_MAX; i++) {
            assertThat(buffer.play(out)).isEqualTo(JitterBuffer.Outcome.CONCEALED);
        }
        assertThat(buffer.play(out)).isEqualTo(JitterBuffer.Outcome.SILENCE);
        buffer.offer(new VoicePacket(3, opus.get(3)), 200 * MS);
        assertThat(buffer.late()).as("frame 3's time has passed").isEqualTo(1);
        buffer.offer(new VoicePacket(7, opus.get(7)), 210 * MS);
        assertThat(buffer.play(out)).isEqualTo(JitterBuffer.Outcome.RECEIVED);
    }
}
