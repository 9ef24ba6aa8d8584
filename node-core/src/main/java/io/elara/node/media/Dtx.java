package io.elara.node.media;

/**
 * The sender's side of discontinuous transmission: which encoded frames go out. With DTX the Opus encoder returns an
 * empty packet for each frame of silence, after a short hangover, and a comfort-noise update every 400 ms. Speech goes
 * out as it is; the first silent frame after a packet goes out as the silence marker ({@link VoicePacket#silence}), so
 * that the receiver plays the frames left out after it as silence rather than concealing them as lost; the silent
 * frames after the marker stay at home. The stream's last frame always goes out, so that a receiver knows where the
 * stream ends. One instance per stream; not thread-safe.
 */
public final class Dtx {
    private boolean quiet;
    private long leftOut;

    /**
     * The payload to send for frame {@code index} encoded as {@code opus} (empty for silence), or null when the frame is
     * left out. {@code last} says it is the stream's last frame.
     */
    public VoicePacket packet(long index, byte[] opus, boolean last) {
        if (opus.length > 0) {
            quiet = false;
            return new VoicePacket(index, opus);
        }
        if (!quiet || last) {
            quiet = true;
            return VoicePacket.silence(index);
        }
        leftOut++;
        return null;
    }

    /** Frames left out so far: silence the receiver plays without being sent anything. */
    public long leftOut() {
        return leftOut;
    }
}
