package io.elara.node.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.event.Event;
import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Fuzz target for the EVENT frame body: {@link EventFrameCodec#checkStructure} and then {@link EventFrameCodec#decode},
 * as the packet reader and the store run them. Properties: neither throws; a body both accept holds an event that
 * encodes back to the same bytes. Under plain {@code mvn test} the target replays its seeds from {@code
 * EventFrameFuzzTestInputs}; {@code JAZZER_FUZZ=1} (or {@code scripts/fuzz EventFrameFuzzTest}) fuzzes for real.
 */
class EventFrameFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzEventBody(byte[] body) {
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        try {
            if (EventFrameCodec.checkStructure(buffer, 0, body.length) != RejectReason.NONE) {
                return;
            }
            EventFrameCodec codec = new EventFrameCodec();
            if (codec.decode(buffer, 0) != RejectReason.NONE) {
                return;
            }
            Event event = codec.event();
            byte[] again = EventFrameCodec.encodeBody(event);
            byte[] withoutSequence = Arrays.copyOfRange(body, 4, body.length);
            if (!Arrays.equals(Arrays.copyOfRange(again, 4, again.length), withoutSequence)) {
                throw new IllegalStateException("an accepted body does not encode back to itself");
            }
        } finally {
            buffer.release();
        }
    }
}
