package io.elara.crypto.identity;

/** A key file cannot be read or written; the message is one line that names the file and the problem. */
public final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
