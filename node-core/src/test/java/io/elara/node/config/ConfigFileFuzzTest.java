package io.elara.node.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Fuzz target for whole config files ({@code elara run -c FILE}), not only their {@code flows:} ({@link
 * FlowConfigFuzzTest}): {@link ConfigLoader#parse} returns a config or fails with its own one-line {@link
 * ConfigException}, never anything else. Seeds in {@code ConfigFileFuzzTestInputs} (the example configs' shapes);
 * {@code scripts/fuzz ConfigFileFuzzTest} fuzzes for real.
 */
class ConfigFileFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzConfigFile(String text) {
        if (text == null) {
            return;
        }
        try {
            ConfigLoader.parse(text, Path.of("fuzz.yaml"));
        } catch (ConfigException e) {
            String message = e.getMessage();
            if (message == null || message.isEmpty() || message.contains("\n")) {
                throw new IllegalStateException("not a one-line error: " + message, e);
            }
        }
    }
}
