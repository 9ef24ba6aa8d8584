package io.elara.node.media;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import java.util.List;

/**
 * Opus voice through Concentus (pure Java): 48 kHz mono, 20 ms frames, a bitrate from {@link #LADDER}, in-band FEC
 * when loss is reported, DTX optional. One instance encodes one stream or decodes one; not thread-safe.
 */
public final class VoiceCodec {
    public static final int SAMPLE_RATE = 48_000;
    /** Samples in one 20 ms frame at 48 kHz. */
    public static final int FRAME_SAMPLES = 960;

    public static final long FRAME_NS = 20_000_000L;
    /** The bitrate ladder, highest first, in bit/s. */
    public static final List<Integer> LADDER = List.of(32_000, 24_000, 16_000, 8_000);
    /** Longest Opus packet this codec makes or takes. */
    public static final int PACKET_BYTES_MAX = 1_000;

    private final OpusEncoder encoder;
    private OpusDecoder decoder;
    private final short[] pcm = new short[FRAME_SAMPLES];
    private final byte[] packet = new byte[PACKET_BYTES_MAX];
    private int bitrate;

    private VoiceCodec(OpusEncoder encoder, OpusDecoder decoder) {
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** An encoder at {@code bitrate} (one of {@link #LADDER}), with DTX when {@code dtx}. */
    public static VoiceCodec encoder(int bitrate, boolean dtx) {
        try {
            OpusEncoder encoder = new OpusEncoder(SAMPLE_RATE, 1, OpusApplication.OPUS_APPLICATION_VOIP);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
            encoder.setComplexity(5);
            encoder.setUseDTX(dtx);
            VoiceCodec codec = new VoiceCodec(encoder, null);
            codec.bitrate(bitrate);
            return codec;
        } catch (OpusException e) {
            throw new IllegalStateException("Opus refused a 48 kHz mono encoder: " + e.getMessage(), e);
        }
    }

    public static VoiceCodec decoder() {
        try {
            return new VoiceCodec(null, new OpusDecoder(SAMPLE_RATE, 1));
        } catch (OpusException e) {
            throw new IllegalStateException("Opus refused a 48 kHz mono decoder: " + e.getMessage(), e);
        }
    }

    /** Moves to {@code bitrate}, one of {@link #LADDER}. */
    public void bitrate(int bitrate) {
        if (!LADDER.contains(bitrate)) {
            throw new IllegalArgumentException("a bitrate of the ladder " + LADDER + ", not " + bitrate);
        }
        this.bitrate = bitrate;
        encoder.setBitrate(bitrate);
    }

    public int bitrate() {
        return bitrate;
    }

    /**
     * The loss the receivers report, in percent: above 0, each packet also carries the previous frame at a lower rate
     * (in-band FEC), which a receiver that lost that frame decodes from this one.
     */
    public void lossPercent(int percent) {
        int clamped = Math.max(0, Math.min(100, percent));
        encoder.setUseInbandFEC(clamped > 0);
        encoder.setPacketLossPercent(clamped);
    }

    /**
     * Encodes one frame of {@link #FRAME_SAMPLES} samples in [-1, 1]; returns a new array with the packet, empty when
     * DTX leaves the frame out (silence).
     */
    public byte[] encode(float[] frame) {
        if (frame.length != FRAME_SAMPLES) {
            throw new IllegalArgumentException("a frame is " + FRAME_SAMPLES + " samples, not " + frame.length);
        }
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            pcm[i] = (short) Math.round(Math.max(-1f, Math.min(1f, frame[i])) * Short.MAX_VALUE);
        }
        try {
            int length = encoder.encode(pcm, 0, FRAME_SAMPLES, packet, 0, packet.length);
            // With DTX, Opus keeps sending a 1-2 byte packet for silence: that is the frame left out.
            return length <= 2 ? new byte[0] : java.util.Arrays.copyOf(packet, length);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus could not encode a frame: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes {@code packet} into {@code out} ({@link #FRAME_SAMPLES} samples). With {@code fec}, decodes the frame
     * before {@code packet} from its in-band FEC instead. Returns false, leaving {@code out} silent, when the packet is
     * not valid Opus.
     */
    public boolean decode(byte[] packet, boolean fec, float[] out) {
        try {
            int samples = decoder.decode(packet, 0, packet.length, pcm, 0, FRAME_SAMPLES, fec);
            toFloat(samples, out);
            return true;
        } catch (OpusException | RuntimeException | AssertionError e) {
            // A packet that is not valid Opus. Concentus checks some of that with Java assertions (AssertionError when
            // they are on, found by VoicePacketFuzzTest); its state may be half-updated, so the decoder starts over.
            java.util.Arrays.fill(out, 0f);
            resetDecoder();
            return false;
        }
    }

    /** Conceals one lost frame (Opus packet loss concealment) into {@code out}. */
    public void conceal(float[] out) {
        try {
            int samples = decoder.decode(null, 0, 0, pcm, 0, FRAME_SAMPLES, false);
            toFloat(samples, out);
        } catch (OpusException | RuntimeException | AssertionError e) {
            java.util.Arrays.fill(out, 0f);
            resetDecoder();
        }
    }

    private void resetDecoder() {
        try {
            decoder = new OpusDecoder(SAMPLE_RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("Opus refused a 48 kHz mono decoder: " + e.getMessage(), e);
        }
    }

    private void toFloat(int samples, float[] out) {
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            out[i] = i < samples ? pcm[i] / (float) Short.MAX_VALUE : 0f;
        }
    }
}
