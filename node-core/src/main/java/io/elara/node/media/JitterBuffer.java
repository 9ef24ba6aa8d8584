package io.elara.node.media;

import java.util.TreeMap;

/**
 * One voice stream's receiver: holds the frames that arrive, plays one out every 20 ms of the caller's clock, after a
 * delay that follows the measured jitter, and fills what is missing. A frame that did not arrive is decoded from the
 * next one's in-band FEC when that one is here already, else concealed by Opus (at most {@link #CONCEALED_RUN_MAX} in a
 * row, then silence). A frame arriving after its time is late and dropped, and the delay grows by a frame (the play
 * stretches). Clocks that drift apart, or a delay grown for a burst that is over, must not add delay without end: a
 * buffer that holds more than the delay plus {@link #SHRINK_MARGIN_FRAMES} for {@link #SHRINK_AFTER_FRAMES} frames
 * shrinks the play by one frame of silence, the next quiet frame (under {@link #QUIET_RMS}) it plays, whose place the
 * frame after it takes; only a stream with no quiet frame for {@link #SHRINK_FORCE_FRAMES} loses a frame of sound.
 *
 * <p>After the sender's silence marker ({@link VoicePacket#silent}, DTX), missing frames are silence it left out, not
 * loss: they play as silence ({@link Outcome#DTX}) until a packet with sound plays. The first packet of the next talk
 * spurt sets the play in time again, as RTP receivers do between talk spurts: it shrinks the silence when the buffer
 * would hold it longer than the delay, and stretches the silence when it would be late, instead of dropping it. A lost
 * first frame of a talk spurt counts as silence: without a per-packet counter in the payload the two cannot be told
 * apart. Sans-I/O: times are the caller's.
 */
public final class JitterBuffer {
    /** The delay the play starts with, and never goes below. */
    public static final long DELAY_MIN_NS = 40_000_000L;
    /** The delay never grows above this. */
    public static final long DELAY_MAX_NS = 200_000_000L;
    /** Concealed frames at most in a row; then the stream plays silence until a frame arrives. */
    public static final int CONCEALED_RUN_MAX = 5;
    /** Frames beyond the target held before the oldest is dropped. */
    public static final int SHRINK_MARGIN_FRAMES = 3;
    /** Frames in a row that must find the buffer over its target before it shrinks by a quiet frame (2 s). */
    public static final int SHRINK_AFTER_FRAMES = 100;
    /** Frames in a row over the target after which a frame goes even if it has sound (10 s with no quiet frame). */
    public static final int SHRINK_FORCE_FRAMES = 500;
    /** A frame whose RMS is under this (-40 dBFS) is quiet: the play may shrink by it. */
    public static final double QUIET_RMS = 0.01;
    /** Frames held at most. */
    public static final int HELD_MAX = 64;

    /** What one call of {@link #play} put out. */
    public enum Outcome {
        /** The frame as it arrived. */
        RECEIVED,
        /** Recovered from the next frame's FEC. */
        RECOVERED,
        /** Concealed by Opus. */
        CONCEALED,
        /** Silence: nothing to conceal from any more. */
        SILENCE,
        /** Silence the sender left out (DTX), after its silence marker. */
        DTX
    }

    private final VoiceCodec decoder = VoiceCodec.decoder();
    private final TreeMap<Long, byte[]> held = new TreeMap<>();
    private boolean started;
    private long firstIndex;
    private long nextIndex;
    private long nextPlayNs;
    private long delayNs = DELAY_MIN_NS;
    private int concealedRun;
    private long playedIndex = -1;
    private boolean quiet;
    private long quietFrom;
    private boolean shrinkDue;
    private int overTarget;
    private boolean lastTransitSet;
    private long lastTransitNs;
    private double jitterNs;

    private long received;
    private long recovered;
    private long concealed;
    private long silent;
    private long dtx;
    private long late;
    private long dropped;
    private long shrunk;
    private long stretched;
    private long lastArrivalNs = Long.MIN_VALUE;

    /** A frame arrived at {@code arrivalNs}. */
    public void offer(VoicePacket packet, long arrivalNs) {
        long index = packet.index();
        lastArrivalNs = arrivalNs;
        if (!started) {
            started = true;
            firstIndex = index;
            nextIndex = index;
            nextPlayNs = arrivalNs + delayNs;
        }
        // RFC 3550 §6.4.1: interarrival jitter from the transit times (arrival minus the frame's place in the stream).
        long transitNs = arrivalNs - (index - firstIndex) * VoiceCodec.FRAME_NS;
        if (lastTransitSet) {
            jitterNs += (Math.abs(transitNs - lastTransitNs) - jitterNs) / 16;
        }
        lastTransitSet = true;
        lastTransitNs = transitNs;
        if (quiet && held.isEmpty() && index > quietFrom) {
            resync(index, arrivalNs);
        }
        if (index < nextIndex) {
            late++;
            // Stretch: the next frame plays a frame later, so frames as late as this one make it next time.
            delayNs = Math.min(DELAY_MAX_NS, delayNs + VoiceCodec.FRAME_NS);
            nextPlayNs += VoiceCodec.FRAME_NS;
            return;
        }
        if (held.size() >= HELD_MAX) {
            dropped++;
            return;
        }
        held.put(index, packet.opus());
        // Shrink: more held than the delay needs for SHRINK_AFTER_FRAMES frames in a row (the sender's clock runs
        // faster, or the delay grew for a burst that is over): the next quiet frame is left unplayed. A burst alone (a
        // cold start, a path that held frames back a moment) drains by itself and costs nothing.
        long target = Math.max(delayNs, DELAY_MIN_NS + (long) (3 * jitterNs)) / VoiceCodec.FRAME_NS;
        overTarget = held.size() > target + SHRINK_MARGIN_FRAMES ? overTarget + 1 : 0;
        shrinkDue = overTarget >= SHRINK_AFTER_FRAMES;
        if (overTarget >= SHRINK_FORCE_FRAMES && held.firstKey() == nextIndex) {
            held.pollFirstEntry();
            nextIndex++;
            dropped++;
            overTarget = 0;
            shrinkDue = false;
        }
    }

    /**
     * The first packet after a silence, frame {@code index}, arrived at {@code arrivalNs}: moves the play so that it
     * plays {@link #delayNs} after its arrival, by leaving out or adding frames of the silence now playing.
     */
    private void resync(long index, long arrivalNs) {
        // The slots before frame index plays: as the play stands, and as its delay wants them.
        long natural = index - nextIndex;
        long waitNs = arrivalNs + delayNs - nextPlayNs;
        long wanted = waitNs <= 0 ? 0 : (waitNs + VoiceCodec.FRAME_NS - 1) / VoiceCodec.FRAME_NS;
        long from;
        if (natural < 0) {
            from = Math.max(quietFrom + 1, index - wanted); // it would be late: stretch the silence
        } else if (natural - wanted >= 2) {
            from = index - wanted - 1; // it would wait two frames or more too long: shrink, keeping a frame's margin
        } else {
            return;
        }
        if (from < nextIndex) {
            stretched += nextIndex - from;
        } else {
            shrunk += from - nextIndex;
        }
        nextIndex = from;
    }

    /** When the next frame is due, or {@link Long#MAX_VALUE} before the first frame arrived. */
    public long nextPlayNs() {
        return started ? nextPlayNs : Long.MAX_VALUE;
    }

    /** Puts the next frame (20 ms) into {@code out} and says how it got it. Call when {@link #nextPlayNs} has come. */
    public Outcome play(float[] out) {
        Outcome outcome;
        byte[] packet = held.remove(nextIndex);
        if (packet != null && packet.length == 0) {
            // The silence marker: the sender's frames are silence from here until its next packet.
            java.util.Arrays.fill(out, 0f);
            outcome = Outcome.RECEIVED;
            received++;
            concealedRun = 0;
            endQuiet(nextIndex); // a marker after a marker: the frames between were left out
            quiet = true;
            quietFrom = nextIndex;
        } else if (packet != null && decoder.decode(packet, false, out)) {
            outcome = Outcome.RECEIVED;
            received++;
            concealedRun = 0;
            endQuiet(nextIndex);
            if (shrinkDue && rms(out) < QUIET_RMS) {
                byte[] following = held.get(nextIndex + 1);
                if (following != null && following.length > 0) {
                    // Shrink by this quiet frame: it was decoded, so the decoder's state runs on, but the next plays.
                    held.remove(nextIndex + 1);
                    nextIndex++;
                    shrunk++;
                    shrinkDue = false;
                    overTarget = 0;
                    if (decoder.decode(following, false, out)) {
                        received++;
                    } else {
                        decoder.conceal(out);
                        concealed++;
                    }
                }
            }
        } else if (packet == null && quiet) {
            java.util.Arrays.fill(out, 0f);
            outcome = Outcome.DTX;
        } else {
            byte[] following = held.get(nextIndex + 1);
            if (following != null && decoder.decode(following, true, out)) {
                outcome = Outcome.RECOVERED;
                recovered++;
                concealedRun = 0;
                endQuiet(nextIndex);
            } else if (concealedRun < CONCEALED_RUN_MAX) {
                decoder.conceal(out);
                outcome = Outcome.CONCEALED;
                concealed++;
                concealedRun++;
            } else {
                java.util.Arrays.fill(out, 0f);
                outcome = Outcome.SILENCE;
                silent++;
            }
        }
        playedIndex = nextIndex;
        nextIndex++;
        nextPlayNs += VoiceCodec.FRAME_NS;
        return outcome;
    }

    /** Frame {@code index} came from the sender: the frames it left out since its marker were silence. */
    private void endQuiet(long index) {
        if (quiet) {
            dtx += index - quietFrom - 1;
            quiet = false;
        }
    }

    private static double rms(float[] frame) {
        double sum = 0;
        for (float sample : frame) {
            sum += sample * sample;
        }
        return Math.sqrt(sum / frame.length);
    }

    /**
     * The index, in the sender's stream, of the frame the last {@link #play} put out, or -1 before the first: a recorder
     * places frames by it on the sender's timeline, where the play's shrinking and stretching of silence do not show.
     */
    public long playedIndex() {
        return playedIndex;
    }

    /** Whether frames are held that have not played yet. */
    public boolean holding() {
        return !held.isEmpty();
    }

    /** When the last frame arrived, or {@link Long#MIN_VALUE}. */
    public long lastArrivalNs() {
        return lastArrivalNs;
    }

    public long delayNs() {
        return delayNs;
    }

    /** The interarrival jitter estimate (RFC 3550), in nanoseconds. */
    public long jitterNs() {
        return (long) jitterNs;
    }

    public long received() {
        return received;
    }

    public long recovered() {
        return recovered;
    }

    public long concealed() {
        return concealed;
    }

    public long silent() {
        return silent;
    }

    /**
     * Frames of silence the sender left out (DTX), counted by index once a packet of the sender followed them: the
     * silence after a stream's last packet is not counted.
     */
    public long dtx() {
        return dtx;
    }

    /** Frames of silence the play left out to keep its delay: quiet frames, and left-out silence at a talk spurt. */
    public long shrunk() {
        return shrunk;
    }

    /** Frames of silence the play added at a talk spurt's start, where its first frame would have been late. */
    public long stretched() {
        return stretched;
    }

    public long late() {
        return late;
    }

    public long dropped() {
        return dropped;
    }
}
