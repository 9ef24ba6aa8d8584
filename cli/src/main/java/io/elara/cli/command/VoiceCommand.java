package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.voice.MediaLevelReader;
import io.elara.cli.voice.VoiceLadder;
import io.elara.cli.voice.WavSamples;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import io.elara.node.media.DegradationLevel;
import io.elara.node.media.Dtx;
import io.elara.node.media.JitterBuffer;
import io.elara.node.media.VoiceCodec;
import io.elara.node.media.VoicePacket;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.Wav;
import io.elara.node.sim.SimDurations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara voice send|record}: Opus voice over the latency-first lane, through the running node. */
@Command(
        name = "voice",
        description = "Send a WAV file as voice to a session, or record the voice a session sends into a WAV file.",
        subcommands = {VoiceCommand.Send.class, VoiceCommand.RecordVoice.class})
public final class VoiceCommand {
    private VoiceCommand() {}

    /** {@code elara voice send SESSION FILE.wav}. */
    @Command(
            name = "send",
            description = {
                "Send FILE.wav (any rate and channel count, 16/24/32-bit PCM or 32-bit float; resampled to 48 kHz"
                        + " mono) as Opus voice, 20 ms a frame in real time, to every connected member of SESSION.",
                "Frames go on the latency-first lane: never repeated, dropped when late."
            },
            footer = {"", "Examples:", "  elara voice send team hello.wav -c alice.yaml"})
    public static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "the session to speak in")
        String session;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE.wav", description = "the sound to send")
        Path file;

        @Option(
                names = "--tone",
                paramLabel = "HZ",
                description = "send a sine tone of this frequency (20 to 20000) instead of a file")
        Double toneHz;

        @Option(
                names = "--seconds",
                paramLabel = "S",
                defaultValue = "5",
                description = "how long the tone lasts, 0.02 to 3600 (default: ${DEFAULT-VALUE})")
        double toneSeconds;

        @Option(
                names = "--bitrate",
                paramLabel = "BITS",
                defaultValue = "24000",
                description = "32000, 24000, 16000 or 8000 bit/s (default: ${DEFAULT-VALUE})")
        int bitrate;

        @Option(
                names = "--stream",
                paramLabel = "N",
                defaultValue = "1",
                description = "the stream id, 0 to 65535 (default: ${DEFAULT-VALUE})")
        int stream;

        @Option(
                names = "--fec",
                paramLabel = "PERCENT",
                defaultValue = "5",
                description = "the loss to protect against with in-band FEC, 0 (off) to 50 (default: ${DEFAULT-VALUE})")
        int fecLoss;

        @Option(
                names = "--dtx",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "leave silence out (discontinuous transmission); --no-dtx sends every frame"
                        + " (default: on; never with --tone, which Opus would take for background noise)")
        boolean dtxOn;

        @Override
        public Integer call() throws IOException {
            if (!VoiceCodec.LADDER.contains(bitrate)) {
                throw new ElaraUserException(
                        ExitCode.USAGE, "--bitrate must be one of " + VoiceCodec.LADDER + ", not " + bitrate);
            }
            if (stream < 0 || stream > 0xFFFF || fecLoss < 0 || fecLoss > 50) {
                throw new ElaraUserException(ExitCode.USAGE, "--stream is 0 to 65535 and --fec 0 to 50");
            }
            if ((file == null) == (toneHz == null)) {
                throw new ElaraUserException(ExitCode.USAGE, "give FILE.wav or --tone HZ, one of the two");
            }
            float[] samples;
            if (toneHz != null) {
                if (toneHz < 20 || toneHz > 20_000 || toneSeconds < 0.02 || toneSeconds > 3600) {
                    throw new ElaraUserException(ExitCode.USAGE, "--tone is 20 to 20000 Hz and --seconds 0.02 to 3600");
                }
                samples = io.elara.node.pipeline.audio.AudioOps.tone(
                                toneHz, 0.4, VoiceCodec.SAMPLE_RATE, (int) (toneSeconds * VoiceCodec.SAMPLE_RATE), 0)
                        .samples();
            } else {
                samples = WavSamples.mono48k(file);
            }
            NodeConfig nodeConfig = config.load();
            VoiceCodec encoder = VoiceCodec.encoder(bitrate, dtxOn && toneHz == null);
            encoder.lossPercent(fecLoss);
            Dtx dtx = new Dtx();
            VoiceLadder.warmUp(bitrate, samples);
            int frames = (samples.length + VoiceCodec.FRAME_SAMPLES - 1) / VoiceCodec.FRAME_SAMPLES;
            PrintWriter out = spec.commandLine().getOut();
            try (ControlClient client = config.connect(nodeConfig)) {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "media-send");
                request.put("session", session);
                request.put("stream", stream);
                request.put("budgetMs", 200);
                client.send(request);
                JsonNode members = ConfigOption.expectOk(client.next());
                if (members.path("members").isEmpty()) {
                    throw new ElaraUserException(
                            ExitCode.FAILURE, "no member of '" + session + "' is connected: nobody would hear it");
                }
                MediaLevelReader levels = MediaLevelReader.start(client);
                Base64.Encoder base64 = Base64.getEncoder();
                float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
                long startNs = System.nanoTime();
                long lowered = 0;
                long held = 0;
                long sent = 0;
                for (int f = 0; f < frames; f++) {
                    java.util.Arrays.fill(frame, 0f);
                    int from = f * VoiceCodec.FRAME_SAMPLES;
                    System.arraycopy(
                            samples, from, frame, 0, Math.min(VoiceCodec.FRAME_SAMPLES, samples.length - from));
                    // The ladder: low-voice and below speak at a lower bitrate with FEC for heavy loss; text-only
                    // sends nothing, and the encoder still runs so its state follows the sound.
                    DegradationLevel level = levels.level();
                    boolean low = VoiceLadder.lowered(level);
                    VoiceLadder.follow(encoder, level, bitrate, fecLoss);
                    VoicePacket packet = dtx.packet(f, encoder.encode(frame), f == frames - 1);
                    // Real time, on an absolute schedule: a late frame does not push the ones after it.
                    long dueNs = startNs + f * VoiceCodec.FRAME_NS;
                    long waitNs = dueNs - System.nanoTime();
                    if (waitNs > 0) {
                        LockSupport.parkNanos(waitNs);
                    }
                    if (level == DegradationLevel.TEXT_ONLY) {
                        held++;
                        if (f % VoiceLadder.TICK_EVERY_FRAMES == 0) {
                            client.send(Map.of("tick", true)); // so the node can say when the level is back up
                        }
                        continue;
                    }
                    if (packet == null) {
                        continue; // silence, left out
                    }
                    if (low) {
                        lowered++;
                    }
                    client.send(Map.of("payload", base64.encodeToString(packet.encode())));
                    sent++;
                }
                client.send(Map.of("end", true));
                JsonNode summary = ConfigOption.expectOk(levels.summary());
                out.printf(
                        Locale.ROOT,
                        "sent %d frames (%.2f s of %s) to %s; %s%n",
                        sent,
                        frames * VoiceCodec.FRAME_NS / 1e9,
                        file != null ? file.getFileName() : toneHz + " Hz tone",
                        String.join(", ", names(members.path("members"))),
                        summary.path("outcomes"));
                if (dtx.leftOut() > 0) {
                    out.printf(
                            Locale.ROOT,
                            "DTX: %d frames of silence left out (%.2f s)%n",
                            dtx.leftOut(),
                            dtx.leftOut() * VoiceCodec.FRAME_NS / 1e9);
                }
                if (lowered > 0 || held > 0) {
                    out.printf(
                            Locale.ROOT,
                            "degradation: %d frames at %d bit/s (low-voice), %d held back (text-only); levels %s%n",
                            lowered,
                            Math.min(bitrate, VoiceLadder.LOW_VOICE_BITRATE),
                            held,
                            String.join(" -> ", levels.history()));
                }
            }
            return ExitCode.OK;
        }
    }

    /** {@code elara voice record SESSION OUT.wav}. */
    @Command(
            name = "record",
            description = {
                "Record the voice the node receives into OUT.wav (48 kHz mono, 16-bit): each speaker through its own"
                        + " jitter buffer (FEC recovery, loss concealment), mixed.",
                "Starts with the first frame and stops after --duration, or once every speaker has been silent for"
                        + " --idle; trailing concealment is cut, so the file ends with the last frame heard."
            },
            footer = {"", "Examples:", "  elara voice record team out.wav --duration 30s -c bob.yaml"})
    public static final class RecordVoice implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "the session to listen to")
        String session;

        @Parameters(index = "1", paramLabel = "OUT.wav", description = "where the recording goes")
        Path file;

        @Option(
                names = "--duration",
                paramLabel = "TIME",
                defaultValue = "30s",
                description = "the longest recording (default: ${DEFAULT-VALUE})")
        String duration;

        @Option(
                names = "--idle",
                paramLabel = "TIME",
                defaultValue = "2s",
                description = "stop once nothing arrived for this long (default: ${DEFAULT-VALUE})")
        String idle;

        @Option(
                names = "--wait",
                paramLabel = "TIME",
                defaultValue = "60s",
                description = "give up when no frame arrives within this long (default: ${DEFAULT-VALUE})")
        String wait;

        /** One speaker: a peer's stream, its buffer, and where its frames go in the recording. */
        private static final class Speaker {
            final String name;
            final JitterBuffer buffer = new JitterBuffer();
            long lastRealFrame = -1;
            /** Where the speaker's first frame went in the recording, and its index. */
            long base = -1;

            long firstIndex;

            Speaker(String name) {
                this.name = name;
            }
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            long durationNs = duration(duration, "--duration");
            long idleNs = duration(idle, "--idle");
            long waitNs = duration(wait, "--wait");
            NodeConfig nodeConfig = config.load();
            BlockingQueue<JsonNode> heard = new LinkedBlockingQueue<>();
            Map<String, Speaker> speakers = new LinkedHashMap<>();
            List<float[]> output = new ArrayList<>();
            long ticks = 0;
            try (ControlClient client = config.connect(nodeConfig)) {
                client.send(Map.of("op", "media-listen"));
                ConfigOption.expectOk(client.next());
                Thread reader = new Thread(
                        () -> {
                            try {
                                JsonNode line;
                                while ((line = client.next()) != null) {
                                    heard.add(line);
                                }
                            } catch (IOException e) {
                                // the connection closed: the recording ends with what arrived
                            }
                        },
                        "elara-voice-record");
                reader.setDaemon(true);
                reader.start();
                long openedNs = System.nanoTime();
                long startNs = Long.MIN_VALUE;
                long lastHeardNs = openedNs;
                float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
                long malformed = 0;
                while (true) {
                    JsonNode line = heard.poll(2, TimeUnit.MILLISECONDS);
                    long nowNs = System.nanoTime();
                    while (line != null) {
                        if (line.has("payload")) {
                            byte[] bytes = Base64.getDecoder()
                                    .decode(line.path("payload").asText(""));
                            VoicePacket.Parsed parsed = VoicePacket.parse(bytes, 0, bytes.length);
                            if (parsed.packet() == null) {
                                malformed++;
                            } else {
                                String peer = line.path("peer").asText();
                                String key = peer + "/" + line.path("stream").asInt();
                                speakers.computeIfAbsent(key, k -> new Speaker(peer))
                                        .buffer
                                        .offer(parsed.packet(), nowNs);
                                lastHeardNs = nowNs;
                                if (startNs == Long.MIN_VALUE) {
                                    startNs = nowNs + JitterBuffer.DELAY_MIN_NS;
                                }
                            }
                        }
                        line = heard.poll();
                    }
                    if (startNs == Long.MIN_VALUE) {
                        if (nowNs - openedNs > waitNs) {
                            throw new ElaraUserException(
                                    ExitCode.FAILURE, "no voice arrived within " + wait + "; nothing recorded");
                        }
                        continue;
                    }
                    // The recording's clock: one tick per 20 ms from the first frame's play time; each speaker whose
                    // next frame is due plays it, and it goes where the speaker's own timeline puts it (its first
                    // frame's place plus its index since), so the pauses keep the length the speaker gave them
                    // whatever the play shrank or stretched to keep its delay.
                    while (startNs + ticks * VoiceCodec.FRAME_NS <= nowNs) {
                        long tickNs = startNs + ticks * VoiceCodec.FRAME_NS;
                        for (Speaker speaker : speakers.values()) {
                            if (speaker.buffer.nextPlayNs() <= tickNs + VoiceCodec.FRAME_NS) {
                                JitterBuffer.Outcome outcome = speaker.buffer.play(frame);
                                long index = speaker.buffer.playedIndex();
                                if (speaker.base < 0) {
                                    speaker.base = ticks;
                                    speaker.firstIndex = index;
                                }
                                long place = speaker.base + index - speaker.firstIndex;
                                if (place < 0 || place * VoiceCodec.FRAME_NS >= durationNs) {
                                    continue;
                                }
                                while (output.size() <= place) {
                                    output.add(new float[VoiceCodec.FRAME_SAMPLES]);
                                }
                                float[] mixed = output.get((int) place);
                                for (int i = 0; i < VoiceCodec.FRAME_SAMPLES; i++) {
                                    mixed[i] += frame[i];
                                }
                                if (outcome == JitterBuffer.Outcome.RECEIVED
                                        || outcome == JitterBuffer.Outcome.RECOVERED) {
                                    speaker.lastRealFrame = Math.max(speaker.lastRealFrame, place);
                                }
                            }
                        }
                        ticks++;
                    }
                    if (ticks * VoiceCodec.FRAME_NS >= durationNs || nowNs - lastHeardNs > idleNs) {
                        break;
                    }
                }
                long keep = 0;
                for (Speaker speaker : speakers.values()) {
                    keep = Math.max(keep, speaker.lastRealFrame + 1);
                }
                float[] samples = new float[(int) keep * VoiceCodec.FRAME_SAMPLES];
                for (int f = 0; f < keep; f++) {
                    float[] mixed = output.get(f);
                    for (int i = 0; i < VoiceCodec.FRAME_SAMPLES; i++) {
                        samples[f * VoiceCodec.FRAME_SAMPLES + i] = Math.max(-1f, Math.min(1f, mixed[i]));
                    }
                }
                try {
                    Wav.write(file, new RuntimeData.Audio(samples, VoiceCodec.SAMPLE_RATE, 1));
                } catch (IOException e) {
                    throw new ElaraUserException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), e);
                }
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "recorded %.2f s (%d frames) to %s%n", keep * 0.02, keep, file);
                for (Speaker speaker : speakers.values()) {
                    JitterBuffer b = speaker.buffer;
                    out.printf(
                            Locale.ROOT,
                            "  %s: %d received, %d recovered by FEC, %d concealed, %d late, %d dropped;"
                                    + " playout delay %d ms, jitter %.1f ms; %d frames of silence left out (DTX);"
                                    + " the play shrank by %d frames of silence and stretched by %d%n",
                            speaker.name,
                            b.received(),
                            b.recovered(),
                            b.concealed(),
                            b.late(),
                            b.dropped(),
                            b.delayNs() / 1_000_000,
                            b.jitterNs() / 1e6,
                            b.dtx(),
                            b.shrunk(),
                            b.stretched());
                }
                if (malformed > 0) {
                    out.println("  " + malformed + " frames were not voice and were dropped");
                }
            }
            return ExitCode.OK;
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    private static long duration(String text, String option) {
        try {
            return SimDurations.parseNs(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ElaraUserException(
                    ExitCode.USAGE, option + ": '" + text + "' is not a duration (write e.g. 500ms, 30s or 2m)", e);
        }
    }
}
