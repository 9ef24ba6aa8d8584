package io.elara.node.flow;

import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.channel.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What a {@link FlowEngine} needs from its driver: the effects of the adapter steps, a thread to run each blocking
 * step on, a way to send into the node, and a dead-letter store. The engine calls these on its own thread, except where a method says otherwise.
 */
public interface FlowIo {
    /**
     * Runs one blocking step on one message and returns what the step passes on (null: nothing). Called on the
     * step's worker thread.
     *
     * @throws FlowFailure when the message cannot be delivered; it becomes a dead letter
     */
    Message<FlowEvent> effect(String flow, StepSpec step, Message<FlowEvent> message)
            throws FlowFailure, InterruptedException;

    /**
     * The worker for blocking step {@code step} of flow {@code flow}: runs its tasks one at a time, in order, never
     * on the caller's thread unless the caller allows it (tests). Asked once per blocking step.
     */
    Executor worker(String flow, StepSpec step);

    /** Sends text into the node; the future completes on some other thread, and may fail with the reason. */
    CompletableFuture<SendResult> send(SendTarget target, String text);

    /** Stores a dead letter. Any thread (a failed send reports on the node's thread); must not block. */
    void deadLetter(DeadLetter letter);

    /** Why a blocking step failed, in one line. */
    final class FlowFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public FlowFailure(String reason) {
            super(reason);
        }

        public FlowFailure(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
