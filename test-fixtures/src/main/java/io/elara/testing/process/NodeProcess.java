package io.elara.testing.process;

import io.elara.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code elara} process started from the packaged jar, for system tests. Its stdout and stderr go to files in a
 * log directory (kept after the test, so a failure can be read), never to pipes that could fill up and stall it.
 *
 * <p>The jar comes from the {@code elara.jar} system property, which the cli module's failsafe configuration sets.
 */
public final class NodeProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;

    private NodeProcess(String name, Process process, Path stdoutFile, Path stderrFile) {
        this.name = name;
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
    }

    /** The packaged jar under test. */
    public static Path jar() {
        String jar = System.getProperty("elara.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property elara.jar must name the packaged elara jar, was: " + jar);
        }
        return Path.of(jar);
    }

    /** Starts building an {@code elara ARGS...} process. */
    public static Builder elara(String... args) {
        return new Builder(List.of(args));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process wrote to stdout so far. */
    public String stdout() {
        return read(stdoutFile);
    }

    /** Everything the process wrote to stderr so far. */
    public String stderr() {
        return read(stderrFile);
    }

    /** Waits until stdout matches {@code regex}; returns the first match. */
    public Matcher awaitStdout(String regex, Duration timeout) {
        return await(regex, timeout, true);
    }

    /** Waits until stderr matches {@code regex}; returns the first match. */
    public Matcher awaitStderr(String regex, Duration timeout) {
        return await(regex, timeout, false);
    }

    private Matcher await(String regex, Duration timeout, boolean fromStdout) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        Matcher[] found = new Matcher[1];
        Await.until(
                () -> {
                    Matcher matcher = pattern.matcher(fromStdout ? stdout() : stderr());
                    if (matcher.find()) {
                        found[0] = matcher;
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + " before its "
                                + (fromStdout ? "stdout" : "stderr") + " matched /" + regex + "/\n" + describe());
                    }
                    return false;
                },
                timeout,
                () -> name + " to print /" + regex + "/ on " + (fromStdout ? "stdout" : "stderr") + "\n" + describe());
        return found[0];
    }

    /** Waits for the process to exit and returns its exit code; fails (and kills it) if it outlives the timeout. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms\n" + describe());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
    }

    /** Sends SIGTERM, as a service manager would. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL: the process gets no chance to clean up. */
    public void kill() {
        process.destroyForcibly();
    }

    /** The command's output, for failure messages. */
    public String describe() {
        return "--- " + name + " stdout (" + stdoutFile + ") ---\n" + tail(stdout()) + "--- " + name + " stderr ("
                + stderrFile + ") ---\n" + tail(stderr());
    }

    private static String tail(String text) {
        int limit = 8_000;
        String shown = text.length() > limit ? "[...]" + text.substring(text.length() - limit) : text;
        return shown.endsWith("\n") || shown.isEmpty() ? shown : shown + "\n";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Options for one process. */
    public static final class Builder {
        private final List<String> args;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private String name = "elara";
        private Path logDirectory = Path.of("target", "system-test-logs");
        private Path workDirectory;
        private Path stdin;
        private boolean terminal;
        private String namespace;

        private Builder(List<String> args) {
            this.args = args;
        }

        /** A name for logs and failure messages, e.g. "second node". Also names the log files. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder logDirectory(Path directory) {
            this.logDirectory = directory;
            return this;
        }

        public Builder workDirectory(Path directory) {
            this.workDirectory = directory;
            return this;
        }

        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Runs the process in network namespace {@code name} ({@code ip netns exec}, which becomes the process: its pid
         * and signals are the node's). Needs root.
         */
        public Builder inNamespace(String name) {
            this.namespace = name;
            return this;
        }

        /** Feeds this file to stdin; without it stdin is empty (as under CI, with no terminal). */
        public Builder stdin(Path file) {
            this.stdin = file;
            return this;
        }

        /**
         * Runs the process on a pseudo-terminal (through util-linux {@code script}), as when a person types at it:
         * stdin (see {@link #stdin}) becomes what is typed, and stdout and stderr both come out on stdout.
         */
        public Builder terminal() {
            this.terminal = true;
            return this;
        }

        public NodeProcess start() {
            try {
                Files.createDirectories(logDirectory);
                String fileStem = name.replaceAll("[^A-Za-z0-9._-]+", "-");
                Path out = logDirectory.resolve(fileStem + ".stdout");
                Path err = logDirectory.resolve(fileStem + ".stderr");
                List<String> command = new ArrayList<>();
                command.add(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.add("-ea");
                command.add("-Dio.netty.leakDetection.level=paranoid");
                command.addAll(jvmOptions);
                command.add("-jar");
                command.add(jar().toString());
                command.addAll(args);
                if (namespace != null) {
                    command.addAll(0, List.of("ip", "netns", "exec", namespace));
                }
                if (terminal) {
                    StringBuilder line = new StringBuilder();
                    for (String word : command) {
                        line.append(line.length() == 0 ? "" : " ")
                                .append('\'')
                                .append(word.replace("'", "'\\''"))
                                .append('\'');
                    }
                    command = new ArrayList<>(List.of("script", "-qfec", line.toString(), "/dev/null"));
                }
                ProcessBuilder builder =
                        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                if (stdin != null) {
                    builder.redirectInput(stdin.toFile());
                } else {
                    builder.redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                }
                if (workDirectory != null) {
                    builder.directory(workDirectory.toFile());
                }
                builder.environment().remove("ELARA_HOME");
                builder.environment().remove("ELARA_CONFIG");
                builder.environment().putAll(environment);
                return new NodeProcess(name, builder.start(), out, err);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        }
    }
}
