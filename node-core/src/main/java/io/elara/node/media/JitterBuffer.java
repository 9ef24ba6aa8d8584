package io.elara.node.media;

import java.util.TreeMap;

/**
 * One voice stream's receiver: holds the frames that arrive, plays one out every 20 ms of the caller's clock, after a
 * delay that follows the measured jitter, and fills what is missing. A frame that did not arrive is decoded from the
 * next one's in-band FEC when that one is here already, else concealed by Opus (at most {@link #CONCEALED_RUN_MAX} in a
 * row, then silence). A frame arriving after its time is late and dropped, and the delay grows by a frame (the play
 * stretches); a buffer that holds more than the delay plus {@link #SHRINK_MARGIN_FRAMES} drops its oldest frame (the
 * play shrinks), so that clocks that drift apart do not add delay without end. Sans-I/O: times are the caller's.
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
    /** Frames in a row that must find the buffer over its target before one is dropped (2 s). */
    public static final int SHRINK_AFTER_FRAMES = 100;
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
        SILENCE
    }

    private final VoiceCodec decoder = VoiceCodec.decoder();
    private final TreeMap<Long, byte[]> held = new TreeMap<>();
    private boolean started;
    private long firstIndex;
    private long nextIndex;
    private long nextPlayNs;
    private long delayNs = DELAY_MIN_NS;
    private int concealedRun;
    private int overTarget;
    private boolean lastTransitSet;
    private long lastTransitNs;
    private double jitterNs;

    private long received;
    private long recovered;
    private long concealed;
    private long silent;
    private long late;
    private long dropped;
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
        // faster, or the delay grew for a burst that is over): the oldest frame goes. A burst alone (a cold start, a
        // path that held frames back a moment) drains by itself and costs nothing.
        long target = Math.max(delayNs, DELAY_MIN_NS + (long) (3 * jitterNs)) / VoiceCodec.FRAME_NS;
        overTarget = held.size() > target + SHRINK_MARGIN_FRAMES ? overTarget + 1 : 0;
        if (overTarget >= SHRINK_AFTER_FRAMES && held.firstKey() == nextIndex) {
            held.pollFirstEntry();
            nextIndex++;
            dropped++;
            overTarget = 0;
        }
    }

    /** When the next frame is due, or {@link Long#MAX_VALUE} before the first frame arrived. */
    public long nextPlayNs() {
        return started ? nextPlayNs : Long.MAX_VALUE;
    }

    /** Puts the next frame (20 ms) into {@code out} and says how it got it. Call when {@link #nextPlayNs} has come. */
    public Outcome play(float[] out) {
        Outcome outcome;
        byte[] packet = held.remove(nextIndex);
        if (packet != null && decoder.decode(packet, false, out)) {
            outcome = Outcome.RECEIVED;
            received++;
            concealedRun = 0;
        } else {
            byte[] following = held.get(nextIndex + 1);
            if (following != null && decoder.decode(following, true, out)) {
                outcome = Outcome.RECOVERED;
                recovered++;
                concealedRun = 0;
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
        nextIndex++;
        nextPlayNs += VoiceCodec.FRAME_NS;
        return outcome;
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

    public long late() {
        return late;
    }

    public long dropped() {
        return dropped;
    }
}
