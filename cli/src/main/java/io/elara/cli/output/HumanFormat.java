package io.elara.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.crdt.clock.Hlc;
import io.elara.node.DeliveredEvent;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.session.SessionState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Lines for people. */
public final class HumanFormat {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    private HumanFormat() {}

    /**
     * A member's connection and liveness as {@code elara session list} and the chat's {@code /who} show them, from its
     * JSON: {@code connected}, {@code connected, not answering (suspect)}, {@code not connected, answering through
     * carol}, {@code not connected, offline, last seen 3m ago}, or {@code this node}.
     */
    public static String member(JsonNode member) {
        if (member.path("self").asBoolean()) {
            return "this node";
        }
        boolean connected = member.path("connected").asBoolean();
        String liveness = member.path("liveness").asText("");
        String vouchedBy = member.path("vouchedBy").asText("");
        long seenAgoMs = member.path("lastSeenAgoMs").asLong(-1);
        StringBuilder out = new StringBuilder(connected ? "connected" : "not connected");
        if (!vouchedBy.isEmpty()) {
            out.append(", answering through ").append(vouchedBy);
        } else if (liveness.equals("suspect")) {
            out.append(", not answering for ").append(duration(seenAgoMs)).append(" (suspect)");
        } else if (liveness.equals("offline")) {
            out.append(", offline").append(seenAgoMs < 0 ? "" : ", last seen " + duration(seenAgoMs) + " ago");
        }
        return out.toString();
    }

    /** {@code 800ms}, {@code 25s}, {@code 3m}, {@code 2h}, {@code 4d}: a coarse duration for people. */
    public static String duration(long ms) {
        if (ms < 1_000) {
            return Math.max(0, ms) + "ms";
        }
        long s = ms / 1_000;
        if (s < 120) {
            return s + "s";
        }
        if (s < 120 * 60) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h";
        }
        return s / 86_400 + "d";
    }

    /** {@code 21:20:05 [lobby] alice: hello}; later lines of a multi-line text are indented under the first. */
    public static String event(Instant time, String session, String author, String text) {
        String prefix = TIME.format(time) + " [" + session + "] " + author + ": ";
        return prefix + text.replace("\n", "\n" + " ".repeat(prefix.length()));
    }

    public static String event(DeliveredEvent delivered) {
        return event(delivered.event(), delivered.session());
    }

    /** An event of session {@code session}: what its author said, or, for a state change, what it changed. */
    public static String event(Event event, String session) {
        Instant time = Instant.ofEpochMilli(Hlc.physicalMs(event.hlc()));
        if (event.kind() == EventKind.STATE) {
            SessionState.Change change = SessionState.parse(event.text());
            if (change != null) {
                return state(time, session, event.authorName(), change.key(), change.value());
            }
        }
        return event(
                time,
                session,
                event.authorName(),
                (event.kind() == EventKind.SIGNAL ? SIGNAL_MARK : "") + event.text());
    }

    /**
     * A state change, marked apart from chat: {@code 21:20:05 [lobby] * alice is away: lunch}, {@code * alice set the
     * topic: release on Friday}, {@code * alice cleared the topic}.
     */
    public static String state(Instant time, String session, String author, String key, String value) {
        String what;
        if (key.equals(SessionState.PRESENCE) && !value.isEmpty()) {
            int space = value.indexOf(' ');
            what = space < 0 ? "is " + value : "is " + value.substring(0, space) + ": " + value.substring(space + 1);
        } else if (value.isEmpty()) {
            what = "cleared the " + key;
        } else {
            what = "set the " + key + ": " + value;
        }
        return TIME.format(time) + " [" + session + "] * " + author + " " + what;
    }

    /** Put before a signal's text: a control message, not something someone said. */
    static final String SIGNAL_MARK = "(signal) ";

    /** An event as the control protocol sends it (see {@code ControlJson.event}). */
    public static String event(JsonNode json) {
        if (json.path("type").asText().equals("state") && json.has("key")) {
            return state(
                    Instant.parse(json.path("time").asText()),
                    json.path("session").asText(),
                    json.path("authorName").asText(),
                    json.path("key").asText(),
                    json.path("value").asText());
        }
        return event(
                Instant.parse(json.path("time").asText()),
                json.path("session").asText(),
                json.path("authorName").asText(),
                (json.path("type").asText().equals("signal") ? SIGNAL_MARK : "")
                        + json.path("text").asText());
    }
}
