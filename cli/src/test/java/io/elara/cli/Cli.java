package io.elara.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code elara ARGS} in-process with captured output. */
public final class Cli {
    private Cli() {}

    /** What one run printed, and its exit code. */
    public record Result(int exitCode, String out, String err) {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (PrintWriter outWriter = new PrintWriter(out, true);
                PrintWriter errWriter = new PrintWriter(err, true)) {
            int code = Main.execute(args, outWriter, errWriter);
            return new Result(code, out.toString(), err.toString());
        }
    }
}
