package io.elara.node;

/** A message could not be sent at all (unknown target, invalid text, queue full); the message is one line. */
public final class SendException extends Exception {
    private static final long serialVersionUID = 1L;

    public SendException(String message) {
        super(message);
    }
}
