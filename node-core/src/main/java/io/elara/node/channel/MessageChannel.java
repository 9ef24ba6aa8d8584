package io.elara.node.channel;

/** Somewhere to send messages. Each implementation documents its threading and what a refusal means. */
public interface MessageChannel<T> {
    /** Sends {@code message}; true when the channel took it, false when it was refused or dropped (and counted). */
    boolean send(Message<T> message);
}
