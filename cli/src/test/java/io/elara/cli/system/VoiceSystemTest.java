package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.media.VoiceCodec;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.Resampler;
import io.elara.node.pipeline.audio.Wav;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Voice between two real nodes on loopback, no loss: speech made by espeak-ng goes through {@code elara voice send}
 * (Opus, 20 ms frames, the latency-first lane) and comes back out of {@code elara voice record} with the same length
 * (within a frame) and the same waveform (normalized cross-correlation, after alignment, at least 0.9). A file that is
 * not a WAV is one line and exit 2.
 */
class VoiceSystemTest extends SystemTestSupport {
    @BeforeAll
    static void tools() {
        requireTools("espeak-ng");
    }

    private NodeProcess run(String name, Path config) {
        NodeProcess run = elara(name + " run", "run", "-c", config.toString());
        run.awaitStderr(name + " ready on", START);
        return run;
    }

    /**
     * The normalized cross-correlation of {@code heard} against {@code source}, half a second at a time, each half second
     * aligned on its own within three frames of the one before it (the first within two frames of none), weighted by
     * the source's energy. Alignment piece by piece, because the receiver's play may shrink or stretch the silence
     * between talk spurts: one frame less in a pause shifts all that follows, which one lag for the whole recording
     * would count as a poor match. Returns the score and the smallest and largest lag.
     */
    private static double[] alignedCorrelation(float[] source, float[] heard) {
        int window = VoiceCodec.SAMPLE_RATE / 2;
        int lag = 0;
        int reach = 2 * VoiceCodec.FRAME_SAMPLES;
        double weighted = 0;
        double energy = 0;
        int minLag = Integer.MAX_VALUE;
        int maxLag = Integer.MIN_VALUE;
        for (int from = 0; from + window <= source.length; from += window) {
            double windowEnergy = 0;
            for (int i = from; i < from + window; i++) {
                windowEnergy += source[i] * source[i];
            }
            if (windowEnergy < 1e-3) {
                continue; // silence: nothing to match
            }
            double best = -1;
            int bestLag = lag;
            for (int l = lag - reach; l <= lag + reach; l++) {
                double ab = 0;
                double bb = 0;
                for (int i = from; i < from + window; i++) {
                    float b = i + l >= 0 && i + l < heard.length ? heard[i + l] : 0f;
                    ab += source[i] * b;
                    bb += b * b;
                }
                double correlation = bb > 0 ? ab / Math.sqrt(windowEnergy * bb) : -1;
                if (correlation > best) {
                    best = correlation;
                    bestLag = l;
                }
            }
            lag = bestLag;
            reach = 3 * VoiceCodec.FRAME_SAMPLES;
            minLag = Math.min(minLag, lag);
            maxLag = Math.max(maxLag, lag);
            weighted += windowEnergy * best;
            energy += windowEnergy;
        }
        return new double[] {energy > 0 ? weighted / energy : -1, minLag, maxLag};
    }

    @Test
    void shouldPlayNinetyNinePercentOfFramesThroughFivePercentLossAndThirtyMsOfJitter() throws Exception {
        // Goal: the impaired-path criterion with real processes. Method: alice and bob, configured peers in
        // session lobby, reach each other only through a userspace relay that drops 5 % of datagrams each way at
        // random and holds each back 0 to 30 ms (so some overtake others); alice speaks 20 s of speech with FEC for
        // 5 % loss; bob's recorder reports what it received, recovered, concealed, and its playout delay.
        Path speech = speech(
                "speech-long.wav",
                "This is a longer test of voice through a path that loses and delays packets. The jitter buffer"
                        + " waits a little, forward error correction brings back most lost frames, and the decoder"
                        + " conceals the rest. One, two, three, four, five, six, seven, eight, nine, ten.");
        int alicePort = io.elara.testing.net.FreePorts.udp();
        int bobPort = io.elara.testing.net.FreePorts.udp();
        try (io.elara.cli.bench.LossyUdpRelay relay = io.elara.cli.bench.LossyUdpRelay.start(
                0.05, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(30), 7)) {
            relay.connect(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), alicePort),
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), bobPort));
            Path alice = config("alice", alicePort, "bob", relay.senderFacing().getPort());
            Path bob = config("bob", bobPort, "alice", relay.receiverFacing().getPort());
            try (NodeProcess aliceRun = run("alice", alice);
                    NodeProcess bobRun = run("bob", bob)) {
                // Media does not dial: a message first sets up the secure session (through the lossy relay).
                finished("hello", 0, "send", "-c", alice.toString(), "--session", "lobby", "hello");
                Path recorded = directory.resolve("recorded-lossy.wav");
                NodeProcess record = elara(
                        "bob records",
                        "voice",
                        "record",
                        "lobby",
                        recorded.toString(),
                        "--duration",
                        "60s",
                        "-c",
                        bob.toString());
                Thread.sleep(2_000);
                NodeProcess send = finished(
                        "alice speaks",
                        0,
                        "voice",
                        "send",
                        "lobby",
                        speech.toString(),
                        "--fec",
                        "5",
                        "-c",
                        alice.toString());
                assertThat(record.waitFor(EXIT)).as(record.describe()).isZero();
                System.out.println(send.stdout() + record.stdout() + "relay: " + relay.forwarded() + " forwarded, "
                        + relay.dropped() + " dropped");
                int sent = Integer.parseInt(
                        send.awaitStdout("sent (\\d+) frames", START).group(1));
                java.util.regex.Matcher stats = record.awaitStdout(
                        "alice: (\\d+) received, (\\d+) recovered by FEC, (\\d+) concealed, (\\d+) late,"
                                + " (\\d+) dropped; playout delay (\\d+) ms",
                        START);
                long received = Long.parseLong(stats.group(1));
                long recovered = Long.parseLong(stats.group(2));
                assertThat((double) (received + recovered) / sent)
                        .as("frames played as received or recovered by FEC, of " + sent)
                        .isGreaterThanOrEqualTo(0.99);
                assertThat(Long.parseLong(stats.group(6)))
                        .as("playout delay, ms")
                        .isLessThanOrEqualTo(80);
                assertThat(relay.dropped()).as("the relay did drop").isPositive();
                assertThat(aliceRun.isAlive() && bobRun.isAlive()).isTrue();
            }
        }
    }

    /** The power of {@code samples} at {@code hz} (Goertzel), per sample. */
    private static double power(float[] samples, int from, int to, double hz) {
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / VoiceCodec.SAMPLE_RATE);
        double previous = 0;
        double beforePrevious = 0;
        for (int i = from; i < to; i++) {
            double current = samples[i] + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }
        double power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
        return power / ((double) (to - from) * (to - from));
    }

    @Test
    void shouldMixThreeSpeakersIntoOneRecording() throws Exception {
        // Goal: three members speak at once; the fourth records all three, mixed. Method: alice, carol and dave each
        // send a tone (300, 500, 700 Hz) for 4 s at the same time; in the middle of bob's recording each tone carries
        // far more power than a frequency nobody sent (1,100 Hz), and bob's recorder lists three speakers.
        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        Path carol = bareConfig("carol");
        Path dave = bareConfig("dave");
        java.util.List<NodeProcess> runs = new java.util.ArrayList<>();
        try {
            for (Path config : java.util.List.of(alice, bob, carol, dave)) {
                String name = config.getFileName().toString().replace(".yaml", "");
                runs.add(run(name, config));
            }
            finished("create", 0, "session", "create", "team", "-c", alice.toString());
            for (Path joiner : java.util.List.of(bob, carol, dave)) {
                String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                        .stdout()
                        .strip();
                finished("join", 0, "join", token, "-c", joiner.toString());
            }
            io.elara.testing.Await.until(
                    () -> {
                        com.fasterxml.jackson.databind.JsonNode team = sessionNamed(bob, "team");
                        int connected = 0;
                        for (com.fasterxml.jackson.databind.JsonNode member : team.path("members")) {
                            connected += member.path("connected").asBoolean() ? 1 : 0;
                        }
                        return connected == 4;
                    },
                    java.time.Duration.ofSeconds(30),
                    "bob connected to everyone");
            Path recorded = directory.resolve("mixed.wav");
            NodeProcess record = elara(
                    "bob records",
                    "voice",
                    "record",
                    "team",
                    recorded.toString(),
                    "--duration",
                    "30s",
                    "-c",
                    bob.toString());
            Thread.sleep(2_000);
            java.util.List<NodeProcess> senders = new java.util.ArrayList<>();
            String[] tones = {"300", "500", "700"};
            Path[] speakers = {alice, carol, dave};
            for (int i = 0; i < 3; i++) {
                senders.add(elara(
                        "speaker " + i,
                        "voice",
                        "send",
                        "team",
                        "--tone",
                        tones[i],
                        "--seconds",
                        "4",
                        "-c",
                        speakers[i].toString()));
            }
            for (NodeProcess sender : senders) {
                assertThat(sender.waitFor(EXIT)).as(sender.describe()).isZero();
            }
            assertThat(record.waitFor(EXIT)).as(record.describe()).isZero();
            System.out.println(record.stdout());
            assertThat(record.stdout()).contains("  alice: ", "  carol: ", "  dave: ");
            float[] samples = Wav.read(recorded).samples();
            int middle = samples.length / 2;
            int from = middle - VoiceCodec.SAMPLE_RATE / 2;
            int to = middle + VoiceCodec.SAMPLE_RATE / 2;
            double silence = power(samples, from, to, 1_100);
            for (String tone : tones) {
                double heard = power(samples, from, to, Double.parseDouble(tone));
                System.out.printf(Locale.ROOT, "%s Hz: %.3g (1100 Hz: %.3g)%n", tone, heard, silence);
                assertThat(heard).as(tone + " Hz in the mix").isGreaterThan(100 * silence);
            }
        } finally {
            for (NodeProcess run : runs) {
                run.close();
            }
        }
    }

    private Path speech(String name, String text) throws Exception {
        Path speech = directory.resolve(name);
        Process espeak = new ProcessBuilder("espeak-ng", "-w", speech.toString(), text)
                .redirectErrorStream(true)
                .start();
        assertThat(espeak.waitFor()).isZero();
        return speech;
    }

    @Test
    void shouldRecordBackWhatWasSpokenWithItsLengthAndItsWaveform() throws Exception {
        Path speech = directory.resolve("speech.wav");
        Process espeak = new ProcessBuilder(
                        "espeak-ng",
                        "-w",
                        speech.toString(),
                        "Elara sends voice over the latency first lane. One, two, three, four, five.")
                .redirectErrorStream(true)
                .start();
        assertThat(espeak.waitFor()).isZero();

        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        try (NodeProcess aliceRun = run("alice", alice);
                NodeProcess bobRun = run("bob", bob)) {
            finished("create", 0, "session", "create", "team", "-c", alice.toString());
            String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("bob joins", 0, "join", token, "-c", bob.toString());

            Path recorded = directory.resolve("recorded.wav");
            NodeProcess record = elara(
                    "bob records",
                    "voice",
                    "record",
                    "team",
                    recorded.toString(),
                    "--duration",
                    "30s",
                    "-c",
                    bob.toString());
            Thread.sleep(2_000); // the recorder listens before anything is sent
            NodeProcess send = finished(
                    "alice speaks",
                    0,
                    "voice",
                    "send",
                    "team",
                    speech.toString(),
                    "--bitrate",
                    "32000",
                    "-c",
                    alice.toString());
            assertThat(send.stdout()).containsPattern("sent \\d+ frames \\([0-9.]+ s of speech.wav\\) to bob");
            assertThat(record.waitFor(EXIT)).as(record.describe()).isZero();
            System.out.println(send.stdout() + record.stdout());
            // DTX: the pauses between espeak's words are left out, and bob plays them as silence, not as loss.
            long leftOut = Long.parseLong(send.awaitStdout("DTX: (\\d+) frames of silence left out", START)
                    .group(1));
            java.util.regex.Matcher heardStats = record.awaitStdout(
                    "alice: \\d+ received, \\d+ recovered by FEC, (\\d+) concealed, .*; (\\d+) frames of silence"
                            + " left out \\(DTX\\)",
                    START);
            assertThat(leftOut).as("frames of silence alice left out").isPositive();
            assertThat(Long.parseLong(heardStats.group(2)))
                    .as("bob played each left-out frame as silence")
                    .isEqualTo(leftOut);
            assertThat(Long.parseLong(heardStats.group(1)))
                    .as("concealed on a clean path")
                    .isZero();

            float[] source =
                    Resampler.resample(Wav.read(speech), VoiceCodec.SAMPLE_RATE).samples();
            RuntimeData.Audio heard = Wav.read(recorded);
            assertThat(heard.sampleRate()).isEqualTo(VoiceCodec.SAMPLE_RATE);
            int sentFrames = (source.length + VoiceCodec.FRAME_SAMPLES - 1) / VoiceCodec.FRAME_SAMPLES;
            assertThat(heard.frames())
                    .as("the recording's length, within one frame of what was sent")
                    .isBetween(
                            (sentFrames - 1) * VoiceCodec.FRAME_SAMPLES, (sentFrames + 1) * VoiceCodec.FRAME_SAMPLES);
            double[] match = alignedCorrelation(source, heard.samples());
            System.out.printf(
                    Locale.ROOT,
                    "source %d samples, recorded %d; normalized cross-correlation %.3f, half seconds aligned at lags"
                            + " of %d to %d samples%n",
                    source.length,
                    heard.frames(),
                    match[0],
                    (int) match[1],
                    (int) match[2]);
            assertThat(match[0])
                    .as("normalized cross-correlation after alignment")
                    .isGreaterThanOrEqualTo(0.9);

            Path notWav = directory.resolve("notes.wav");
            Files.writeString(notWav, "these are words, not sound\n");
            NodeProcess refused =
                    finished("not a wav", 2, "voice", "send", "team", notWav.toString(), "-c", alice.toString());
            assertThat(refused.stderr().strip())
                    .startsWith("elara: ")
                    .doesNotContain("\n")
                    .contains("notes.wav");
            assertThat(aliceRun.isAlive()).isTrue();
            assertThat(bobRun.isAlive()).isTrue();
        }
    }
}
