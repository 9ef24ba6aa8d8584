package io.elara.cli;

/** Exit codes, as picocli uses them. */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** A runtime failure: the node could not start, a peer did not acknowledge, a file is damaged. */
    public static final int FAILURE = 1;
    /** A usage error: a bad option, a bad config file. */
    public static final int USAGE = 2;

    private ExitCode() {}
}
