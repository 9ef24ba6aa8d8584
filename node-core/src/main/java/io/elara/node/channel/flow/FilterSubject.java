package io.elara.node.channel.flow;

/**
 * The read-only view of an event that a {@link Filter} tests. Each accessor returns null when the event has no such
 * field; a comparison against a missing field is false, except {@code !=}, which is true.
 */
public interface FilterSubject {
    /** The stream kind, e.g. {@code text}. */
    String kind();

    /** The author's name or id. */
    String author();

    /** The session's name or id. */
    String session();

    /** The event's text. */
    String text();

    /** The value of header {@code name}. */
    String header(String name);
}
