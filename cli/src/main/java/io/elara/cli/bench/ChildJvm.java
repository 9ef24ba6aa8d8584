package io.elara.cli.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of an {@code elara} child process that runs as this one does: the same {@code java} binary, class
 * path and the JVM options that shape what is measured, so a benchmark's children differ from it only in their
 * arguments.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java [options] -cp CLASSPATH io.elara.cli.Main ARGS}, with this process's binary and class path. */
    static List<String> elara(List<String> args) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(forwardedJvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.elara.cli.Main");
        command.addAll(args);
        return command;
    }

    /**
     * The options of this JVM that shape what is measured (heap, collector, assertions, system properties), so that
     * the child runs as this process does. Agents, debuggers and class-data archives (which name this process's own
     * class path) are not passed on.
     */
    private static List<String> forwardedJvmOptions() {
        List<String> forwarded = new ArrayList<>();
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-D")
                    || option.equals("-ea")
                    || option.startsWith("-enableassertions")
                    || option.startsWith("-Xmx")
                    || option.startsWith("-Xms")
                    || (option.startsWith("-XX:+Use") && option.endsWith("GC"))) {
                forwarded.add(option);
            }
        }
        return forwarded;
    }
}
