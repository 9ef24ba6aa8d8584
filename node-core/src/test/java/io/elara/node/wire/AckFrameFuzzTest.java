package io.elara.node.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzz target for the ACK frame decoder. Properties: {@link AckFrameFlyweight#check} never throws and returns only
 * {@code NONE} or {@code frame_malformed}; a body it accepts decodes into ranges that are increasing, separated, above
 * Next Expected and within the receive window, a Stored Below no higher than Next Expected, and encodes back to the same bytes. Under plain {@code mvn test} the
 * target replays its seeds from {@code src/test/resources/io/elara/node/wire/AckFrameFuzzTestInputs}; {@code
 * JAZZER_FUZZ=1} fuzzes for real.
 */
class AckFrameFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzAckBody(byte[] body) {
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        ByteBuf encoded = Unpooled.buffer(AckFrameFlyweight.FRAME_LENGTH_MAX);
        try {
            AckFrameFlyweight ack = new AckFrameFlyweight();
            RejectReason reason = ack.wrap(buffer, 0, body.length);
            if (reason == RejectReason.FRAME_MALFORMED) {
                return;
            }
            if (reason != RejectReason.NONE) {
                throw new IllegalStateException("unexpected reason " + reason);
            }
            long[] starts = new long[AckFrameFlyweight.RANGE_COUNT_MAX];
            long[] ends = new long[AckFrameFlyweight.RANGE_COUNT_MAX];
            int count = ack.ranges(starts, ends);
            long previousEnd = ack.nextExpected();
            for (int i = 0; i < count; i++) {
                if (starts[i] <= previousEnd || ends[i] <= starts[i]) {
                    throw new IllegalStateException("range " + i + " is not after the previous one");
                }
                previousEnd = ends[i];
            }
            if (previousEnd > ack.nextExpected() + AckFrameFlyweight.RANGE_SPAN_MAX) {
                throw new IllegalStateException("ranges pass the receive window");
            }
            if (ack.storedBelow() > ack.nextExpected()) {
                throw new IllegalStateException("accepted a Stored Below past Next Expected");
            }
            AckFrameFlyweight.encode(
                    encoded,
                    FrameType.ACK,
                    ack.ackedEpoch(),
                    ack.nextExpected(),
                    ack.storedBelow(),
                    ack.ackDelayUs(),
                    starts,
                    ends,
                    count);
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
