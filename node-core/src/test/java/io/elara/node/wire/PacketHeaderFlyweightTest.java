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

class PacketHeaderFlyweightTest {
    private final PacketHeaderFlyweight header = new PacketHeaderFlyweight();
    private final ByteBuf buffer = Unpooled.buffer(2048);

    @AfterEach
    void release() {
        buffer.release();
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingADataHeader() {
        PacketHeaderFlyweight.encode(buffer, 0x0123456789ABCDEFL);
        // e0: marker 111 and type 0 (DATA); 00: version 0; 0000: reserved; then the epoch.
        assertThat(ByteBufUtil.hexDump(buffer)).isEqualTo("e00000000123456789abcdef");
        assertThat(header.wrap(buffer, 0, buffer.readableBytes())).isEqualTo(RejectReason.NONE);
        assertThat(header.type()).isEqualTo(PacketHeaderFlyweight.TYPE_DATA);
        assertThat(header.version()).isEqualTo(PacketHeaderFlyweight.VERSION);
        assertThat(header.epoch()).isEqualTo(0x0123456789ABCDEFL);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 11})
    void shouldRejectWhenShorterThanTheHeader(int length) {
        PacketHeaderFlyweight.encode(buffer, 1);
        assertThat(header.wrap(buffer, 0, length)).isEqualTo(RejectReason.PACKET_TOO_SHORT);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {12, 13, 1199, 1200, 1439, 1440})
    void shouldAcceptWhenLengthIsWithinBounds(int length) {
        PacketHeaderFlyweight.encode(buffer, 1);
        buffer.writeZero(length - PacketHeaderFlyweight.HEADER_LENGTH);
        assertThat(header.wrap(buffer, 0, length)).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRejectWhenLongerThanTheLargestDatagram() {
        PacketHeaderFlyweight.encode(buffer, 1);
        buffer.writeZero(PacketHeaderFlyweight.PACKET_LENGTH_MAX + 1 - PacketHeaderFlyweight.HEADER_LENGTH);
        assertThat(header.wrap(buffer, 0, PacketHeaderFlyweight.PACKET_LENGTH_MAX + 1))
                .isEqualTo(RejectReason.PACKET_TOO_LONG);
    }

    @Test
    void shouldRejectWithReasonWhenHeaderFieldsAreWrong() {
        PacketHeaderFlyweight.encode(buffer, 1);
        int length = buffer.readableBytes();

        buffer.setByte(PacketHeaderFlyweight.VERSION_OFFSET, 1);
        assertThat(header.wrap(buffer, 0, length)).isEqualTo(RejectReason.PACKET_VERSION);
        buffer.setByte(PacketHeaderFlyweight.VERSION_OFFSET, 0);

        buffer.setByte(PacketHeaderFlyweight.TYPE_OFFSET, 0xE1);
        assertThat(header.wrap(buffer, 0, length)).isEqualTo(RejectReason.PACKET_TYPE);
        buffer.setByte(PacketHeaderFlyweight.TYPE_OFFSET, 0xE0);

        buffer.setShort(PacketHeaderFlyweight.RESERVED_OFFSET, 1);
        assertThat(header.wrap(buffer, 0, length)).isEqualTo(RejectReason.PACKET_RESERVED);
        buffer.setShort(PacketHeaderFlyweight.RESERVED_OFFSET, 0);

        buffer.setByte(PacketHeaderFlyweight.TYPE_OFFSET, 0xC0);
        assertThat(header.wrap(buffer, 0, length)).isEqualTo(RejectReason.UNKNOWN_PROTOCOL);
    }

    @Test
    void shouldClassifyFirstBytesPerRfc7983() {
        for (int b = 0; b < 256; b++) {
            int expected = b <= 3 ? Demux.STUN : b >= 0xE0 ? Demux.ELARA : Demux.UNKNOWN;
            assertThat(Demux.classify(b)).as("first byte %d", b).isEqualTo(expected);
        }
    }
}
