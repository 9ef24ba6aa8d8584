package io.elara.node.media;

import java.util.Locale;

/**
 * The rungs of the degradation ladder, from everything to text alone. What each rung means for a sender (the node
 * enforces the last two itself, by traffic class):
 *
 * <ol start="0">
 *   <li>{@link #FULL}: voice at its bitrate, pictures at their frame rate and resolution.
 *   <li>{@link #REDUCED_VIDEO}: pictures at half the frame rate and half the resolution.
 *   <li>{@link #KEYFRAMES_ONLY}: no picture deltas; a keyframe every two seconds, at half resolution.
 *   <li>{@link #LOW_VOICE}: no pictures (the node refuses enhancement and cosmetic media); voice at a lower bitrate with
 *       forward error correction for heavy loss.
 *   <li>{@link #TEXT_ONLY}: no media at all (the node refuses every media frame); text and state as always.
 * </ol>
 *
 * Text, state and presence travel on the reliable lane at every rung: the ladder never drops them.
 */
public enum DegradationLevel {
    FULL(0, "full"),
    REDUCED_VIDEO(1, "reduced-video"),
    KEYFRAMES_ONLY(2, "keyframes-only"),
    LOW_VOICE(3, "low-voice"),
    TEXT_ONLY(4, "text-only");

    private static final DegradationLevel[] BY_RUNG = values();

    private final int rung;
    private final String label;

    DegradationLevel(int rung, String label) {
        this.rung = rung;
        this.label = label;
    }

    /** The rung's number, 0 (full) to 4 (text only): what the metrics report. */
    public int rung() {
        return rung;
    }

    /** The name in status output, the control protocol and the config file. */
    public String label() {
        return label;
    }

    /** The next rung down, or this one at the bottom. */
    public DegradationLevel down() {
        return this == TEXT_ONLY ? this : BY_RUNG[rung + 1];
    }

    /** The next rung up, or this one at the top. */
    public DegradationLevel up() {
        return this == FULL ? this : BY_RUNG[rung - 1];
    }

    /** The level labelled {@code label}, or throws naming the labels. */
    public static DegradationLevel parse(String label) {
        for (DegradationLevel level : values()) {
            if (level.label.equals(label.strip().toLowerCase(Locale.ROOT))) {
                return level;
            }
        }
        throw new IllegalArgumentException(
                "'" + label + "' is not a level (full, reduced-video, keyframes-only," + " low-voice, text-only)");
    }

    /** The worse of the two. */
    public static DegradationLevel worst(DegradationLevel a, DegradationLevel b) {
        return a.rung >= b.rung ? a : b;
    }
}
