package io.elara.cli.chat;

import io.elara.cli.voice.VoiceLadder;
import io.elara.node.media.DegradationLevel;
import java.util.Locale;

/**
 * What {@code /voice} does, as a state machine: {@code on} sends and listens, {@code mute} listens and sends nothing,
 * {@code off} does neither; and, per 20 ms frame, what a sender in a state writes to the node. Pure.
 */
final class VoiceControl {
    private VoiceControl() {}

    /** Where voice is. */
    enum State {
        /** Neither sending nor listening. */
        OFF,
        /** Sending this chat's voice and listening to the others'. */
        ON,
        /** Listening; the source and the encoder run on, and nothing is sent. */
        MUTED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a {@code /voice} command does to get from one state to the next. */
    enum Action {
        /** Says where voice is; changes nothing. */
        SHOW,
        /** Starts the source, the sender and the listener (sending, or muted). */
        START,
        /** Stops sending (the sender's clock runs on). */
        MUTE,
        /** Sends again. */
        UNMUTE,
        /** Stops the sender and the listener. */
        STOP,
        /** Already there: says so. */
        NONE
    }

    /** The state {@code command} leads to from {@code state}, and how to get there. */
    record Transition(State next, Action action) {}

    /**
     * {@code /voice ARGUMENT} in {@code state}: {@code ""} shows, {@code on}, {@code mute} and {@code off} move (any case).
     *
     * @return null for any other argument (a usage line)
     */
    static Transition apply(State state, String argument) {
        String command = argument.strip().toLowerCase(Locale.ROOT);
        return switch (command) {
            case "" -> new Transition(state, Action.SHOW);
            case "on" ->
                switch (state) {
                    case OFF -> new Transition(State.ON, Action.START);
                    case MUTED -> new Transition(State.ON, Action.UNMUTE);
                    case ON -> new Transition(State.ON, Action.NONE);
                };
            case "mute" ->
                switch (state) {
                    case OFF -> new Transition(State.MUTED, Action.START);
                    case ON -> new Transition(State.MUTED, Action.MUTE);
                    case MUTED -> new Transition(State.MUTED, Action.NONE);
                };
            case "off" ->
                state == State.OFF ? new Transition(State.OFF, Action.NONE) : new Transition(State.OFF, Action.STOP);
            default -> null;
        };
    }

    /** What a sender writes for one frame. */
    enum Frame {
        /** The frame itself: {@code {"payload":…}}. */
        PAYLOAD,
        /** {@code {"tick":true}}: no traffic, only so the node can say when the level changes. */
        TICK,
        /** Nothing. */
        NOTHING
    }

    /**
     * What a sender in {@code state} writes for frame {@code index} at degradation level {@code level}: the frame only
     * when on and the level carries voice; otherwise a tick every {@link VoiceLadder#TICK_EVERY_FRAMES} frames, and
     * never a payload. This is the mute guarantee: a muted speaker sends nothing.
     */
    static Frame frame(State state, DegradationLevel level, long index) {
        if (state == State.ON && level != DegradationLevel.TEXT_ONLY) {
            return Frame.PAYLOAD;
        }
        if (state == State.OFF) {
            return Frame.NOTHING;
        }
        return index % VoiceLadder.TICK_EVERY_FRAMES == 0 ? Frame.TICK : Frame.NOTHING;
    }
}
