package io.elara.node.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.EnumSet;
import java.util.Set;

/**
 * Fuzz target for the MEDIA frame decoder. Properties: {@link MediaFrameFlyweight#check} never throws and returns
 * only {@code NONE}, {@code frame_malformed}, {@code media_class} or {@code media_flags}; a body it accepts has a
 * droppable class, zero flags and a payload within bounds, and encodes back to the same bytes. Under plain {@code mvn
 * test} the target replays its seeds from {@code src/test/resources/io/elara/node/wire/MediaFrameFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class MediaFrameFuzzTest {
    private static final Set<RejectReason> EXPECTED =
            EnumSet.of(RejectReason.FRAME_MALFORMED, RejectReason.MEDIA_CLASS, RejectReason.MEDIA_FLAGS);

    @FuzzTest(maxDuration = "60s")
    void fuzzMediaBody(byte[] body) {
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        ByteBuf encoded = Unpooled.buffer(MediaFrameFlyweight.frameLength(MediaFrameFlyweight.PAYLOAD_LENGTH_MAX));
        try {
            MediaFrameFlyweight media = new MediaFrameFlyweight();
            RejectReason reason = media.wrap(buffer, 0, body.length);
            if (EXPECTED.contains(reason)) {
                return;
            }
            if (reason != RejectReason.NONE) {
                throw new IllegalStateException("unexpected reason " + reason);
            }
            if (!media.trafficClass().droppable() || media.flags() != 0) {
                throw new IllegalStateException("accepted a class or flags the layout forbids");
            }
            int length = media.payloadLength();
            if (length < 0 || length > MediaFrameFlyweight.PAYLOAD_LENGTH_MAX) {
                throw new IllegalStateException("payload length " + length);
            }
            byte[] payload = new byte[length];
            buffer.getBytes(media.payloadOffset(), payload);
            MediaFrameFlyweight.encode(
                    encoded,
                    media.streamId(),
                    media.sequence(),
                    media.ageBudgetUs(),
                    media.trafficClass(),
                    payload,
                    0,
                    length);
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
