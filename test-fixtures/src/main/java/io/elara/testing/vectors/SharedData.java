package io.elara.testing.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the project's shared test data ({@code ../shared/data} beside the repository: test vectors and editing
 * traces, never edited here). The system property {@code elara.shared.data} overrides the location.
 */
public final class SharedData {
    private SharedData() {}

    /**
     * The file at {@code relative} under the shared data folder. Where that folder is not present at all, the calling
     * test is skipped with a printed reason; a missing file inside a present folder is a failure.
     */
    public static Path file(String relative) {
        Path root = root();
        Assumptions.assumeTrue(
                root != null, "shared test data not found (looked for ../shared/data beside the repository)");
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("shared test data file missing: " + file);
        }
        return file;
    }

    /** The JSON file at {@code relative}, parsed; skipped like {@link #file} when the shared folder is absent. */
    public static JsonNode json(String relative) {
        Path file = file(relative);
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** Decodes a hex string from a vector file. */
    public static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }

    private static Path root() {
        String override = System.getProperty("elara.shared.data");
        if (override != null) {
            return Path.of(override);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                Path shared = dir.resolveSibling("shared").resolve("data");
                return Files.isDirectory(shared) ? shared : null;
            }
            dir = dir.getParent();
        }
        return null;
    }
}
