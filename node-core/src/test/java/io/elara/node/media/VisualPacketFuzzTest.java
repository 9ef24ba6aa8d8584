package io.elara.node.media;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz targets for the visual payload parser and the decoder behind it. {@link #fuzzParse}: {@link VisualPacket#parse}
 * never throws and gives a packet or a problem, never both; an accepted payload encodes back to the same bytes;
 * offering it to a {@link VisualDecoder} that shows a 64×48 picture never throws, and the picture changes size only
 * when the payload is a whole keyframe on its own (one part, every tile). {@link #fuzzStream} does the same for a run
 * of payloads, which reaches the decoder's loss, reordering and size-switch states. Under plain {@code mvn test} the
 * targets replay their seeds from {@code src/test/resources/io/elara/node/media/VisualPacketFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class VisualPacketFuzzTest {
    private static final List<byte[]> KEYFRAME =
            new VisualEncoder(VisualEncoder.PAYLOAD_MIN).encode(TestPattern.frame(64, 48, 0), true);

    @FuzzTest(maxDuration = "60s")
    void fuzzParse(byte[] input) {
        VisualPacket.Parsed parsed = VisualPacket.parse(input, 0, input.length);
        if ((parsed.packet() == null) == (parsed.problem() == null)
                || (parsed.problem() == null) != (parsed.reason() == null)) {
            throw new IllegalStateException("a parse has a packet or a problem with its reason, never both or neither");
        }
        if (parsed.packet() != null && !java.util.Arrays.equals(parsed.packet().encode(), input)) {
            throw new IllegalStateException("an accepted payload does not encode back to its bytes");
        }
        VisualDecoder decoder = new VisualDecoder();
        for (byte[] payload : KEYFRAME) {
            decoder.offer(payload, 0, payload.length);
        }
        if (!decoder.hasPicture()) {
            throw new IllegalStateException("the seed keyframe did not make a picture");
        }
        VisualDecoder.Outcome outcome = decoder.offer(input, 0, input.length);
        if ((outcome == VisualDecoder.Outcome.REJECTED) != (decoder.rejectedTotal() == 1)) {
            throw new IllegalStateException("a rejected payload is counted once, and only a rejected one");
        }
        if (parsed.packet() == null && outcome != VisualDecoder.Outcome.REJECTED) {
            throw new IllegalStateException("a payload the parser refuses got past the decoder");
        }
        Picture picture = decoder.picture();
        if (picture.width() != 64 || picture.height() != 48) {
            VisualPacket packet = parsed.packet();
            boolean wholeKeyframe = packet != null
                    && packet.keyframe()
                    && packet.parts() == 1
                    && packet.tiles().size()
                            == VisualPacket.tilesAcross(packet.width()) * VisualPacket.tilesDown(packet.height());
            if (!wholeKeyframe || outcome != VisualDecoder.Outcome.FRAME_COMPLETE) {
                throw new IllegalStateException("the picture changed size without a whole keyframe");
            }
        }
    }

    /**
     * A stream of payloads, each a 16-bit big-endian length and that many bytes, offered one by one to a decoder that
     * shows a 64×48 picture: whatever their order, loss and contents, the decoder never throws, the picture changes
     * size only when a keyframe completes, and its counters stay consistent.
     */
    @FuzzTest(maxDuration = "60s")
    void fuzzStream(byte[] input) {
        VisualDecoder decoder = new VisualDecoder();
        for (byte[] payload : KEYFRAME) {
            decoder.offer(payload, 0, payload.length);
        }
        long nowNs = 0;
        int at = 0;
        while (at + 2 <= input.length) {
            int length = Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 2);
            Picture before = decoder.picture();
            VisualDecoder.Outcome outcome = decoder.offer(input, at + 2, length);
            at += 2 + length;
            Picture after = decoder.picture();
            if ((after.width() != before.width() || after.height() != before.height())
                    && outcome != VisualDecoder.Outcome.FRAME_COMPLETE) {
                throw new IllegalStateException("the picture changed size without a keyframe completing");
            }
            if (outcome == VisualDecoder.Outcome.REJECTED && !after.samePixels(before)) {
                throw new IllegalStateException("a rejected payload changed the picture");
            }
            if (decoder.lastCompleteFrame() < -1 || decoder.framesLost() < 0) {
                throw new IllegalStateException("counters out of range");
            }
            nowNs += 50_000_000L;
            decoder.keyframeRequestDue(nowNs);
        }
        if (decoder.packets() != KEYFRAME.size() + countPayloads(input)) {
            throw new IllegalStateException("a payload was not counted");
        }
    }

    private static int countPayloads(byte[] input) {
        int count = 0;
        int at = 0;
        while (at + 2 <= input.length) {
            at += 2 + Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 2);
            count++;
        }
        return count;
    }
}
