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
    void shouldPlaySilenceTheSenderLeftOutAsSilenceNotAsLoss() {
        // A talk spurt of 10 frames, the marker at 10, nothing for 40 frames (DTX), a spurt of 10 from 51 on.
        List<byte[]> opus = packets(61);
        JitterBuffer buffer = new JitterBuffer();
        List<VoicePacket> sent = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            sent.add(new VoicePacket(f, opus.get(f)));
        }
        sent.add(VoicePacket.silence(10));
        for (int f = 51; f < 60; f++) {
            sent.add(new VoicePacket(f, opus.get(f)));
        }
        sent.add(VoicePacket.silence(60)); // the stream's last frame, silent
        float[] out = new float[VoiceCodec.FRAME_SAMPLES];
        List<JitterBuffer.Outcome> played = new ArrayList<>();
        int next = 0;
        for (long nowNs = 0; played.size() < 61; nowNs += MS) {
            while (next < sent.size() && sent.get(next).index() * 20 * MS <= nowNs) {
                buffer.offer(sent.get(next++), nowNs);
            }
            if (buffer.nextPlayNs() <= nowNs) {
                played.add(buffer.play(out));
                if (played.size() > 10 && played.size() <= 51) {
                    assertThat(out)
                            .as("frame " + (played.size() - 1) + " is silence")
                            .containsOnly(0f);
                }
            }
        }
        assertThat(played.subList(0, 11)).containsOnly(JitterBuffer.Outcome.RECEIVED);
        assertThat(played.subList(11, 51)).containsOnly(JitterBuffer.Outcome.DTX);
        assertThat(played.subList(51, 61)).containsOnly(JitterBuffer.Outcome.RECEIVED);
        assertThat(buffer.dtx()).isEqualTo(40);
        assertThat(buffer.concealed()).isZero();
        assertThat(buffer.received()).isEqualTo(21);
        for (int i = 0; i < 50; i++) {
            assertThat(buffer.play(out)).isEqualTo(JitterBuffer.Outcome.DTX);
        }
        assertThat(buffer.dtx())
                .as("silence after the stream's end is no frame left out")
                .isEqualTo(40);

        // Without the marker (lost), the same gap is loss: concealed, then silence.
        JitterBuffer unmarked = new JitterBuffer();
        unmarked.offer(new VoicePacket(0, opus.get(0)), 0);
        unmarked.play(out);
        for (int i = 0; i < 20; i++) {
            unmarked.play(out);
        }
        assertThat(unmarked.concealed()).isEqualTo(JitterBuffer.CONCEALED_RUN_MAX);
        assertThat(unmarked.dtx()).isZero();
    }

    /** Plays {@code arrivals} (in time order) in 1 ms steps until {@code untilNs}; returns each play's time and outcome. */
    private record Play(long atNs, JitterBuffer.Outcome outcome, long index) {}

    private static List<Play> drive(JitterBuffer buffer, List<Arrival> arrivals, long untilNs, List<float[]> outs) {
        List<Play> plays = new ArrayList<>();
        int next = 0;
        for (long nowNs = 0; nowNs <= untilNs; nowNs += MS) {
            while (next < arrivals.size() && arrivals.get(next).atNs() <= nowNs) {
                buffer.offer(arrivals.get(next++).packet(), nowNs);
            }
            if (buffer.nextPlayNs() <= nowNs) {
                float[] out = new float[VoiceCodec.FRAME_SAMPLES];
                JitterBuffer.Outcome outcome = buffer.play(out);
                plays.add(new Play(nowNs, outcome, buffer.playedIndex()));
                outs.add(out);
            }
        }
        return plays;
    }

    private static List<Arrival> spurts(List<byte[]> opus, long secondSpurtShiftNs) {
        // Frames 0-9 with sound, the marker at 10, frames 51-60 with sound; the second spurt arrives shifted.
        List<Arrival> arrivals = new ArrayList<>();
        for (int f = 0; f <= 10; f++) {
            arrivals.add(
                    new Arrival(f * 20L * MS, f == 10 ? VoicePacket.silence(10) : new VoicePacket(f, opus.get(f))));
        }
        for (int f = 51; f <= 60; f++) {
            arrivals.add(new Arrival(f * 20L * MS + secondSpurtShiftNs, new VoicePacket(f, opus.get(f))));
        }
        return arrivals;
    }

    @Test
    void shouldShrinkOrStretchTheSilenceBetweenTalkSpurtsInsteadOfDroppingSound() {
        List<byte[]> opus = packets(61);
        for (long shiftMs : new long[] {-100, 0, 100}) {
            // The second spurt comes 100 ms early (the sender's clock runs fast, or the path got shorter), on time,
            // or 100 ms late (a path that got longer): its first frame plays the delay after it arrives, every frame of
            // sound plays, and the silence between takes up the difference.
            JitterBuffer buffer = new JitterBuffer();
            List<Play> plays = drive(buffer, spurts(opus, shiftMs * MS), 2_000 * MS, new ArrayList<>());
            Play firstOfSpurt = plays.stream()
                    .skip(11)
                    .filter(play -> play.outcome() == JitterBuffer.Outcome.RECEIVED)
                    .findFirst()
                    .orElseThrow();
            assertThat(firstOfSpurt.index())
                    .as("the first frame of sound after the silence")
                    .isEqualTo(51);
            long arrivedNs = (51 * 20 + shiftMs) * MS;
            assertThat(firstOfSpurt.atNs() - arrivedNs)
                    .as("shift " + shiftMs + " ms: frame 51 plays the delay after it arrives")
                    .isBetween(JitterBuffer.DELAY_MIN_NS - MS, JitterBuffer.DELAY_MIN_NS + 21 * MS);
            assertThat(buffer.received())
                    .as("shift " + shiftMs + " ms: every frame played")
                    .isEqualTo(21);
            assertThat(buffer.late()).isZero();
            assertThat(buffer.concealed())
                    .as("concealed only after the stream's end")
                    .isEqualTo(JitterBuffer.CONCEALED_RUN_MAX);
            assertThat(buffer.dtx()).as("frames 11 to 50 were left out").isEqualTo(40);
            // Early by five frames: four go, one frame of margin stays (a shrink is not undone by the next jitter).
            assertThat(buffer.shrunk()).as("shift " + shiftMs + " ms: shrunk").isEqualTo(shiftMs < 0 ? 4 : 0);
            assertThat(buffer.stretched())
                    .as("shift " + shiftMs + " ms: stretched")
                    .isEqualTo(shiftMs > 0 ? 5 : 0);
        }
    }

    @Test
    void shouldShrinkAnOverfullBufferByQuietFramesOnly() {
        // Six seconds without DTX: sound, 1.6 s of digital silence, sound. The first ten frames arrive at once (the
        // sender had been running 180 ms before the path opened): the buffer then holds more than its delay needs,
        // and must shrink; it may do so by quiet frames only, so every frame of sound plays.
        int frames = 300;
        VoiceCodec encoder = VoiceCodec.encoder(24_000, false);
        float[] voice = VoiceCodecTest.voiceLike(frames);
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        List<Arrival> arrivals = new ArrayList<>();
        VoiceCodec reference = VoiceCodec.decoder();
        int loud = 0;
        float[] decoded = new float[VoiceCodec.FRAME_SAMPLES];
        for (int f = 0; f < frames; f++) {
            if (f >= 120 && f < 200) {
                java.util.Arrays.fill(frame, 0f);
            } else {
                System.arraycopy(voice, f * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
            }
            byte[] opus = encoder.encode(frame);
            reference.decode(opus, false, decoded);
            loud += rms(decoded) > 0.05 ? 1 : 0;
            arrivals.add(new Arrival(Math.max(0, f - 9) * 20L * MS, new VoicePacket(f, opus)));
        }
        JitterBuffer buffer = new JitterBuffer();
        List<float[]> outs = new ArrayList<>();
        List<Play> plays = drive(buffer, arrivals, 7_000 * MS, outs);
        assertThat(buffer.shrunk()).as("quiet frames left unplayed").isBetween(1L, 6L);
        assertThat(buffer.dropped()).as("frames of sound dropped").isZero();
        long loudPlayed = 0;
        for (int i = 0; i < plays.size(); i++) {
            boolean arrived = plays.get(i).outcome() == JitterBuffer.Outcome.RECEIVED;
            loudPlayed += arrived && rms(outs.get(i)) > 0.05 ? 1 : 0;
        }
        assertThat(loudPlayed).as("frames of sound played").isEqualTo(loud);
    }

    private static double rms(float[] frame) {
        double sum = 0;
        for (float sample : frame) {
            sum += sample * sample;
        }
        return Math.sqrt(sum / frame.length);
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
