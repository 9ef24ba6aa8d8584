package io.elara.stun.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz target for the STUN decoder. Properties: {@link StunMessage#decode} never throws; a message it accepts encodes
 * back (without integrity and fingerprint) to bytes that decode to the same attributes, and the accessors never throw
 * on what it accepted. Under plain {@code mvn test} the target replays its seeds from {@code
 * src/test/resources/io/elara/stun/codec/StunMessageFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class StunMessageFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzDecode(byte[] input) {
        StunMessage.Decoded decoded = StunMessage.decode(input);
        if (!decoded.ok()) {
            return;
        }
        StunMessage message = decoded.message();
        for (StunMessage.Attribute attribute : message.attributes()) {
            message.address(attribute.type());
            message.text(attribute.type());
        }
        message.errorCode();
        message.unknownAttributes();
        message.integrity(new byte[] {1});
        byte[] again = message.toBuilder().encode(null, false);
        StunMessage.Decoded reread = StunMessage.decode(again);
        if (!reread.ok() || reread.message().messageType() != message.messageType()) {
            throw new IllegalStateException("an accepted message does not read back: " + Arrays.toString(input));
        }
        long kept = message.attributes().stream()
                .filter(a -> a.type() != StunAttributes.MESSAGE_INTEGRITY && a.type() != StunAttributes.FINGERPRINT)
                .count();
        if (reread.message().attributes().size() != kept) {
            throw new IllegalStateException("attributes lost in encoding: " + Arrays.toString(input));
        }
    }
}
