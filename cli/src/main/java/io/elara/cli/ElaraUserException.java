package io.elara.cli;

/** A failure the user can act on: printed as one line {@code elara: MESSAGE}, exiting with {@link #exitCode()}. */
public final class ElaraUserException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ElaraUserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ElaraUserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
