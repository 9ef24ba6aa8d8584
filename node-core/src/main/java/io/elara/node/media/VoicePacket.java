package io.elara.node.media;

/**
 * The payload of one voice MEDIA frame: version 1 (one byte), the frame's index in its stream (four bytes, big-endian,
 * one per 20 ms of the sender's audio, counting frames DTX left out), then the Opus packet. The index, not the MEDIA
 * frame's sequence, places a frame in time: a gap in sequences is a frame lost, a gap in indexes may be silence.
 * An empty Opus packet is the silence marker: the sender's encoder found silence from this frame on (DTX), and the
 * frames it leaves out until its next packet are silence, not loss (see {@link Dtx}). {@link #parse} never throws.
 *
 * @param index the frame's index in its stream (unsigned 32 bits, wrapping)
 * @param opus the Opus packet
 */
@SuppressWarnings("ArrayRecordComponent") // a packet's bytes; compared by callers when they need to
public record VoicePacket(long index, byte[] opus) {
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 5;

    /** The silence marker for frame {@code index}: an empty Opus packet. */
    public static VoicePacket silence(long index) {
        return new VoicePacket(index, new byte[0]);
    }

    /** Whether this is the silence marker (DTX): the sender leaves frames out from here until its next packet. */
    public boolean silent() {
        return opus.length == 0;
    }

    /** The payload's bytes. */
    public byte[] encode() {
        byte[] out = new byte[HEADER_BYTES + opus.length];
        out[0] = VERSION;
        out[1] = (byte) (index >>> 24);
        out[2] = (byte) (index >>> 16);
        out[3] = (byte) (index >>> 8);
        out[4] = (byte) index;
        System.arraycopy(opus, 0, out, HEADER_BYTES, opus.length);
        return out;
    }

    /** A parsed payload, or why it is none; exactly one is set. */
    public record Parsed(VoicePacket packet, String problem) {}

    /** Reads {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Parsed parse(byte[] bytes, int offset, int length) {
        if (length < HEADER_BYTES) {
            return new Parsed(null, "a voice payload is at least " + HEADER_BYTES + " bytes, this one " + length);
        }
        if (bytes[offset] != VERSION) {
            return new Parsed(null, "voice payload version " + (bytes[offset] & 0xFF) + " (this node knows 1)");
        }
        if (length - HEADER_BYTES > VoiceCodec.PACKET_BYTES_MAX) {
            return new Parsed(null, "an Opus packet of " + (length - HEADER_BYTES) + " bytes is too long");
        }
        long index = ((bytes[offset + 1] & 0xFFL) << 24)
                | ((bytes[offset + 2] & 0xFFL) << 16)
                | ((bytes[offset + 3] & 0xFFL) << 8)
                | (bytes[offset + 4] & 0xFFL);
        byte[] opus = java.util.Arrays.copyOfRange(bytes, offset + HEADER_BYTES, offset + length);
        return new Parsed(new VoicePacket(index, opus), null);
    }
}
