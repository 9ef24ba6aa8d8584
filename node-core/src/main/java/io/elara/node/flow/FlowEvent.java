package io.elara.node.flow;

import io.elara.crdt.clock.Hlc;
import io.elara.node.DeliveredEvent;
import io.elara.node.channel.flow.FilterSubject;
import io.elara.node.event.Event;
import java.util.Locale;

/**
 * The body of a message in a flow: the event it came from, with its text as the steps so far have changed it.
 * Immutable.
 *
 * @param kind the stream kind, e.g. {@code text}
 * @param session the session's name ({@code direct} for direct messages)
 * @param author the author's display name
 * @param authorId the author's NodeId
 * @param from the peer it came from (name or {@code ip:port}), null when this node authored it
 * @param local whether this node authored it
 * @param eventId the originating event's id
 * @param hlc the author's hybrid logical clock when it was created
 * @param text the text
 */
public record FlowEvent(
        String kind,
        String session,
        String author,
        String authorId,
        String from,
        boolean local,
        String eventId,
        long hlc,
        String text) {
    /** The placeholder names a flow template may use, besides {@code headers.NAME}. */
    static final java.util.Set<String> FIELDS =
            java.util.Set.of("text", "kind", "session", "author", "author-id", "from", "id", "time", "flow");

    /** The body for a delivered event. */
    public static FlowEvent of(DeliveredEvent delivered) {
        Event event = delivered.event();
        return new FlowEvent(
                event.kind().name().toLowerCase(Locale.ROOT),
                delivered.session(),
                event.authorName(),
                event.author().toString(),
                delivered.from(),
                delivered.local(),
                event.id().toString(),
                event.hlc(),
                event.text());
    }

    /** The same event with another text. */
    public FlowEvent withText(String newText) {
        return new FlowEvent(kind, session, author, authorId, from, local, eventId, hlc, newText);
    }

    /** {@code message} with its body's text replaced by {@code text}; id, times and headers stay. */
    public static io.elara.node.channel.Message<FlowEvent> withText(
            io.elara.node.channel.Message<FlowEvent> message, String text) {
        return new io.elara.node.channel.Message<>(
                message.id(),
                message.correlationId(),
                message.createdNs(),
                message.sentNs(),
                message.headers(),
                message.body().withText(text));
    }

    /** The author's wall-clock time as ISO-8601 UTC, from its hybrid logical clock. */
    public String time() {
        return java.time.Instant.ofEpochMilli(Hlc.physicalMs(hlc)).toString();
    }

    /** True when {@code name} is a placeholder a flow template may use. */
    public static boolean isField(String name) {
        return FIELDS.contains(name) || (name.startsWith("headers.") && name.length() > "headers.".length());
    }

    /** A {@link FilterSubject} view of a message. */
    static FilterSubject subject(io.elara.node.channel.Message<FlowEvent> message) {
        FlowEvent body = message.body();
        return new FilterSubject() {
            @Override
            public String kind() {
                return body.kind;
            }

            @Override
            public String author() {
                return body.author;
            }

            @Override
            public String session() {
                return body.session;
            }

            @Override
            public String text() {
                return body.text;
            }

            @Override
            public String header(String name) {
                return message.header(name);
            }
        };
    }

    /** The value of template placeholder {@code name} for {@code message} in flow {@code flow}. */
    public static String field(io.elara.node.channel.Message<FlowEvent> message, String flow, String name) {
        FlowEvent body = message.body();
        return switch (name) {
            case "text" -> body.text;
            case "kind" -> body.kind;
            case "session" -> body.session;
            case "author" -> body.author;
            case "author-id" -> body.authorId;
            case "from" -> body.from;
            case "id" -> body.eventId;
            case "time" -> body.time();
            case "flow" -> flow;
            default -> name.startsWith("headers.") ? message.header(name.substring("headers.".length())) : null;
        };
    }
}
