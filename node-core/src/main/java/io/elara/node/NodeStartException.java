package io.elara.node;

/** A node could not start (port in use, data directory locked, ...); the message is one line for the user. */
public final class NodeStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public NodeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
