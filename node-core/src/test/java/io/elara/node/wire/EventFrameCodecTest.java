package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.BatchVerifier;
import io.elara.crypto.sign.EventProof;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventFrameCodecTest {
    private final EventFrameCodec codec = new EventFrameCodec();

    private static String golden() {
        return golden("6869"); // "hi"
    }

    /** The golden frame with {@code textHex} as the text bytes. */
    private static String golden(String textHex) {
        int textLength = textHex.length() / 2;
        return String.join(
                "",
                "01", // frame type EVENT
                String.format(
                        java.util.Locale.ROOT,
                        "%04x",
                        84 + 3 + textLength + 3), // 84 fixed + name + text + unsigned proof (0x005c for "hi")
                "00000007", // sequence 7
                "0102030405060708090a0b0c0d0e0f10", // event id
                "11111111111111112222222222222222", // session id
                "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", // author
                "0000019b4c3a0005", // hybrid logical clock
                "a0000002", // counter: the author's event 2,684,354,562 in the session (unsigned 32 bits)
                "01", // kind TEXT
                "03", // name length
                String.format(java.util.Locale.ROOT, "%04x", textLength), // text length
                "616461", // "ada"
                textHex,
                "000000"); // proof: index 0 of 0, no path: unsigned
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingAKnownEvent() {
        ByteBuf out = Unpooled.buffer();
        try {
            codec.encode(out, 7, WireTestData.event("ada", "hi"));
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(golden());
            assertThat(EventFrameCodec.frameLength(WireTestData.event("ada", "hi")))
                    .isEqualTo(out.readableBytes());
        } finally {
            out.release();
        }
    }

    @Test
    void shouldWriteTheEventLayoutUnderTypeSignalForTheSignalLane() {
        // A SIGNAL frame is an EVENT frame with another type byte (0x09) and kind 2; nothing else differs.
        Event text = WireTestData.event("ada", "hi");
        Event signal = new Event(
                text.id(),
                text.session(),
                text.author(),
                text.authorName(),
                text.hlc(),
                text.counter(),
                EventKind.SIGNAL,
                "hi");
        ByteBuf out = Unpooled.buffer();
        try {
            codec.encode(out, FrameType.SIGNAL, 7, signal);
            String expected = "09" + golden().substring(2);
            int kindAt = 2 * (FrameType.HEADER_LENGTH + EventFrameCodec.KIND_OFFSET);
            expected = expected.substring(0, kindAt) + "02" + expected.substring(kindAt + 2);
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(expected);
            assertThat(EventFrameCodec.checkStructure(out, FrameType.HEADER_LENGTH, out.readableBytes() - 3))
                    .isEqualTo(RejectReason.NONE);
            assertThat(codec.decode(out, FrameType.HEADER_LENGTH)).isEqualTo(RejectReason.NONE);
            assertThat(codec.event().kind()).isEqualTo(EventKind.SIGNAL);
            assertThatThrownBy(() -> codec.encode(out, FrameType.ACK, 7, signal))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            out.release();
        }
    }

    @Test
    void shouldDecodeEveryFieldWhenReadingGoldenBytes() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(golden()));
        try {
            int body = FrameType.HEADER_LENGTH;
            assertThat(EventFrameCodec.checkStructure(in, body, in.readableBytes() - body))
                    .isEqualTo(RejectReason.NONE);
            assertThat(codec.decode(in, body)).isEqualTo(RejectReason.NONE);
            assertThat(codec.sequence()).isEqualTo(7);
            assertThat(codec.event()).isEqualTo(WireTestData.event("ada", "hi"));
        } finally {
            in.release();
        }
    }

    /**
     * The largest text, 65,189 bytes, is where an 84-byte fixed part, a 3-byte name and room for the largest proof
     * (259 bytes) fill the 16-bit length.
     */
    @ParameterizedTest(name = "text of {0} bytes")
    @ValueSource(ints = {0, 1, 1023, 1024, 1025, 65_188, 65_189})
    void shouldRoundTripWhenTextLengthIsAtABoundary(int length) {
        roundTrip("ada", "x".repeat(length));
    }

    @ParameterizedTest(name = "name of {0} bytes")
    @ValueSource(ints = {0, 1, 31, 32, 33, 255})
    void shouldRoundTripWhenNameLengthIsAtABoundary(int length) {
        roundTrip("n".repeat(length), "hi");
    }

    @Test
    void shouldRoundTripWhenTextUsesMultiByteCharacters() {
        roundTrip("zoë", "naïve café, 日本語, and an emoji 🎉");
    }

    @Test
    void shouldRefuseToEncodeWhenFieldsExceedTheFormat() {
        ByteBuf out = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> codec.encode(out, 0, WireTestData.event("n".repeat(256), "hi")))
                    .isInstanceOf(IllegalArgumentException.class);
            // The frame length field is 16 bits: 84 fixed + 3 name + 65,190 text + 259 proof is one byte too many.
            assertThatThrownBy(() -> codec.encode(out, 0, WireTestData.event("ada", "x".repeat(65_190))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(out.readableBytes()).isZero();
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "batch of {0}")
    @ValueSource(ints = {1, 2, 3, 64})
    void shouldRoundTripTheProofAndVerifyItWhenSignedInABatch(int batch) {
        Identity author = Identity.fromSeed(new byte[32]);
        List<Event> events = new ArrayList<>();
        List<byte[]> signed = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            Event event = WireTestData.event("ada", "message " + i);
            event = new Event(
                    event.id(), event.session(), author.nodeId(), "ada", event.hlc(), event.kind(), event.text());
            events.add(event);
            signed.add(EventFrameCodec.signedBytes(event));
        }
        EventProof[] proofs = BatchSigner.sign(author, signed);
        BatchVerifier verifier = new BatchVerifier();
        for (int i = 0; i < batch; i++) {
            Event decoded = roundTrip(events.get(i).withProof(proofs[i]));
            assertThat(decoded.proof()).isEqualTo(proofs[i]);
            assertThat(verifier.verify(author.nodeId(), EventFrameCodec.signedBytes(decoded), decoded.proof()))
                    .isTrue();
            Event altered = new Event(
                    decoded.id(),
                    decoded.session(),
                    decoded.author(),
                    decoded.authorName(),
                    decoded.hlc(),
                    decoded.counter(),
                    decoded.kind(),
                    decoded.text() + "!",
                    decoded.proof());
            assertThat(verifier.verify(author.nodeId(), EventFrameCodec.signedBytes(altered), altered.proof()))
                    .as("a changed text no longer matches the signature")
                    .isFalse();
            Event renumbered = new Event(
                    decoded.id(),
                    decoded.session(),
                    decoded.author(),
                    decoded.authorName(),
                    decoded.hlc(),
                    decoded.counter() + 1,
                    decoded.kind(),
                    decoded.text(),
                    decoded.proof());
            assertThat(verifier.verify(author.nodeId(), EventFrameCodec.signedBytes(renumbered), renumbered.proof()))
                    .as("a relay cannot renumber an event: the counter is signed")
                    .isFalse();
        }
        // One verification for the whole genuine batch; each altered or renumbered event leads to another root,
        // refused.
        assertThat(verifier.signatureChecks()).isEqualTo(1 + 2 * batch);
    }

    @Test
    void shouldRejectStructureWhenTheProofIsMalformed() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(golden()));
        try {
            int body = FrameType.HEADER_LENGTH;
            int length = in.readableBytes() - body;
            int proof = in.writerIndex() - EventFrameCodec.UNSIGNED_PROOF_LENGTH;
            in.setByte(proof, 1); // index 1 of a batch of 0
            assertThat(EventFrameCodec.checkStructure(in, body, length)).isEqualTo(RejectReason.FRAME_MALFORMED);
            in.setByte(proof, 0);
            in.setByte(proof + 1, 1); // a batch of 1 needs a 64-byte signature the frame does not hold
            assertThat(EventFrameCodec.checkStructure(in, body, length)).isEqualTo(RejectReason.FRAME_MALFORMED);
            in.setByte(proof + 1, 65); // more than a batch holds
            assertThat(EventFrameCodec.checkStructure(in, body, length)).isEqualTo(RejectReason.FRAME_MALFORMED);
        } finally {
            in.release();
        }
    }

    private void roundTrip(String name, String text) {
        roundTrip(WireTestData.event(name, text));
    }

    private Event roundTrip(Event event) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            codec.encode(buffer, 0xFFFF_FFFFL, event);
            int body = FrameType.HEADER_LENGTH;
            int bodyLength = buffer.getUnsignedShort(FrameType.LENGTH_OFFSET);
            assertThat(bodyLength).isEqualTo(buffer.readableBytes() - body);
            assertThat(EventFrameCodec.checkStructure(buffer, body, bodyLength)).isEqualTo(RejectReason.NONE);
            assertThat(codec.decode(buffer, body)).isEqualTo(RejectReason.NONE);
            assertThat(codec.sequence()).isEqualTo(0xFFFF_FFFFL);
            assertThat(codec.event()).isEqualTo(event);
            return codec.event();
        } finally {
            buffer.release();
        }
    }

    @Test
    void shouldRejectStructureWhenLengthsDisagree() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(golden()));
        try {
            int body = FrameType.HEADER_LENGTH;
            int length = in.readableBytes() - body;
            assertThat(EventFrameCodec.checkStructure(in, body, length - 1)).isEqualTo(RejectReason.FRAME_MALFORMED);
            assertThat(EventFrameCodec.checkStructure(in, body, EventFrameCodec.FIXED_LENGTH - 1))
                    .isEqualTo(RejectReason.FRAME_MALFORMED);
            assertThat(EventFrameCodec.checkStructure(in, body, 0)).isEqualTo(RejectReason.FRAME_MALFORMED);
            in.setByte(body + EventFrameCodec.TEXT_LENGTH_OFFSET + 1, 3); // text length 3, one byte more than sent
            assertThat(EventFrameCodec.checkStructure(in, body, length)).isEqualTo(RejectReason.FRAME_MALFORMED);
        } finally {
            in.release();
        }
    }

    @Test
    void shouldRejectContentButKeepSequenceWhenKindIsUnknown() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(golden()));
        try {
            in.setByte(FrameType.HEADER_LENGTH + EventFrameCodec.KIND_OFFSET, 9);
            assertThat(codec.decode(in, FrameType.HEADER_LENGTH)).isEqualTo(RejectReason.EVENT_KIND);
            assertThat(codec.sequence()).isEqualTo(7);
            assertThat(codec.event()).isNull();
        } finally {
            in.release();
        }
    }

    @ParameterizedTest(name = "text bytes {0}")
    @ValueSource(strings = {"ff", "c080", "eda080", "e282", "f4908080"})
    void shouldRejectTextWhenItIsNotUtf8(String badHex) {
        // Invalid byte, overlong encoding, a lone surrogate, a truncated sequence, above U+10FFFF.
        String hex = golden(badHex);
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
        try {
            int body = FrameType.HEADER_LENGTH;
            assertThat(EventFrameCodec.checkStructure(in, body, in.readableBytes() - body))
                    .isEqualTo(RejectReason.NONE);
            assertThat(codec.decode(in, body)).isEqualTo(RejectReason.TEXT_NOT_UTF8);
            assertThat(codec.sequence()).isEqualTo(7);
        } finally {
            in.release();
        }
    }
}
