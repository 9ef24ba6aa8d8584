package io.elara.node.pipeline;

/** A manifest is invalid; the message is one line naming the file, position and node where known. */
public final class ManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
