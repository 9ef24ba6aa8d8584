package io.elara.node.channel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable message: an id, the id of the message it answers (or {@link #NO_CORRELATION_ID}), when it was created
 * and sent, a few string headers and a typed body. Times are nanoseconds on whatever clock the creator passed in;
 * nothing in this package reads a clock. Safe to share between threads once built (the body should be immutable too).
 *
 * @param id the message's id, chosen by its creator
 * @param correlationId the id of the message this one answers, or {@link #NO_CORRELATION_ID}
 * @param createdNs when the message was created, in nanoseconds
 * @param sentNs when it was sent, in nanoseconds, or {@link #NOT_SENT_NS}
 * @param headers at most {@link #HEADERS_MAX} headers; copied into an immutable map
 * @param body the payload, never null
 */
public record Message<T>(
        long id, long correlationId, long createdNs, long sentNs, Map<String, String> headers, T body) {
    /** The correlation id of a message that answers nothing. */
    public static final long NO_CORRELATION_ID = 0L;
    /** The send time of a message not yet sent. */
    public static final long NOT_SENT_NS = Long.MIN_VALUE;
    /** Headers per message, at most: headers are for routing hints, not for payload. */
    public static final int HEADERS_MAX = 16;
    /** Characters in a header name or value, at most. */
    public static final int HEADER_LENGTH_MAX = 256;

    public Message {
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
        if (headers.size() > HEADERS_MAX) {
            throw new IllegalArgumentException(
                    "a message has at most " + HEADERS_MAX + " headers, not " + headers.size());
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            checkHeaderLength(header.getKey());
            checkHeaderLength(header.getValue());
        }
    }

    /** A message with no correlation, no headers and no send time. */
    public static <T> Message<T> of(long id, T body, long createdNs) {
        return new Message<>(id, NO_CORRELATION_ID, createdNs, NOT_SENT_NS, Map.of(), body);
    }

    /** Starts a message with {@code id} and {@code body}; everything else defaults as in {@link #of}. */
    public static <T> Builder<T> builder(long id, T body) {
        return new Builder<>(id, body);
    }

    /** A reply to this message: its correlation id is this message's id. */
    public <R> Builder<R> reply(long replyId, R replyBody) {
        return new Builder<>(replyId, replyBody).correlationId(id);
    }

    /** This message stamped with {@code sentNs}; the headers map is shared, not copied. */
    public Message<T> withSentNs(long sentNs) {
        return new Message<>(id, correlationId, createdNs, sentNs, headers, body);
    }

    /** The value of header {@code name}, or null when absent. */
    public String header(String name) {
        return headers.get(name);
    }

    public boolean isSent() {
        return sentNs != NOT_SENT_NS;
    }

    private static void checkHeaderLength(String text) {
        if (text.length() > HEADER_LENGTH_MAX) {
            throw new IllegalArgumentException(
                    "a header name or value has at most " + HEADER_LENGTH_MAX + " characters, not " + text.length());
        }
    }

    /** Builds a {@link Message}. Not thread-safe; use from one thread, then share the built message. */
    public static final class Builder<T> {
        private final long id;
        private final T body;
        private long correlationId = NO_CORRELATION_ID;
        private long createdNs;
        private long sentNs = NOT_SENT_NS;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(long id, T body) {
            this.id = id;
            this.body = Objects.requireNonNull(body, "body");
        }

        public Builder<T> correlationId(long correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        public Builder<T> createdNs(long createdNs) {
            this.createdNs = createdNs;
            return this;
        }

        public Builder<T> sentNs(long sentNs) {
            this.sentNs = sentNs;
            return this;
        }

        /** Adds or replaces header {@code name}. */
        public Builder<T> header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Message<T> build() {
            return new Message<>(id, correlationId, createdNs, sentNs, headers, body);
        }
    }
}
