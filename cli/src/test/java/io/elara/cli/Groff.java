package io.elara.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * groff, formatting manual pages as {@code man} does. Where it is missing, {@code scripts/test-tools groff} installs
 * it (Debian's groff-base, as root); where that cannot be done the test is skipped with the reason, except under
 * {@code CI=true}, where it fails: CI must check the pages.
 */
public final class Groff {
    private static final long RUN_SECONDS_MAX = 60;

    private Groff() {}

    /** What one groff run printed. */
    public record Run(int exitCode, String out, String err) {}

    /** Makes sure groff is there, or skips (fails under CI) the calling test with the reason. */
    public static synchronized void require() {
        if (onPath("groff")) {
            return;
        }
        String problem = install();
        if (problem == null && !onPath("groff")) {
            problem = "scripts/test-tools ran, but groff is still not on the PATH";
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must check the manual pages with groff, but: " + problem);
            }
            Assumptions.abort("skipped: groff is not installed, so the pages are not checked with it: " + problem);
        }
    }

    /** {@code groff -man -Tutf8 ARGS PAGE}: the page formatted for a UTF-8 terminal, or its warnings with -z. */
    public static Run format(Path page, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("groff", "-man", "-Tutf8"));
        command.addAll(List.of(arguments));
        command.add(page.toString());
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(RUN_SECONDS_MAX, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("groff did not finish within " + RUN_SECONDS_MAX + " s on " + page);
        }
        return new Run(process.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Formatted text as a reader sees it: without grotty's overstriking for bold and underline, or its colours. */
    public static String plain(String formatted) {
        return formatted.replaceAll(".\b", "").replaceAll("\u001B\\[[0-9;]*m", "");
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code scripts/test-tools groff}; null when it succeeded, else what it said. */
    private static String install() {
        Path script = repositoryRoot().resolve("scripts/test-tools");
        try {
            Process install = new ProcessBuilder("bash", script.toString(), "groff")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
                return output.strip();
            }
            return null;
        } catch (IOException e) {
            return "cannot run " + script + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while installing groff";
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "not inside the repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
