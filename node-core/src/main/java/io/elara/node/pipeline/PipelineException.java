package io.elara.node.pipeline;

/** A pipeline node failed on its input or its resources; the message is one line naming the node. */
public final class PipelineException extends Exception {
    private static final long serialVersionUID = 1L;

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
