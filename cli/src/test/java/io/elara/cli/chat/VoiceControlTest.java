package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.chat.VoiceControl.Action;
import io.elara.cli.chat.VoiceControl.Frame;
import io.elara.cli.chat.VoiceControl.State;
import io.elara.cli.chat.VoiceControl.Transition;
import io.elara.cli.voice.VoiceLadder;
import io.elara.node.media.DegradationLevel;
import org.junit.jupiter.api.Test;

class VoiceControlTest {
    @Test
    void shouldMoveBetweenOffOnAndMutedAsTyped() {
        assertThat(VoiceControl.apply(State.OFF, "on")).isEqualTo(new Transition(State.ON, Action.START));
        assertThat(VoiceControl.apply(State.OFF, "mute"))
                .as("listening muted from the start")
                .isEqualTo(new Transition(State.MUTED, Action.START));
        assertThat(VoiceControl.apply(State.ON, "mute")).isEqualTo(new Transition(State.MUTED, Action.MUTE));
        assertThat(VoiceControl.apply(State.MUTED, "on")).isEqualTo(new Transition(State.ON, Action.UNMUTE));
        assertThat(VoiceControl.apply(State.ON, "off")).isEqualTo(new Transition(State.OFF, Action.STOP));
        assertThat(VoiceControl.apply(State.MUTED, "off")).isEqualTo(new Transition(State.OFF, Action.STOP));
        assertThat(VoiceControl.apply(State.MUTED, " OFF ")).isEqualTo(new Transition(State.OFF, Action.STOP));
    }

    @Test
    void shouldShowTheStateAloneAndSayWhenAlreadyThere() {
        for (State state : State.values()) {
            assertThat(VoiceControl.apply(state, "")).isEqualTo(new Transition(state, Action.SHOW));
        }
        assertThat(VoiceControl.apply(State.ON, "on")).isEqualTo(new Transition(State.ON, Action.NONE));
        assertThat(VoiceControl.apply(State.MUTED, "mute")).isEqualTo(new Transition(State.MUTED, Action.NONE));
        assertThat(VoiceControl.apply(State.OFF, "off")).isEqualTo(new Transition(State.OFF, Action.NONE));
    }

    @Test
    void shouldRefuseAnyOtherArgument() {
        for (State state : State.values()) {
            assertThat(VoiceControl.apply(state, "unmute")).isNull();
            assertThat(VoiceControl.apply(state, "on please")).isNull();
        }
        assertThat(ChatInput.parse("/voice loud", 1024))
                .isEqualTo(new ChatInput.Problem("usage: /voice [on|off|mute] (not 'loud')"));
        assertThat(ChatInput.parse("/voice on off", 1024))
                .isEqualTo(new ChatInput.Problem("usage: /voice [on|off|mute]"));
        for (String line : new String[] {"/voice", "/voice on", "/voice MUTE", "/voice off"}) {
            assertThat(ChatInput.parse(line, 1024)).as(line).isInstanceOf(ChatInput.Run.class);
        }
        assertThat(ChatInput.COMMANDS)
                .as("/help lists it and Tab completes it")
                .extracting(ChatInput.Command::usage)
                .contains("/voice [on|off|mute]");
    }

    @Test
    void shouldNeverWriteAFrameWhileMutedOrOffWhateverTheLevelOrFrame() {
        for (DegradationLevel level : DegradationLevel.values()) {
            for (long index = 0; index < 10 * VoiceLadder.TICK_EVERY_FRAMES; index++) {
                assertThat(VoiceControl.frame(State.MUTED, level, index))
                        .as("muted, %s, frame %d", level, index)
                        .isNotEqualTo(Frame.PAYLOAD);
                assertThat(VoiceControl.frame(State.OFF, level, index)).isEqualTo(Frame.NOTHING);
            }
        }
    }

    @Test
    void shouldTickWhileMutedSoTheConnectionHearsOfLevelChanges() {
        assertThat(VoiceControl.frame(State.MUTED, DegradationLevel.FULL, 0)).isEqualTo(Frame.TICK);
        assertThat(VoiceControl.frame(State.MUTED, DegradationLevel.FULL, 1)).isEqualTo(Frame.NOTHING);
        assertThat(VoiceControl.frame(State.MUTED, DegradationLevel.FULL, VoiceLadder.TICK_EVERY_FRAMES))
                .isEqualTo(Frame.TICK);
    }

    @Test
    void shouldFollowTheLadderWhenOnAsVoiceSendDoes() {
        for (DegradationLevel level : DegradationLevel.values()) {
            assertThat(VoiceControl.frame(State.ON, level, 1))
                    .as(level.label())
                    .isEqualTo(level == DegradationLevel.TEXT_ONLY ? Frame.NOTHING : Frame.PAYLOAD);
        }
        assertThat(VoiceControl.frame(State.ON, DegradationLevel.TEXT_ONLY, 0)).isEqualTo(Frame.TICK);
    }
}
