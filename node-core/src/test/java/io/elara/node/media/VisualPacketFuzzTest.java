package io.elara.node.media;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz target for the visual payload parser and the decoder behind it. Properties: {@link VisualPacket#parse} never
 * throws and gives a packet or a problem, never both; an accepted payload encodes back to the same bytes; offering it to
 * a {@link VisualDecoder} that shows a 64×48 picture never throws, and the picture changes size only when the payload
 * is a whole keyframe on its own (one part, every tile). Under plain {@code mvn test} the target replays its seeds
 * from {@code src/test/resources/io/elara/node/media/VisualPacketFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for
 * real.
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
}
