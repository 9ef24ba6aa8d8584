package io.elara.node.lane;

/**
 * Told what became of one event sent to one peer. Called on the loop thread; must not block.
 */
public interface SendReceipt {
    /**
     * The receipt of an event nobody waits on: every fragment of an event but its last (the last one's receipt completes
     * the event), and an event a member passes on for its author.
     */
    SendReceipt NONE = new SendReceipt() {
        @Override
        public void acknowledged(String peer) {
            // Nobody waits for it.
        }

        @Override
        public void failed(String peer, String reason) {
            // Likewise.
        }
    };

    /** {@code peer} acknowledged the event. */
    void acknowledged(String peer);

    /** {@code peer} did not acknowledge it; {@code reason} is one line for the user. */
    void failed(String peer, String reason);
}
