package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AckFrameFlyweightTest {
    private static final int MAX = AckFrameFlyweight.RANGE_COUNT_MAX;

    private final ByteBuf frame = Unpooled.buffer();
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private final long[] starts = new long[MAX];
    private final long[] ends = new long[MAX];

    @AfterEach
    void release() {
        frame.release();
    }

    private RejectReason wrapBody() {
        return ack.wrap(frame, FrameType.HEADER_LENGTH, frame.readableBytes() - FrameType.HEADER_LENGTH);
    }

    /** A body written by hand: the fixed fields, the declared count, then {@code gapLengths} as 16-bit pairs. */
    private RejectReason body(long nextExpected, int count, int... gapLengths) {
        frame.clear();
        frame.writeByte(FrameType.ACK).writeShort(AckFrameFlyweight.RANGES_OFFSET + 2 * gapLengths.length);
        frame.writeLong(7).writeInt((int) nextExpected).writeInt(0).writeInt(0).writeByte(count);
        for (int value : gapLengths) {
            frame.writeShort(value);
        }
        return wrapBody();
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingAnAckWithoutRanges() {
        AckFrameFlyweight.encode(frame, 0x0A0B0C0D0E0F1011L, 0xFFFFFFFEL, 0x01020304L);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "02" // type ACK
                                + "0015" // body length 21
                                + "0a0b0c0d0e0f1011" // acked epoch
                                + "fffffffe" // next expected sequence
                                + "fffffffe" // stored below: a receiver that stores nothing, so all it received
                                + "01020304" // ack delay, microseconds
                                + "00"); // range count
        assertThat(wrapBody()).isEqualTo(RejectReason.NONE);
        assertThat(ack.ackedEpoch()).isEqualTo(0x0A0B0C0D0E0F1011L);
        assertThat(ack.nextExpected()).isEqualTo(0xFFFFFFFEL);
        assertThat(ack.storedBelow()).isEqualTo(0xFFFFFFFEL);
        assertThat(ack.ackDelayUs()).isEqualTo(0x01020304L);
        assertThat(ack.rangeCount()).isZero();
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingTwoRanges() {
        // Held out of order above 10: 12..13 and 20; 10, 11 and 14..19 are not acknowledged.
        starts[0] = 12;
        ends[0] = 14;
        starts[1] = 20;
        ends[1] = 21;
        AckFrameFlyweight.encode(frame, 5, 10, 250, starts, ends, 2);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "02" // type ACK
                                + "001d" // body length 21 + 2 x 4
                                + "0000000000000005" // acked epoch
                                + "0000000a" // next expected sequence 10
                                + "0000000a" // stored below 10
                                + "000000fa" // ack delay 250 us
                                + "02" // range count
                                + "0002" + "0002" // gap 2 after 10 (10, 11 missing): 12, 13
                                + "0006" + "0001"); // gap 6 after 14 (14..19 missing): 20
        assertThat(wrapBody()).isEqualTo(RejectReason.NONE);
        long[] decodedStarts = new long[MAX];
        long[] decodedEnds = new long[MAX];
        assertThat(ack.ranges(decodedStarts, decodedEnds)).isEqualTo(2);
        assertThat(decodedStarts).startsWith(12, 20);
        assertThat(decodedEnds).startsWith(14, 21);
    }

    @Test
    void shouldWriteTheAckLayoutUnderTypeSignalAckForTheSignalLane() {
        starts[0] = 12;
        ends[0] = 14;
        AckFrameFlyweight.encode(frame, FrameType.SIGNAL_ACK, 5, 10, 10, 250, starts, ends, 1);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "0a" // type SIGNAL_ACK
                                + "0019" // body length 21 + 4
                                + "0000000000000005" // acked epoch
                                + "0000000a" // next expected sequence 10
                                + "0000000a" // stored below 10
                                + "000000fa" // ack delay 250 us
                                + "01" // range count
                                + "0002" + "0002"); // 12, 13
        assertThat(wrapBody()).isEqualTo(RejectReason.NONE);
        assertThatThrownBy(() -> AckFrameFlyweight.encode(frame, FrameType.EVENT, 5, 10, 10, 0, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSaturateAckDelayWhenItDoesNotFitThirtyTwoBits() {
        AckFrameFlyweight.encode(frame, 1, 1, 1L << 40);
        assertThat(wrapBody()).isEqualTo(RejectReason.NONE);
        assertThat(ack.ackDelayUs()).isEqualTo(AckFrameFlyweight.ACK_DELAY_US_MAX);
    }

    @Test
    void shouldRoundTripEveryRangeCountFromZeroToMax() {
        for (int count = 0; count <= MAX; count++) {
            // Ranges of one sequence number with one missing before each: 101, 103, 105, ...
            for (int i = 0; i < count; i++) {
                starts[i] = 101 + 2L * i;
                ends[i] = starts[i] + 1;
            }
            frame.clear();
            AckFrameFlyweight.encode(frame, 3, 100, 0, starts, ends, count);
            assertThat(frame.readableBytes()).isEqualTo(AckFrameFlyweight.frameLength(count));
            assertThat(wrapBody()).as("count %d", count).isEqualTo(RejectReason.NONE);
            long[] decodedStarts = new long[MAX];
            long[] decodedEnds = new long[MAX];
            assertThat(ack.ranges(decodedStarts, decodedEnds)).isEqualTo(count);
            for (int i = 0; i < count; i++) {
                assertThat(decodedStarts[i]).isEqualTo(starts[i]);
                assertThat(decodedEnds[i]).isEqualTo(ends[i]);
            }
        }
        assertThat(AckFrameFlyweight.frameLength(MAX)).isEqualTo(AckFrameFlyweight.FRAME_LENGTH_MAX);
    }

    @Test
    void shouldAcceptARangeThatEndsAtTheEdgeOfTheWindowAndRejectOnePast() {
        int span = AckFrameFlyweight.RANGE_SPAN_MAX;
        assertThat(body(100, 1, 1, span - 1)).isEqualTo(RejectReason.NONE);
        assertThat(body(100, 1, 1, span)).isEqualTo(RejectReason.FRAME_MALFORMED);
        assertThat(body(100, 2, 1, 1, span - 3, 1))
                .as("the last of two ends at the edge")
                .isEqualTo(RejectReason.NONE);
        assertThat(body(100, 2, 1, 1, span - 2, 1)).isEqualTo(RejectReason.FRAME_MALFORMED);
        assertThat(body(0, 1, 0xFFFF, 0xFFFF)).as("largest fields").isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldCarryStoredBelowAndRejectItPastNextExpected() {
        // A receiver that has received 0..99 and committed 0..89: its sender completes the receipts of 0..89 only.
        AckFrameFlyweight.encode(frame, FrameType.ACK, 5, 100, 90, 0, null, null, 0);
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo("02" + "0015" + "0000000000000005" + "00000064" + "0000005a" + "00000000" + "00");
        assertThat(wrapBody()).isEqualTo(RejectReason.NONE);
        assertThat(ack.storedBelow()).isEqualTo(90);
        frame.setInt(FrameType.HEADER_LENGTH + AckFrameFlyweight.STORED_BELOW_OFFSET, 101);
        assertThat(wrapBody()).as("stored what it has not received").isEqualTo(RejectReason.FRAME_MALFORMED);
        assertThatThrownBy(() -> AckFrameFlyweight.encode(frame, FrameType.ACK, 5, 100, 101, 0, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAsMalformedWhenARangeHasZeroLength() {
        assertThat(body(100, 1, 1, 0)).isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldRejectAsMalformedWhenARangeHasZeroGap() {
        assertThat(body(100, 1, 0, 1))
                .as("Next Expected is missing, so it cannot be covered")
                .isEqualTo(RejectReason.FRAME_MALFORMED);
        assertThat(body(100, 2, 1, 1, 0, 1)).as("touching ranges").isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldRejectAsMalformedWhenTheCountDisagreesWithTheLength() {
        assertThat(body(100, 2, 1, 1)).as("one range, count 2").isEqualTo(RejectReason.FRAME_MALFORMED);
        assertThat(body(100, 0, 1, 1)).as("one range, count 0").isEqualTo(RejectReason.FRAME_MALFORMED);
        assertThat(body(100, 1)).as("no range, count 1").isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldRejectAsMalformedWhenTheBodyIsTooShortOrHasTooManyRanges() {
        for (int length = 0; length < AckFrameFlyweight.BODY_LENGTH_MIN; length++) {
            frame.clear();
            frame.writeByte(FrameType.ACK).writeShort(length).writeZero(length);
            assertThat(wrapBody()).as("length %d", length).isEqualTo(RejectReason.FRAME_MALFORMED);
        }
        int[] tooMany = new int[2 * (MAX + 1)];
        java.util.Arrays.fill(tooMany, 1);
        assertThat(body(0, MAX + 1, tooMany)).as("%d ranges", MAX + 1).isEqualTo(RejectReason.FRAME_MALFORMED);
        int[] max = new int[2 * MAX];
        java.util.Arrays.fill(max, 1);
        assertThat(body(0, MAX, max)).isEqualTo(RejectReason.NONE);
        assertThat(body(0, MAX - 1, java.util.Arrays.copyOf(max, 2 * (MAX - 1))))
                .isEqualTo(RejectReason.NONE);
        assertThat(body(0, 1, 1, 1)).isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRejectThroughPacketReaderWhenAnAckIsMalformed() {
        body(100, 1, 1, 0);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.FRAME_MALFORMED);
        body(100, 1, 1, 1);
        assertThat(PacketReader.check(frame, 0, frame.readableBytes())).isEqualTo(RejectReason.NONE);
    }
}
