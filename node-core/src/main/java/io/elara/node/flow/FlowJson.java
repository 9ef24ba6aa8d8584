package io.elara.node.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.elara.crdt.clock.Hlc;
import io.elara.node.channel.Message;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of flow messages and dead letters, one object per line. A message: {@code
 * {"flow","id","session","author","authorName","from","local","time","hlc","kind","text","headers"}} — the fields
 * of {@code elara tail --json} ({@code author} is the NodeId), plus the flow, the sender and the message's headers. {@code from} is absent for the node's own events.
 */
public final class FlowJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private FlowJson() {}

    /** {@code message} as one line of JSON, without the newline. */
    public static String message(String flow, Message<FlowEvent> message) {
        return write(fields(flow, message));
    }

    /** A dead letter: {@code {"at","flow","step","reason","message":{...}}}. */
    public static String deadLetter(DeadLetter letter) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", Instant.ofEpochSecond(0, letter.atNs()).toString());
        json.put("flow", letter.flow());
        json.put("step", letter.step());
        json.put("reason", letter.reason());
        json.put("message", fields(letter.flow(), letter.message()));
        return write(json);
    }

    private static Map<String, Object> fields(String flow, Message<FlowEvent> message) {
        FlowEvent body = message.body();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("flow", flow);
        json.put("id", body.eventId());
        json.put("session", body.session());
        json.put("author", body.authorId());
        json.put("authorName", body.author());
        if (body.from() != null) {
            json.put("from", body.from());
        }
        json.put("local", body.local());
        json.put("time", body.time());
        json.put("hlc", Hlc.format(body.hlc()));
        json.put("kind", body.kind());
        json.put("text", body.text());
        if (!message.headers().isEmpty()) {
            json.put("headers", new java.util.TreeMap<>(message.headers()));
        }
        return json;
    }

    private static String write(Map<String, Object> json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            // Strings, booleans and maps of strings always serialize.
            throw new IllegalStateException(e);
        }
    }
}
