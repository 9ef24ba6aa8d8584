package io.elara.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Entry point of the {@code elara} jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs {@code elara ARGS} with the given writers and returns the exit code. User errors become one line, {@code
     * elara: PROBLEM}; usage errors add a pointer to the command's help.
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Building picocli's model of every command takes about 250 ms of reflection here, three times the JVM's
            // own start; the version needs none of it. MainTest checks that both paths print the same line.
            out.println(VersionProvider.versionLine());
            return ExitCode.OK;
        }
        CommandLine commandLine = new CommandLine(new ElaraCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            if (exception instanceof ElaraUserException user) {
                err.println("elara: " + user.getMessage());
                return user.exitCode();
            }
            err.println("elara: unexpected error: " + exception);
            exception.printStackTrace(err);
            return ExitCode.FAILURE;
        });
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            String command = exception.getCommandLine().getCommandSpec().qualifiedName();
            err.println("elara: " + exception.getMessage() + " (see '" + command + " --help')");
            return ExitCode.USAGE;
        });
        return commandLine.execute(args);
    }
}
