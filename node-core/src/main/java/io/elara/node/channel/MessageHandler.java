package io.elara.node.channel;

/** Receives messages from a channel, on whichever thread the channel documents. */
@FunctionalInterface
public interface MessageHandler<T> {
    void onMessage(Message<T> message);
}
