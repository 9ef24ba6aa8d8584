package io.elara.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.crdt.clock.Hlc;
import io.elara.node.DeliveredEvent;
import io.elara.node.event.EventKind;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Lines for people. */
public final class HumanFormat {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    private HumanFormat() {}

    /** {@code 21:20:05 [lobby] alice: hello}; later lines of a multi-line text are indented under the first. */
    public static String event(Instant time, String session, String author, String text) {
        String prefix = TIME.format(time) + " [" + session + "] " + author + ": ";
        return prefix + text.replace("\n", "\n" + " ".repeat(prefix.length()));
    }

    public static String event(DeliveredEvent delivered) {
        return event(
                Instant.ofEpochMilli(Hlc.physicalMs(delivered.event().hlc())),
                delivered.session(),
                delivered.event().authorName(),
                (delivered.event().kind() == EventKind.SIGNAL ? SIGNAL_MARK : "")
                        + delivered.event().text());
    }

    /** Put before a signal's text: a control message, not something someone said. */
    static final String SIGNAL_MARK = "(signal) ";

    /** An event as the control protocol sends it (see {@code ControlJson.event}). */
    public static String event(JsonNode json) {
        return event(
                Instant.parse(json.path("time").asText()),
                json.path("session").asText(),
                json.path("authorName").asText(),
                (json.path("type").asText().equals("signal") ? SIGNAL_MARK : "")
                        + json.path("text").asText());
    }
}
