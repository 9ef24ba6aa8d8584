package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PacketReaderTest {
    private final ByteBuf frames = Unpooled.buffer();
    private final EventFrameCodec codec = new EventFrameCodec();

    @AfterEach
    void release() {
        frames.release();
    }

    private RejectReason check() {
        return PacketReader.check(frames, 0, frames.readableBytes());
    }

    @Test
    void shouldAcceptWhenThereAreNoFrames() {
        assertThat(check()).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldAcceptWhenAckAndEventsTileThePacket() {
        AckFrameFlyweight.encode(frames, 5, 9, 0);
        codec.encode(frames, 0, WireTestData.event("ada", "one"));
        codec.encode(frames, 1, WireTestData.event("ada", "two"));
        assertThat(check()).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRejectAsTruncatedWhenAFrameHeaderIsCut() {
        frames.writeByte(FrameType.ACK);
        assertThat(check()).isEqualTo(RejectReason.FRAME_TRUNCATED);
        frames.writeByte(0);
        assertThat(check()).isEqualTo(RejectReason.FRAME_TRUNCATED);
    }

    @Test
    void shouldRejectAsTruncatedWhenABodyRunsPastTheEnd() {
        AckFrameFlyweight.encode(frames, 1, 1, 0);
        frames.writerIndex(frames.writerIndex() - 1);
        assertThat(check()).isEqualTo(RejectReason.FRAME_TRUNCATED);
    }

    @Test
    void shouldRejectWhenAckBodyHasTheWrongLength() {
        frames.writeByte(FrameType.ACK).writeShort(20).writeZero(20);
        assertThat(check()).isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldCheckSignalFramesAsEventsAndSignalAcksAsAcks() {
        AckFrameFlyweight.encode(frames, FrameType.SIGNAL_ACK, 5, 9, 9, 0, null, null, 0);
        codec.encode(frames, FrameType.SIGNAL, 0, WireTestData.event("ada", "one"));
        assertThat(check()).isEqualTo(RejectReason.NONE);
        frames.clear();
        frames.writeByte(FrameType.SIGNAL_ACK).writeShort(20).writeZero(20);
        assertThat(check()).as("SIGNAL_ACK one byte short").isEqualTo(RejectReason.FRAME_MALFORMED);
        frames.clear();
        frames.writeByte(FrameType.SIGNAL).writeShort(79).writeZero(79);
        assertThat(check()).as("SIGNAL shorter than an event").isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldRejectUnknownFrameTypeUnlessMarkedOptional() {
        frames.writeByte(0x33).writeShort(2).writeZero(2);
        assertThat(check()).isEqualTo(RejectReason.FRAME_TYPE);

        frames.clear();
        frames.writeByte(0xB3).writeShort(2).writeZero(2);
        AckFrameFlyweight.encode(frames, 1, 1, 0);
        assertThat(check()).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRejectWholePacketWhenALaterFrameIsMalformed() {
        codec.encode(frames, 0, WireTestData.event("ada", "fine"));
        frames.writeByte(FrameType.EVENT).writeShort(10).writeZero(10);
        assertThat(check()).isEqualTo(RejectReason.FRAME_MALFORMED);
    }
}
