package io.elara.node.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzz target for the CLOSE frame decoder. Properties: {@link CloseFrameFlyweight#check} never throws and returns only
 * {@code NONE} or {@code frame_malformed}; a body it accepts has a reason that encodes back to the same bytes (so it
 * holds no control character and is valid UTF-8 within the limit). Under plain {@code mvn test} the target replays its
 * seeds from {@code src/test/resources/io/elara/node/wire/CloseFrameFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for
 * real.
 */
class CloseFrameFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzCloseBody(byte[] body) {
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        ByteBuf encoded = Unpooled.buffer();
        try {
            RejectReason reason = CloseFrameFlyweight.check(buffer, 0, body.length);
            if (reason == RejectReason.FRAME_MALFORMED) {
                return;
            }
            if (reason != RejectReason.NONE) {
                throw new IllegalStateException("unexpected reason " + reason);
            }
            CloseFrameFlyweight close = new CloseFrameFlyweight();
            close.wrap(buffer, 0, body.length);
            CloseFrameFlyweight.encode(encoded, close.code(), close.reason());
            encoded.skipBytes(FrameType.HEADER_LENGTH);
            if (!encoded.equals(buffer)) {
                throw new IllegalStateException("an accepted body does not encode back to itself");
            }
        } finally {
            buffer.release();
            encoded.release();
        }
    }
}
