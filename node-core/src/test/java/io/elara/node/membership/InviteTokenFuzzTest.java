package io.elara.node.membership;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz targets for the invite decoders. Properties: {@link InviteToken#parse} and {@link InviteToken#decode} never
 * throw and return either a token or a reason; an accepted token is canonical (its bytes are the input's, its text
 * parses back to the same token) and its candidates stay within bounds. Under plain {@code mvn test} the targets replay
 * their seeds from {@code src/test/resources/io/elara/node/membership/InviteTokenFuzzTestInputs}; {@code
 * JAZZER_FUZZ=1} fuzzes for real.
 */
class InviteTokenFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzParse(byte[] input) {
        // The text a user pastes: the fuzzer's bytes read as UTF-8, malformed sequences replaced.
        InviteToken.Decoded decoded = InviteToken.parse(new String(input, StandardCharsets.UTF_8));
        if (decoded.accepted()) {
            checkCanonical(decoded.token());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzDecode(byte[] input) {
        InviteToken.Decoded decoded = InviteToken.decode(input);
        if (!decoded.accepted()) {
            return;
        }
        if (!Arrays.equals(decoded.token().encoded(), input)) {
            throw new IllegalStateException("an accepted invite is not the bytes it was read from");
        }
        checkCanonical(decoded.token());
    }

    private static void checkCanonical(InviteToken token) {
        InviteToken again = InviteToken.parse(token.text()).token();
        if (!token.equals(again)) {
            throw new IllegalStateException("an accepted invite does not parse back from its own text");
        }
        if (token.candidates().size() > InviteToken.CANDIDATES_MAX
                || token.text().length() > InviteToken.TEXT_LENGTH_MAX) {
            throw new IllegalStateException("an accepted invite is past its bounds: " + token);
        }
    }
}
