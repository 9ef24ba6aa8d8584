package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatInputTest {
    private static final int LIMIT = 16;

    @Test
    void shouldReadMessagesAndCommandsWithTheirArguments() {
        assertThat(ChatInput.parse("hello", LIMIT)).isEqualTo(new ChatInput.Say("hello"));
        assertThat(ChatInput.parse("hi @alice ", LIMIT)).isEqualTo(new ChatInput.Say("hi @alice"));
        assertThat(ChatInput.parse("//slash", LIMIT)).isEqualTo(new ChatInput.Say("/slash"));
        assertThat(ChatInput.parse("   ", LIMIT)).isInstanceOf(ChatInput.Nothing.class);
        ChatInput.Run status = (ChatInput.Run) ChatInput.parse("/STATUS away  at lunch", LIMIT);
        assertThat(status.command().name()).isEqualTo("status");
        assertThat(status.args()).containsExactly("away", "at", "lunch");
        assertThat(status.rest()).isEqualTo("away  at lunch");
        assertThat(((ChatInput.Run) ChatInput.parse("/switch team", LIMIT)).args())
                .containsExactly("team");
        assertThat(((ChatInput.Run) ChatInput.parse("/history 5", LIMIT)).args())
                .containsExactly("5");
        assertThat(((ChatInput.Run) ChatInput.parse("/me waves", LIMIT)).rest()).isEqualTo("waves");
    }

    @Test
    void shouldTakeTheWholeRestOfTheLineAsTheFileToExportTo() {
        ChatInput.Run export = (ChatInput.Run) ChatInput.parse("/export  team.jsonl ", LIMIT);
        assertThat(export.command().name()).isEqualTo("export");
        assertThat(export.rest()).isEqualTo("team.jsonl");
        assertThat(((ChatInput.Run) ChatInput.parse("/export my notes/team log.jsonl", LIMIT)).rest())
                .isEqualTo("my notes/team log.jsonl");
        assertThat(ChatInput.parse("/export", LIMIT)).isEqualTo(new ChatInput.Problem("usage: /export FILE"));
        assertThat(ChatInput.parse("/export   ", LIMIT)).isEqualTo(new ChatInput.Problem("usage: /export FILE"));
        assertThat(ChatInput.COMMANDS)
                .as("/help lists it and Tab completes it")
                .extracting(ChatInput.Command::usage)
                .contains("/export FILE");
    }

    @Test
    void shouldExplainEveryMistakeInOneLine() {
        assertThat(ChatInput.parse("/frobnicate x", LIMIT))
                .isEqualTo(new ChatInput.Problem("unknown command '/frobnicate' (see /help)"));
        assertThat(ChatInput.parse("/switch", LIMIT)).isEqualTo(new ChatInput.Problem("usage: /switch NAME"));
        assertThat(ChatInput.parse("/switch a b", LIMIT)).isEqualTo(new ChatInput.Problem("usage: /switch NAME"));
        assertThat(ChatInput.parse("/status gone", LIMIT))
                .isEqualTo(new ChatInput.Problem("usage: /status online|away|busy [TEXT] (not 'gone')"));
        assertThat(ChatInput.parse("/history 0", LIMIT))
                .isEqualTo(new ChatInput.Problem("usage: /history [N] (N is 1 to 9999)"));
        assertThat(ChatInput.parse("é".repeat(9), LIMIT))
                .isEqualTo(
                        new ChatInput.Problem("message too long: 18 bytes, the limit is 16 (limits.text-bytes-max)"));
        assertThat(ChatInput.parse("/me " + "x".repeat(13), LIMIT)).isInstanceOf(ChatInput.Problem.class);
        for (String line : List.of("/help", "/quit", "/who", "/peers", "/sessions", "/invite", "/leave", "/nick")) {
            assertThat(ChatInput.parse(line, LIMIT)).as(line).isInstanceOf(ChatInput.Run.class);
        }
    }

    @Test
    void shouldRingOnlyForAWholeMention() {
        assertThat(ChatClient.mentions("hi @bob!", "bob")).isTrue();
        assertThat(ChatClient.mentions("@bob", "bob")).isTrue();
        assertThat(ChatClient.mentions("hi @bobby", "bob")).isFalse();
        assertThat(ChatClient.mentions("bob, hi", "bob")).isFalse();
        assertThat(ChatClient.mentions("@bobby and @bob", "bob")).isTrue();
    }
}
