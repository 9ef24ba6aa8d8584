package io.elara.node.pipeline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Fuzz target for pipeline manifests ({@code elara pipeline run FILE}): whatever a file holds, {@link
 * ManifestLoader#parse} returns a manifest or fails with its own one-line {@link ManifestException}, never anything
 * else. Seeds in {@code ManifestLoaderFuzzTestInputs}; {@code scripts/fuzz ManifestLoaderFuzzTest} fuzzes for real.
 */
class ManifestLoaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzManifest(String text) {
        if (text == null) {
            return;
        }
        try {
            ManifestLoader.parse(text, Path.of("fuzz.yaml"));
        } catch (ManifestException e) {
            String message = e.getMessage();
            if (message == null || message.isEmpty() || message.contains("\n")) {
                throw new IllegalStateException("not a one-line error: " + message, e);
            }
        }
    }
}
