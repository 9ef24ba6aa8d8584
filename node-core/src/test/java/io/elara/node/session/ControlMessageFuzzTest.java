package io.elara.node.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the session control parser. Properties: {@link ControlMessage#parse} never throws; an accepted
 * message writes a line that parses back to the same message, and that line is its own canonical form. Under plain
 * {@code mvn test} the target replays its seeds from {@code
 * src/test/resources/io/elara/node/session/ControlMessageFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ControlMessageFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzParse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ControlMessage.Parsed parsed = ControlMessage.parse(text);
        if (parsed.accepted() == (parsed.problem() != null)) {
            throw new IllegalStateException("a parse has a message or a problem, never both or neither");
        }
        if (!parsed.accepted()) {
            return;
        }
        String written = parsed.message().text();
        ControlMessage.Parsed again = ControlMessage.parse(written);
        if (!again.accepted()
                || !again.message().equals(parsed.message())
                || !again.message().text().equals(written)) {
            throw new IllegalStateException("an accepted message does not read back: " + text + " -> " + written);
        }
    }
}
