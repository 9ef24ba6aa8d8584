package io.elara.node.media;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the voice payload parser and the Opus decoder behind it. Properties: {@link VoicePacket#parse} never
 * throws and gives a packet or a problem, never both; an accepted payload encodes back to the same bytes; decoding
 * its Opus packet, or concealing after it, never throws. Under plain {@code mvn test} the target replays its seeds from
 * {@code src/test/resources/io/elara/node/media/VoicePacketFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class VoicePacketFuzzTest {
    private final VoiceCodec decoder = VoiceCodec.decoder();
    private final float[] out = new float[VoiceCodec.FRAME_SAMPLES];

    @FuzzTest(maxDuration = "60s")
    void fuzzParse(byte[] input) {
        VoicePacket.Parsed parsed = VoicePacket.parse(input, 0, input.length);
        if ((parsed.packet() == null) == (parsed.problem() == null)) {
            throw new IllegalStateException("a parse has a packet or a problem, never both or neither");
        }
        if (parsed.packet() == null) {
            return;
        }
        if (!java.util.Arrays.equals(parsed.packet().encode(), input)) {
            throw new IllegalStateException("an accepted payload does not encode back to its bytes");
        }
        decoder.decode(parsed.packet().opus(), false, out);
        decoder.decode(parsed.packet().opus(), true, out);
        decoder.conceal(out);
    }
}
