package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FRAGMENT flyweight and the PADDING frame: golden bytes, boundary sizes and every reject. */
class FragmentFrameFlyweightTest {
    private final ByteBuf frame = Unpooled.buffer();
    private final FragmentFrameFlyweight fragment = new FragmentFrameFlyweight();

    @AfterEach
    void release() {
        frame.release();
    }

    private static byte[] body(int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = (byte) (0xa0 + i);
        }
        return body;
    }

    private RejectReason wrapFrame() {
        return fragment.wrap(frame, FrameType.HEADER_LENGTH, frame.readableBytes() - FrameType.HEADER_LENGTH);
    }

    // Goal: the bytes on the wire are exactly those drawn in PROTOCOL.md. Method: encode bytes 1-3 of a 100-byte body.
    @Test
    void shouldWriteGoldenBytesWhenEncodingAFragment() {
        FragmentFrameFlyweight.encode(frame, 5, body(100), 1, 3);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "07" // type FRAGMENT
                                + "000f" // body length 15: 12 fixed bytes and 3 of data
                                + "00000005" // sequence
                                + "00000064" // total length 100
                                + "00000001" // fragment offset 1
                                + "a1a2a3"); // data: bytes 1-3 of the body
        assertThat(wrapFrame()).isEqualTo(RejectReason.NONE);
        assertThat(fragment.sequence()).isEqualTo(5);
        assertThat(fragment.totalLength()).isEqualTo(100);
        assertThat(fragment.fragmentOffset()).isEqualTo(1);
        assertThat(fragment.dataLength()).isEqualTo(3);
        assertThat(frame.getByte(fragment.dataIndex())).isEqualTo((byte) 0xa1);
        assertThat(frame.readableBytes()).isEqualTo(FragmentFrameFlyweight.frameLength(3));
    }

    // Goal: a whole body fits one fragment and the last byte can be a fragment. Method: both ends of a 100-byte body.
    @Test
    void shouldAcceptFragmentsThatEndExactlyAtTheTotalLength() {
        FragmentFrameFlyweight.encode(frame, 0, body(100), 0, 100);
        assertThat(wrapFrame()).isEqualTo(RejectReason.NONE);
        frame.clear();
        FragmentFrameFlyweight.encode(frame, 0, body(100), 99, 1);
        assertThat(wrapFrame()).isEqualTo(RejectReason.NONE);
    }

    // Goal: a body too short to carry one byte of data is malformed. Method: body lengths 0 to 12 (max-1 of the fixed
    // part and around it); 13 is the shortest accepted.
    @ParameterizedTest(name = "body of {0} bytes")
    @ValueSource(ints = {0, 1, 11, 12})
    void shouldRejectAsMalformedWhenTheBodyCarriesNoData(int length) {
        ByteBuf body = Unpooled.buffer(13).writeInt(0).writeInt(1).writeInt(0).writeByte(7);
        try {
            assertThat(FragmentFrameFlyweight.check(body, 0, length)).isEqualTo(RejectReason.FRAGMENT_MALFORMED);
            assertThat(FragmentFrameFlyweight.check(body, 0, 13)).isEqualTo(RejectReason.NONE);
        } finally {
            body.release();
        }
    }

    // Goal: data past Total Length, or Total Length 0, is malformed. Method: hand-built bodies one past the edge.
    @Test
    void shouldRejectAsMalformedWhenTheDataRunsPastTheTotalLength() {
        ByteBuf body = Unpooled.buffer();
        try {
            body.writeInt(0).writeInt(10).writeInt(8).writeBytes(new byte[3]); // 8 + 3 > 10
            assertThat(FragmentFrameFlyweight.check(body, 0, body.readableBytes()))
                    .isEqualTo(RejectReason.FRAGMENT_MALFORMED);
            body.clear().writeInt(0).writeInt(10).writeInt(7).writeBytes(new byte[3]); // 7 + 3 = 10: the edge
            assertThat(FragmentFrameFlyweight.check(body, 0, body.readableBytes()))
                    .isEqualTo(RejectReason.NONE);
            body.clear().writeInt(0).writeInt(0).writeInt(0).writeBytes(new byte[1]);
            assertThat(FragmentFrameFlyweight.check(body, 0, body.readableBytes()))
                    .isEqualTo(RejectReason.FRAGMENT_MALFORMED);
            body.clear().writeInt(0).writeInt(-1).writeInt(-1).writeBytes(new byte[1]); // offsets are unsigned
            assertThat(FragmentFrameFlyweight.check(body, 0, body.readableBytes()))
                    .isEqualTo(RejectReason.FRAGMENT_MALFORMED);
        } finally {
            body.release();
        }
    }

    // Goal: a malformed FRAGMENT drops the packet it is in. Method: PacketReader over a packet with such a frame.
    @Test
    void shouldDropThePacketWhenAFragmentIsMalformed() {
        frame.writeByte(FrameType.FRAGMENT)
                .writeShort(12)
                .writeInt(0)
                .writeInt(1)
                .writeInt(0);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.FRAGMENT_MALFORMED);
    }

    // Goal: the encoder refuses slices outside the body. Method: empty slice and a slice past the end.
    @Test
    void shouldRefuseToEncodeASliceOutsideTheBody() {
        assertThatThrownBy(() -> FragmentFrameFlyweight.encode(frame, 0, body(10), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FragmentFrameFlyweight.encode(frame, 0, body(10), 8, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Goal: a PADDING frame is skipped by the frame check, whatever its size. Method: golden bytes, then sizes 3
    // (empty body) and a full probe's worth after a PING.
    @Test
    void shouldWriteGoldenBytesWhenEncodingPaddingAndSkipItWhenChecking() {
        PaddingFrame.encode(frame, 5);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "88" // type PADDING: optional bit set
                                + "0002" // body length
                                + "0000"); // zeros
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.NONE);
        frame.clear();
        PingFrameFlyweight.encode(frame, 1, 2);
        PaddingFrame.encode(frame, 3);
        PaddingFrame.encode(frame, 1400);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.NONE);
        assertThatThrownBy(() -> PaddingFrame.encode(frame, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    // Goal: an event body encoded for fragments decodes to the same event. Method: encodeBody, then the EVENT decoder.
    @Test
    void shouldDecodeTheSameEventWhenItsBodyIsEncodedForFragments() {
        var event = WireTestData.event("alice", "x".repeat(5000));
        byte[] body = EventFrameCodec.encodeBody(event);
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        try {
            assertThat(body.length).isEqualTo(EventFrameCodec.frameLength(event) - FrameType.HEADER_LENGTH);
            assertThat(EventFrameCodec.checkStructure(buffer, 0, body.length)).isEqualTo(RejectReason.NONE);
            EventFrameCodec codec = new EventFrameCodec();
            assertThat(codec.decode(buffer, 0)).isEqualTo(RejectReason.NONE);
            assertThat(codec.event()).isEqualTo(event);
            assertThat(codec.sequence()).isZero();
        } finally {
            buffer.release();
        }
    }
}
