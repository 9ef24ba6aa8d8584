package io.elara.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.media.JitterBuffer;
import io.elara.node.media.VoiceCodec;
import io.elara.node.media.VoicePacket;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elara bench voice}: what voice costs one core. Encode: CPU time per 20 ms frame at each rung of the bitrate
 * ladder. Receive: CPU time per 20 ms of audio for one incoming stream (its jitter buffer, the Opus decoder, and
 * adding it into the mix), and from it how many streams one core decodes and mixes in real time.
 */
@Command(
        name = "voice",
        description = {
            "Measure what voice costs one core: Opus encode time per 20 ms frame at 32, 24, 16 and 8 kbit/s, and the",
            "time to take one incoming stream through its jitter buffer, the decoder and the mixer, with how many",
            "such streams one core keeps up with in real time (20 ms of audio every 20 ms)."
        },
        footer = {"", "Example:", "  elara bench voice --frames 3000 --streams 64"})
public final class BenchVoiceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(
            names = "--frames",
            paramLabel = "N",
            defaultValue = "3000",
            description = "frames per measurement, after as many to warm up (default: ${DEFAULT-VALUE}, one minute)")
    int frames;

    @Option(
            names = "--streams",
            paramLabel = "N",
            defaultValue = "64",
            description = "incoming streams decoded and mixed together (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--json", description = "print the figures as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (frames < 50 || frames > 1_000_000 || streams < 1 || streams > 1_000) {
            throw new ElaraUserException(ExitCode.USAGE, "--frames is 50 to 1000000 and --streams 1 to 1000");
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        float[] source = speechLike(frames);
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Double> encodeUs = new LinkedHashMap<>();
        List<byte[]> packets = null;
        for (int bitrate : VoiceCodec.LADDER) {
            VoiceCodec encoder = VoiceCodec.encoder(bitrate, false);
            encoder.lossPercent(5);
            encodeAll(encoder, source); // warm-up
            long before = cpu.getCurrentThreadCpuTime();
            List<byte[]> encoded = encodeAll(encoder, source);
            long spent = cpu.getCurrentThreadCpuTime() - before;
            encodeUs.put(Integer.toString(bitrate), spent / 1e3 / frames);
            if (bitrate == 24_000) {
                packets = encoded;
            }
        }
        figures.put("encodeUsPerFrame", encodeUs);
        receive(packets, streams); // warm-up
        long before = cpu.getCurrentThreadCpuTime();
        receive(packets, streams);
        long spent = cpu.getCurrentThreadCpuTime() - before;
        double perStreamFrameUs = spent / 1e3 / frames / streams;
        long streamsPerCore = (long) Math.floor(20_000 / perStreamFrameUs);
        figures.put("receiveUsPerStreamFrame", perStreamFrameUs);
        figures.put("streamsPerCore", streamsPerCore);
        figures.put("streamsMeasured", streams);
        figures.put("frames", frames);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(figures));
        } else {
            StringBuilder encode = new StringBuilder();
            encodeUs.forEach((rate, us) -> encode.append(String.format(
                    Locale.ROOT,
                    "%s%d kbit/s %.0f µs",
                    encode.length() == 0 ? "" : ", ",
                    Integer.parseInt(rate) / 1000,
                    us)));
            out.printf(
                    Locale.ROOT,
                    "voice, one core: encode per 20 ms frame %s; receive (jitter buffer, decode, mix) %.0f µs per"
                            + " stream per frame over %d streams: %d streams in real time%n",
                    encode,
                    perStreamFrameUs,
                    streams,
                    streamsPerCore);
        }
        return ExitCode.OK;
    }

    private static List<byte[]> encodeAll(VoiceCodec encoder, float[] source) {
        List<byte[]> packets = new ArrayList<>();
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        for (int f = 0; f < source.length / VoiceCodec.FRAME_SAMPLES; f++) {
            System.arraycopy(source, f * VoiceCodec.FRAME_SAMPLES, frame, 0, VoiceCodec.FRAME_SAMPLES);
            packets.add(encoder.encode(frame));
        }
        return packets;
    }

    /**
     * {@code count} streams of {@code packets}, every 20 ms of virtual time each stream's frame arrives, and every
     * stream plays one frame into the mix: the receiving side's whole work, with no waiting.
     */
    private static float receive(List<byte[]> packets, int count) {
        List<JitterBuffer> buffers = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            buffers.add(new JitterBuffer());
        }
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        float[] mix = new float[VoiceCodec.FRAME_SAMPLES];
        float checksum = 0;
        for (int f = 0; f < packets.size(); f++) {
            long nowNs = f * VoiceCodec.FRAME_NS;
            java.util.Arrays.fill(mix, 0f);
            for (JitterBuffer buffer : buffers) {
                buffer.offer(new VoicePacket(f, packets.get(f)), nowNs);
                if (buffer.nextPlayNs() <= nowNs + JitterBuffer.DELAY_MIN_NS) {
                    buffer.play(frame);
                    for (int i = 0; i < VoiceCodec.FRAME_SAMPLES; i++) {
                        mix[i] += frame[i];
                    }
                }
            }
            checksum += mix[f % VoiceCodec.FRAME_SAMPLES];
        }
        return checksum;
    }

    /** A voice-like signal: a gliding fundamental with harmonics, syllables of 200 ms, pauses between words. */
    private static float[] speechLike(int frames) {
        float[] out = new float[frames * VoiceCodec.FRAME_SAMPLES];
        double phase = 0;
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < out.length; i++) {
            double t = i / (double) VoiceCodec.SAMPLE_RATE;
            double pitch = 140 + 40 * Math.sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * pitch / VoiceCodec.SAMPLE_RATE;
            double syllable = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t));
            double voiced = 0.5 * Math.sin(phase) + 0.25 * Math.sin(2 * phase) + 0.12 * Math.sin(3 * phase);
            out[i] = (float) (0.5 * syllable * voiced + 0.01 * (random.nextDouble() - 0.5));
        }
        return out;
    }
}
