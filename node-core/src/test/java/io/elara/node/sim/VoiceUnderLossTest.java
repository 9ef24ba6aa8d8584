package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.media.VoiceCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Voice between two protected node cores in the simulator, the impaired path: 20 ms one way plus a uniform 0-30
 * ms of jitter, 5 % random loss each way. A minute of voice-like Opus (FEC for 5 % loss) on the latency-first lane,
 * into the receiver's jitter buffer: at least 99 % of frames play as received or recovered by FEC, with at most 80 ms
 * of playout delay. Several seeds, each reproducible.
 */
class VoiceUnderLossTest {
    private static List<byte[]> minuteOfVoice() {
        VoiceCodec encoder = VoiceCodec.encoder(24_000, false);
        encoder.lossPercent(5);
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        List<byte[]> packets = new ArrayList<>();
        for (int f = 0; f < 3_000; f++) {
            for (int i = 0; i < VoiceCodec.FRAME_SAMPLES; i++) {
                double t = (f * VoiceCodec.FRAME_SAMPLES + i) / (double) VoiceCodec.SAMPLE_RATE;
                frame[i] = (float) (0.3 * Math.sin(2 * Math.PI * 3 * t) * Math.sin(2 * Math.PI * 200 * t));
            }
            packets.add(encoder.encode(frame));
        }
        return packets;
    }

    @Test
    void shouldPlayNinetyNinePercentThroughFivePercentLossAndThirtyMsOfJitter() {
        List<byte[]> packets = minuteOfVoice();
        LinkProfile path =
                new LinkProfile(TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(30), 0.05, 0, 0, 0);
        for (long seed = 1; seed <= 3; seed++) {
            LaneTransfer.VoiceResult result = new LaneTransfer(path, seed).voice(packets);
            double played = (double) (result.received() + result.recovered()) / result.sent();
            System.out.printf(
                    Locale.ROOT,
                    "seed %d: %d sent, %d received, %d recovered by FEC, %d concealed, %d late; %.2f %% played, delay"
                            + " up to %d ms%n",
                    seed,
                    result.sent(),
                    result.received(),
                    result.recovered(),
                    result.concealed(),
                    result.late(),
                    100 * played,
                    result.delayMaxNs() / 1_000_000);
            assertThat(played).as("seed " + seed).isGreaterThanOrEqualTo(0.99);
            assertThat(result.levels())
                    .as("seed %d: 5 %% loss that FEC repairs does not step the ladder down", seed)
                    .containsExactly("full");
            assertThat(result.delayMaxNs()).as("seed " + seed).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(80));
        }
    }

    @Test
    void shouldStepTheLadderDownFromTheReceiversReportsWhenAQuarterIsLost() {
        List<byte[]> packets = minuteOfVoice().subList(0, 1_000);
        LinkProfile path = new LinkProfile(TimeUnit.MILLISECONDS.toNanos(20), 0, 0.25, 0, 0, 0);
        LaneTransfer.VoiceResult result = new LaneTransfer(path, 7).voice(packets);
        System.out.println("25 % loss: levels " + result.levels() + ", " + result.degraded() + " frames held back");
        // Reports every second, two bad seconds a rung: text-only within about ten seconds of the first report.
        assertThat(result.levels())
                .containsExactly("full", "reduced-video", "keyframes-only", "low-voice", "text-only");
        assertThat(result.degraded())
                .as("voice frames the node refused at text-only")
                .isGreaterThan(0);
    }
}
