package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PING and PONG flyweights: golden bytes, and every body length around the one they accept. */
class PingPongFrameTest {
    private final ByteBuf frame = Unpooled.buffer();
    private final PingFrameFlyweight ping = new PingFrameFlyweight();
    private final PongFrameFlyweight pong = new PongFrameFlyweight();

    @AfterEach
    void release() {
        frame.release();
    }

    private int bodyLength() {
        return frame.readableBytes() - FrameType.HEADER_LENGTH;
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingAPing() {
        PingFrameFlyweight.encode(frame, 0x0102030405060708L, 0x0006_4A7E_6C8F_3A10L);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "03" // type PING
                                + "0010" // body length 16
                                + "0102030405060708" // ping id
                                + "00064a7e6c8f3a10"); // transmit clock, microseconds since the Unix epoch
        assertThat(ping.wrap(frame, FrameType.HEADER_LENGTH, bodyLength())).isEqualTo(RejectReason.NONE);
        assertThat(ping.pingId()).isEqualTo(0x0102030405060708L);
        assertThat(ping.transmitClockUs()).isEqualTo(0x0006_4A7E_6C8F_3A10L);
        assertThat(frame.readableBytes()).isEqualTo(PingFrameFlyweight.FRAME_LENGTH);
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingAPong() {
        PongFrameFlyweight.encode(frame, -2L, 0x0006_4A7E_6C8F_3A10L, 0x0006_4A7E_6C92_4750L, 0x01020304L);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "04" // type PONG
                                + "001c" // body length 28
                                + "fffffffffffffffe" // ping id, echoed
                                + "00064a7e6c8f3a10" // ping clock, echoed
                                + "00064a7e6c924750" // receive clock, the responder's
                                + "01020304"); // hold time, microseconds
        assertThat(pong.wrap(frame, FrameType.HEADER_LENGTH, bodyLength())).isEqualTo(RejectReason.NONE);
        assertThat(pong.pingId()).isEqualTo(-2L);
        assertThat(pong.pingClockUs()).isEqualTo(0x0006_4A7E_6C8F_3A10L);
        assertThat(pong.receiveClockUs()).isEqualTo(0x0006_4A7E_6C92_4750L);
        assertThat(pong.holdTimeUs()).isEqualTo(0x01020304L);
        assertThat(frame.readableBytes()).isEqualTo(PongFrameFlyweight.FRAME_LENGTH);
    }

    @Test
    void shouldSaturateTheHoldTimeWhenItDoesNotFit() {
        PongFrameFlyweight.encode(frame, 1, 2, 3, PongFrameFlyweight.HOLD_TIME_US_MAX + 1);
        pong.wrap(frame, FrameType.HEADER_LENGTH, bodyLength());
        assertThat(pong.holdTimeUs()).isEqualTo(PongFrameFlyweight.HOLD_TIME_US_MAX);
        frame.clear();
        PongFrameFlyweight.encode(frame, 1, 2, 3, -5);
        pong.wrap(frame, FrameType.HEADER_LENGTH, bodyLength());
        assertThat(pong.holdTimeUs()).isZero();
    }

    @ParameterizedTest(name = "body length {0}")
    @ValueSource(ints = {0, 1, 15, 16, 17, 28})
    void shouldAcceptOnlySixteenBytesWhenCheckingAPingThroughThePacketReader(int length) {
        frame.writeByte(FrameType.PING).writeShort(length).writeZero(length);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes()))
                .isEqualTo(length == PingFrameFlyweight.BODY_LENGTH ? RejectReason.NONE : RejectReason.FRAME_MALFORMED);
    }

    @ParameterizedTest(name = "body length {0}")
    @ValueSource(ints = {0, 1, 16, 27, 28, 29})
    void shouldAcceptOnlyTwentyEightBytesWhenCheckingAPongThroughThePacketReader(int length) {
        frame.writeByte(FrameType.PONG).writeShort(length).writeZero(length);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes()))
                .isEqualTo(length == PongFrameFlyweight.BODY_LENGTH ? RejectReason.NONE : RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldRejectAsTruncatedWhenAPingRunsPastTheEnd() {
        PingFrameFlyweight.encode(frame, 1, 2);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes() - 1)).isEqualTo(RejectReason.FRAME_TRUNCATED);
    }

    @Test
    void shouldAcceptWhenPingAndPongShareAPacketWithAnAck() {
        AckFrameFlyweight.encode(frame, 5, 9, 0);
        PongFrameFlyweight.encode(frame, 1, 2, 3, 4);
        PingFrameFlyweight.encode(frame, 1, 2);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.NONE);
    }
}
