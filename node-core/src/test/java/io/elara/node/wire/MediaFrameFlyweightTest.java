package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.event.RejectReason;
import io.elara.node.lane.TrafficClass;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MEDIA flyweight: golden bytes, every payload size around the bounds, and each reason it rejects a body for.
 * Goal: what one node writes, another reads field for field, and nothing malformed gets past {@link PacketReader}.
 * Method: encode, dump, compare with bytes written out by hand; then corrupt one field at a time.
 */
class MediaFrameFlyweightTest {
    private static final int MAX = MediaFrameFlyweight.PAYLOAD_LENGTH_MAX;

    private final ByteBuf frame = Unpooled.buffer();
    private final MediaFrameFlyweight media = new MediaFrameFlyweight();

    @AfterEach
    void release() {
        frame.release();
    }

    private int bodyLength() {
        return frame.readableBytes() - FrameType.HEADER_LENGTH;
    }

    /** A frame with {@code payloadLength} bytes of payload whose length field may lie. */
    private void rawFrame(int classCode, int flags, int payloadLength) {
        frame.writeByte(FrameType.MEDIA).writeShort(MediaFrameFlyweight.FIXED_LENGTH + payloadLength);
        frame.writeInt(1).writeInt(2).writeInt(3).writeByte(classCode).writeByte(flags);
        frame.writeZero(payloadLength);
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingAMediaFrame() {
        MediaFrameFlyweight.encode(
                frame, 7, 0xFFFF_FFFE, 60_000, TrafficClass.PERCEPTUAL, new byte[] {9, 1, 2, 3}, 1, 3);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "05" // type MEDIA
                                + "0011" // body length 17: 14 fixed + 3 payload
                                + "00000007" // stream id
                                + "fffffffe" // sequence, two before the wrap
                                + "0000ea60" // age budget, 60,000 microseconds
                                + "01" // class PERCEPTUAL
                                + "00" // flags, reserved
                                + "010203"); // payload
        assertThat(media.wrap(frame, FrameType.HEADER_LENGTH, bodyLength())).isEqualTo(RejectReason.NONE);
        assertThat(media.streamId()).isEqualTo(7);
        assertThat(media.sequence()).isEqualTo(0xFFFF_FFFE);
        assertThat(media.ageBudgetUs()).isEqualTo(60_000);
        assertThat(media.trafficClass()).isEqualTo(TrafficClass.PERCEPTUAL);
        assertThat(media.flags()).isZero();
        assertThat(media.payloadLength()).isEqualTo(3);
        assertThat(frame.getByte(media.payloadOffset())).isEqualTo((byte) 1);
        assertThat(frame.readableBytes()).isEqualTo(MediaFrameFlyweight.frameLength(3));
    }

    @Test
    void shouldFitOneDatagramWhenThePayloadIsAsLongAsAllowed() {
        // A packet header, one MEDIA frame with the largest payload, and the seal make exactly the target datagram.
        assertThat(PacketHeaderFlyweight.HEADER_LENGTH
                        + MediaFrameFlyweight.frameLength(MAX)
                        + PacketHeaderFlyweight.SEAL_OVERHEAD)
                .isEqualTo(PacketHeaderFlyweight.DATAGRAM_LENGTH_TARGET);
    }

    @ParameterizedTest(name = "payload length {0}")
    @ValueSource(ints = {0, 1, MAX - 1, MAX, MAX + 1})
    void shouldAcceptPayloadsUpToTheMaximumWhenCheckingThroughThePacketReader(int payloadLength) {
        rawFrame(TrafficClass.COSMETIC.code(), 0, payloadLength);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes()))
                .isEqualTo(payloadLength <= MAX ? RejectReason.NONE : RejectReason.FRAME_MALFORMED);
    }

    @ParameterizedTest(name = "payload length {0}")
    @ValueSource(ints = {0, 1, MAX - 1, MAX})
    void shouldReadBackThePayloadWhenEncodingEveryAllowedLength(int payloadLength) {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payloadLength; i++) {
            payload[i] = (byte) i;
        }
        MediaFrameFlyweight.encode(frame, -1, 0, 1, TrafficClass.REPAIR, payload, 0, payloadLength);
        assertThat(media.wrap(frame, FrameType.HEADER_LENGTH, bodyLength())).isEqualTo(RejectReason.NONE);
        assertThat(media.payloadLength()).isEqualTo(payloadLength);
        byte[] read = new byte[payloadLength];
        frame.getBytes(media.payloadOffset(), read);
        assertThat(read).isEqualTo(payload);
    }

    @ParameterizedTest(name = "body length {0}")
    @ValueSource(ints = {0, 1, MediaFrameFlyweight.FIXED_LENGTH - 1})
    void shouldRejectAsMalformedWhenTheBodyIsShorterThanItsFixedFields(int length) {
        frame.writeByte(FrameType.MEDIA).writeShort(length).writeZero(length);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @ParameterizedTest(name = "class code {0}")
    @ValueSource(ints = {0, 5, 0x80, 0xFF})
    void shouldRejectTheClassWhenItIsCoreOrUnknown(int classCode) {
        rawFrame(classCode, 0, 2);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.MEDIA_CLASS);
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0x01, 0x80, 0xFF})
    void shouldRejectTheFlagsWhenAReservedBitIsSet(int flags) {
        rawFrame(TrafficClass.PERCEPTUAL.code(), flags, 2);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.MEDIA_FLAGS);
    }

    @Test
    void shouldSaturateTheAgeBudgetWhenItDoesNotFit() {
        MediaFrameFlyweight.encode(
                frame, 1, 1, MediaFrameFlyweight.AGE_BUDGET_US_MAX + 1, TrafficClass.COSMETIC, new byte[0], 0, 0);
        media.wrap(frame, FrameType.HEADER_LENGTH, bodyLength());
        assertThat(media.ageBudgetUs()).isEqualTo(MediaFrameFlyweight.AGE_BUDGET_US_MAX);
        frame.clear();
        MediaFrameFlyweight.encode(frame, 1, 1, -5, TrafficClass.COSMETIC, new byte[0], 0, 0);
        media.wrap(frame, FrameType.HEADER_LENGTH, bodyLength());
        assertThat(media.ageBudgetUs()).isZero();
    }

    @Test
    void shouldRefuseToEncodeWhenTheClassIsCoreOrThePayloadTooLong() {
        assertThatThrownBy(() -> MediaFrameFlyweight.encode(frame, 1, 1, 1, TrafficClass.CORE, new byte[0], 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaFrameFlyweight.encode(
                        frame, 1, 1, 1, TrafficClass.PERCEPTUAL, new byte[MAX + 1], 0, MAX + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(frame.readableBytes()).as("nothing half written").isZero();
    }

    @Test
    void shouldKeepEveryOtherFrameWhenAMediaFrameSitsBetweenThem() {
        AckFrameFlyweight.encode(frame, 1, 2, 3);
        MediaFrameFlyweight.encode(frame, 1, 1, 1, TrafficClass.ENHANCEMENT, new byte[5], 0, 5);
        PingFrameFlyweight.encode(frame, 4, 5);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldKeepTheWireCodesStableWhenClassesAreListed() {
        // The codes are protocol: a reordering of the enum must not renumber them.
        assertThat(TrafficClass.values()).extracting(TrafficClass::code).containsExactly(0, 1, 2, 3, 4);
        for (TrafficClass cls : TrafficClass.values()) {
            assertThat(TrafficClass.ofCode(cls.code())).isEqualTo(cls);
        }
        assertThat(TrafficClass.ofCode(5)).isNull();
        assertThat(TrafficClass.ofCode(-1)).isNull();
    }
}
