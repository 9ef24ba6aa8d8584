package io.elara.node.pipeline.text;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pipes text to a command and returns what it prints. The command's output goes to temporary files, not pipes, so a
 * command that writes before it reads cannot deadlock; output is bounded; a command that outlives its deadline is
 * killed. Blocking: run it on a worker thread, never on a node's loop thread.
 */
public final class ExecRunner {
    /** Most output kept from one run. */
    public static final int OUTPUT_BYTES_MAX = 1 << 20;

    private final List<String> command;
    private final long deadlineMs;
    private final Path directory;

    /** A runner for {@code command} in this process's working directory. */
    public ExecRunner(List<String> command, long deadlineMs) {
        this(command, deadlineMs, null);
    }

    /** A runner for {@code command} in {@code directory} (null: this process's working directory). */
    public ExecRunner(List<String> command, long deadlineMs, Path directory) {
        this.command = List.copyOf(command);
        this.deadlineMs = deadlineMs;
        this.directory = directory;
    }

    /** The command failed; the message is one line. */
    public static final class ExecException extends Exception {
        private static final long serialVersionUID = 1L;

        ExecException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the command with {@code input} on its stdin and returns its stdout, without a trailing newline.
     *
     * @throws ExecException when it cannot start, exits non-zero (the message quotes its stderr's first line), or
     *     outlives the deadline
     * @throws InterruptedException when the calling thread is interrupted (the command is killed)
     */
    public String run(String input) throws ExecException, InterruptedException {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("elara-exec", ".out");
            err = Files.createTempFile("elara-exec", ".err");
            process = new ProcessBuilder(command)
                    .directory(directory == null ? null : directory.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The command closed its stdin without reading all of it; what it printed still counts.
            }
            if (!process.waitFor(deadlineMs, TimeUnit.MILLISECONDS)) {
                throw new ExecException(name() + " did not finish within " + deadlineMs + " ms; stopped", null);
            }
            if (process.exitValue() != 0) {
                String first = firstLine(err);
                throw new ExecException(
                        name() + " exited with " + process.exitValue() + (first.isEmpty() ? "" : ": " + first), null);
            }
            return stripNewline(read(out));
        } catch (IOException e) {
            throw new ExecException("cannot run " + name() + ": " + e.getMessage(), e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            delete(out);
            delete(err);
        }
    }

    private String name() {
        return "'" + String.join(" ", command) + "'";
    }

    private static String read(Path file) throws IOException {
        long size = Files.size(file);
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(size, OUTPUT_BYTES_MAX));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String firstLine(Path file) throws IOException {
        String text = read(file).strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String stripNewline(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A temporary file left in the temp folder is harmless; the result of the run matters more.
            file.toFile().deleteOnExit();
        }
    }
}
