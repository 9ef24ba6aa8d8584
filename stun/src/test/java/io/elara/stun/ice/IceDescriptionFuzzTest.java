package io.elara.stun.ice;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the ICE description parser: {@link IceDescription#parse} never throws, and what it accepts writes
 * back to text that parses to the same description. Seeds in {@code
 * src/test/resources/io/elara/stun/ice/IceDescriptionFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class IceDescriptionFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzParse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        IceDescription.Parsed parsed = IceDescription.parse(text);
        if (parsed.accepted() == (parsed.problem() != null)) {
            throw new IllegalStateException("a parse has exactly one of a description and a problem: " + text);
        }
        if (parsed.accepted()
                && !IceDescription.parse(parsed.description().text())
                        .description()
                        .equals(parsed.description())) {
            throw new IllegalStateException("an accepted description does not read back: " + text);
        }
    }
}
