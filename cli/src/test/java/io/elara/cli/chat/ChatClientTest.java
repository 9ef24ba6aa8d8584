package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.elara.cli.voice.VoiceSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the chat shows for the events its node delivers, read off a plain view. */
class ChatClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "a1".repeat(32);
    private static final String MALLORY = "0d".repeat(32);
    private static final String MESSAGE_ID = "5e".repeat(16);

    private final StringWriter screen = new StringWriter();
    private final ChatClient chat = new ChatClient(
            Path.of("/nonexistent/elara.sock"),
            "bob",
            4096,
            0,
            (session, file) -> 0,
            VoiceSource.tone(440),
            ChatView.plain(new PrintWriter(screen, true)));

    @Test
    void shouldShowOnlyTheAuthorsOwnEditsAndDeletionsOfAMessage() {
        // Goal: an edit or deletion is a member's own shared-state key naming a message, so any member can name
        // someone else's message in one; the chat applies it only when the one who signed it wrote the message.
        // Otherwise mallory could make alice's words read as something else, or look deleted, in everyone's chat.
        chat.render(text(ALICE, "alice", "lunch at noon"), true);
        chat.render(state(MALLORY, "mallory", ChatClient.editKey(MESSAGE_ID), "e:lunch is cancelled"), true);
        chat.render(state(MALLORY, "mallory", ChatClient.editKey(MESSAGE_ID), "d"), true);
        // A reaction names the message too, and anyone may react.
        chat.render(state(MALLORY, "mallory", ChatClient.reactionKey(MESSAGE_ID), "👍"), true);
        chat.render(state(ALICE, "alice", ChatClient.editKey(MESSAGE_ID), "e:lunch at one"), true);
        chat.render(state(ALICE, "alice", ChatClient.editKey(MESSAGE_ID), "d"), true);

        List<String> lines =
                screen.toString().lines().map(line -> line.substring(9)).toList(); // no time
        assertThat(lines)
                .containsExactly(
                        "[team] alice: lunch at noon",
                        "[team] * mallory reacted 👍 to 'lunch at noon'",
                        "[team] alice: lunch at one (edited; was 'lunch at noon')",
                        "[team] * alice deleted 'lunch at one'");
    }

    private static JsonNode text(String author, String name, String text) {
        ObjectNode event = event(author, name, "text");
        event.put("id", MESSAGE_ID);
        event.put("text", text);
        return event;
    }

    private static JsonNode state(String author, String name, String key, String value) {
        ObjectNode event = event(author, name, "state");
        event.put("id", "77".repeat(16));
        event.put("key", key);
        event.put("value", value);
        return event;
    }

    private static ObjectNode event(String author, String name, String type) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", type);
        event.put("session", "team");
        event.put("author", author);
        event.put("authorName", name);
        event.put("local", false);
        event.put("time", "2026-11-23T12:00:00Z");
        return event;
    }
}
