package io.elara.node.pipeline.audio;

/** A file is not a WAV Elara can read; the message is one line naming the file and the problem. */
public final class WavFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public WavFormatException(String message) {
        super(message);
    }

    public WavFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
