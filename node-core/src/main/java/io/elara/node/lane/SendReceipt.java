package io.elara.node.lane;

/**
 * Told what became of one event sent to one peer. Called on the loop thread; must not block.
 */
public interface SendReceipt {
    /** {@code peer} acknowledged the event. */
    void acknowledged(String peer);

    /** {@code peer} did not acknowledge it; {@code reason} is one line for the user. */
    void failed(String peer, String reason);
}
