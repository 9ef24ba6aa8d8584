package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.cli.voice.VoiceSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatVoiceTest {
    @TempDir
    Path directory;

    private final StringWriter shown = new StringWriter();
    private final AtomicInteger statusChanges = new AtomicInteger();

    private ChatVoice voice(VoiceSource source) {
        return new ChatVoice(
                directory.resolve("control.sock"),
                source,
                ChatView.plain(new PrintWriter(shown, true)),
                statusChanges::incrementAndGet);
    }

    /** A source that, like a machine without a microphone, cannot start. */
    private static final VoiceSource NO_MICROPHONE = new VoiceSource() {
        @Override
        public String describe() {
            return "microphone";
        }

        @Override
        public Input open() throws IOException {
            throw new IOException(VoiceSource.NO_MICROPHONE);
        }
    };

    @Test
    void shouldSayInOneLineThatThereIsNoMicrophoneAndChangeNothing() {
        try (ChatVoice voice = voice(NO_MICROPHONE)) {
            voice.target("team", List.of("bob"));
            assertThatThrownBy(() -> voice.command("on"))
                    .isInstanceOf(IOException.class)
                    .hasMessage(
                            "no microphone on this machine; start the chat with --voice-source FILE.wav or tone:HZ");
            assertThatThrownBy(() -> voice.command("mute")).hasMessage(VoiceSource.NO_MICROPHONE);
            assertThat(voice.state()).isEqualTo(VoiceControl.State.OFF);
            assertThat(shown.toString()).isEmpty();
            assertThat(statusChanges).hasValue(0);
        }
    }

    @Test
    void shouldStartNothingWithoutASessionOrANode() {
        try (ChatVoice voice = voice(VoiceSource.tone(440))) {
            assertThatThrownBy(() -> voice.command("on"))
                    .hasMessage("voice: this node is in no session yet (/join TOKEN)");
            voice.target("team", List.of("bob"));
            assertThatThrownBy(() -> voice.command("on"))
                    .hasMessageStartingWith("voice: cannot listen: no control socket at ");
            assertThat(voice.state()).isEqualTo(VoiceControl.State.OFF);
        }
    }

    @Test
    void shouldDescribeTheStateAndShowNothingInTheStatusLineWhileOff() throws IOException {
        try (ChatVoice voice = voice(VoiceSource.tone(440))) {
            voice.command("");
            voice.command("off");
            assertThat(shown.toString().lines())
                    .containsExactly("voice: off, source tone 440 Hz, speaking: nobody", "voice is off already");
            assertThat(voice.statusText(Glyphs.UNICODE)).isNull();
            assertThat(voice.speaking()).isEmpty();
        }
    }
}
