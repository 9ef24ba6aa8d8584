package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * ACK frame body: a cumulative acknowledgement of the reliable lane, how far the receiver has stored what it received,
 * the receiver's delay in sending it, and up to {@link #RANGE_COUNT_MAX} ranges of sequence numbers received above the
 * cumulative point (selective acknowledgements).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                      Acked Epoch (64)                         +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Next Expected Sequence (32)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Stored Below (32)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Ack Delay (32, microseconds)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Range Count  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Gap (16)            |          Length (16)          |  Range Count times
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Acked Epoch: the epoch of the lane being acknowledged (the ACK's receiver's own epoch).
 *   <li>Next Expected Sequence: every sequence number below it has been received and processed (cumulative).
 *   <li>Stored Below: every sequence number below it is durable at the receiver (committed to its database, or needing
 *       no storage); at most Next Expected, and equal to it at a receiver that stores nothing. The sender's receipts
 *       (what a user sees as "acknowledged") complete only below this point; Next Expected and the ranges drive loss
 *       detection and congestion control alone.
 *   <li>Ack Delay: microseconds from the earliest arrival this ACK is the first to acknowledge to the moment the ACK
 *       was written, saturating at 2^32 - 1.
 *   <li>Range Count: 0 to {@link #RANGE_COUNT_MAX}; the body is exactly {@code 21 + 4 × Range Count} bytes.
 *   <li>Ranges, in increasing order of sequence. Range i covers {@code [start(i), start(i) + Length(i))}, all
 *       received and held out of order, where {@code start(i) = end(i - 1) + Gap(i)}, {@code end(i - 1)} being the
 *       previous range's exclusive end, or Next Expected for the first range. So Gap counts the sequence numbers this
 *       frame leaves unacknowledged before the range; a first range that starts right after the missing Next Expected
 *       has Gap 1. Gap and Length are at least 1 (ranges never touch), and the last range ends at most {@link
 *       #RANGE_SPAN_MAX} past Next Expected (the receive window).
 * </ul>
 *
 * A sequence number covered by no range is not acknowledged by this frame; it is not necessarily missing, since a
 * receiver with more ranges than fit lists only the highest. Any violation of the rules above is {@code
 * frame_malformed}.
 */
public final class AckFrameFlyweight {
    public static final int EPOCH_OFFSET = 0;
    public static final int NEXT_EXPECTED_OFFSET = 8;
    public static final int STORED_BELOW_OFFSET = 12;
    public static final int ACK_DELAY_OFFSET = 16;
    public static final int RANGE_COUNT_OFFSET = 20;
    public static final int RANGES_OFFSET = 21;
    public static final int RANGE_LENGTH = 4;
    public static final int RANGE_GAP_OFFSET = 0;
    public static final int RANGE_LENGTH_OFFSET = 2;

    /** Ranges in one ACK at most. */
    public static final int RANGE_COUNT_MAX = 32;
    /** Sequence numbers past Next Expected that a range may reach: the reliable lane's receive window. */
    public static final int RANGE_SPAN_MAX = 256;

    /** Body with no range. */
    public static final int BODY_LENGTH_MIN = RANGES_OFFSET;
    /** Body with {@link #RANGE_COUNT_MAX} ranges. */
    public static final int BODY_LENGTH_MAX = RANGES_OFFSET + RANGE_COUNT_MAX * RANGE_LENGTH;
    /** The longest whole frame, header included. */
    public static final int FRAME_LENGTH_MAX = FrameType.HEADER_LENGTH + BODY_LENGTH_MAX;
    /** Largest Ack Delay on the wire, in microseconds. */
    public static final long ACK_DELAY_US_MAX = 0xFFFF_FFFFL;

    private ByteBuf buffer;
    private int offset;

    /**
     * Checks the {@code length}-byte body at {@code offset} against every rule of the layout; never throws. Returns
     * {@link RejectReason#NONE} or {@link RejectReason#FRAME_MALFORMED}.
     */
    public static RejectReason check(ByteBuf buffer, int offset, int length) {
        if (length < BODY_LENGTH_MIN || length > BODY_LENGTH_MAX) {
            return RejectReason.FRAME_MALFORMED;
        }
        int count = buffer.getUnsignedByte(offset + RANGE_COUNT_OFFSET);
        if (count > RANGE_COUNT_MAX || length != RANGES_OFFSET + count * RANGE_LENGTH) {
            return RejectReason.FRAME_MALFORMED;
        }
        if (buffer.getUnsignedInt(offset + STORED_BELOW_OFFSET)
                > buffer.getUnsignedInt(offset + NEXT_EXPECTED_OFFSET)) {
            return RejectReason.FRAME_MALFORMED; // stored what it has not received
        }
        // The previous range's exclusive end, as a distance past Next Expected; the last may end at RANGE_SPAN_MAX.
        long edge = 0;
        for (int i = 0; i < count; i++) {
            int range = offset + RANGES_OFFSET + i * RANGE_LENGTH;
            int gap = buffer.getUnsignedShort(range + RANGE_GAP_OFFSET);
            int rangeLength = buffer.getUnsignedShort(range + RANGE_LENGTH_OFFSET);
            if (gap == 0 || rangeLength == 0) {
                return RejectReason.FRAME_MALFORMED;
            }
            edge += gap + rangeLength;
            if (edge > RANGE_SPAN_MAX) {
                return RejectReason.FRAME_MALFORMED;
            }
        }
        return RejectReason.NONE;
    }

    /** Points at a body of {@code length} bytes and checks it ({@link #check}). */
    public RejectReason wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        return check(buffer, offset, length);
    }

    public long ackedEpoch() {
        return buffer.getLong(offset + EPOCH_OFFSET);
    }

    /** Unsigned 32-bit sequence number, as a long. */
    public long nextExpected() {
        return buffer.getUnsignedInt(offset + NEXT_EXPECTED_OFFSET);
    }

    /** Unsigned 32-bit sequence number, as a long; at most {@link #nextExpected}. */
    public long storedBelow() {
        return buffer.getUnsignedInt(offset + STORED_BELOW_OFFSET);
    }

    /** Unsigned 32-bit microseconds, as a long. */
    public long ackDelayUs() {
        return buffer.getUnsignedInt(offset + ACK_DELAY_OFFSET);
    }

    public int rangeCount() {
        return buffer.getUnsignedByte(offset + RANGE_COUNT_OFFSET);
    }

    public int gap(int index) {
        return buffer.getUnsignedShort(offset + RANGES_OFFSET + index * RANGE_LENGTH + RANGE_GAP_OFFSET);
    }

    public int length(int index) {
        return buffer.getUnsignedShort(offset + RANGES_OFFSET + index * RANGE_LENGTH + RANGE_LENGTH_OFFSET);
    }

    /**
     * Decodes the ranges of a checked body into absolute sequence numbers: range {@code i} is {@code [starts[i],
     * ends[i])}. The arrays need room for {@link #rangeCount} entries. Returns the count.
     */
    public int ranges(long[] starts, long[] ends) {
        int count = rangeCount();
        long previousEnd = nextExpected();
        for (int i = 0; i < count; i++) {
            starts[i] = previousEnd + gap(i);
            ends[i] = starts[i] + length(i);
            previousEnd = ends[i];
        }
        assert previousEnd <= nextExpected() + RANGE_SPAN_MAX : "ranges were checked";
        return count;
    }

    /** The length of a whole ACK frame (header and body) with {@code rangeCount} ranges. */
    public static int frameLength(int rangeCount) {
        return FrameType.HEADER_LENGTH + RANGES_OFFSET + rangeCount * RANGE_LENGTH;
    }

    /**
     * Writes a whole ACK frame (header and body) at the writer index. Range {@code i} is {@code [starts[i], ends[i])},
     * in increasing order, separated by at least one sequence number, above {@code nextExpected} and within {@link
     * #RANGE_SPAN_MAX} of it; {@code ackDelayUs} saturates. Stored Below is {@code nextExpected}: a receiver that stores
     * nothing.
     */
    public static void encode(
            ByteBuf out, long ackedEpoch, long nextExpected, long ackDelayUs, long[] starts, long[] ends, int count) {
        encode(out, FrameType.ACK, ackedEpoch, nextExpected, nextExpected, ackDelayUs, starts, ends, count);
    }

    /**
     * Like {@link #encode(ByteBuf, long, long, long, long[], long[], int)} with frame type {@code frameType} ({@link
     * FrameType#ACK} for the reliable lane, {@link FrameType#SIGNAL_ACK} for the signal lane, which share this layout)
     * and Stored Below {@code storedBelow}, at most {@code nextExpected}.
     */
    public static void encode(
            ByteBuf out,
            int frameType,
            long ackedEpoch,
            long nextExpected,
            long storedBelow,
            long ackDelayUs,
            long[] starts,
            long[] ends,
            int count) {
        if (count < 0 || count > RANGE_COUNT_MAX) {
            throw new IllegalArgumentException("range count " + count);
        }
        if (frameType != FrameType.ACK && frameType != FrameType.SIGNAL_ACK) {
            throw new IllegalArgumentException("frame type " + frameType + " has another layout");
        }
        out.writeByte(frameType);
        out.writeShort(RANGES_OFFSET + count * RANGE_LENGTH);
        if (storedBelow > nextExpected) {
            throw new IllegalArgumentException("stored below " + storedBelow + " past next expected " + nextExpected);
        }
        out.writeLong(ackedEpoch);
        out.writeInt((int) nextExpected);
        out.writeInt((int) storedBelow);
        out.writeInt((int) Math.min(Math.max(ackDelayUs, 0), ACK_DELAY_US_MAX));
        out.writeByte(count);
        long previousEnd = nextExpected;
        for (int i = 0; i < count; i++) {
            long gap = starts[i] - previousEnd;
            long length = ends[i] - starts[i];
            assert gap >= 1 && length >= 1 && ends[i] <= nextExpected + RANGE_SPAN_MAX
                    : "range [" + starts[i] + ", " + ends[i] + ") after " + previousEnd;
            out.writeShort((int) gap);
            out.writeShort((int) length);
            previousEnd = ends[i];
        }
    }

    /** Writes an ACK frame with no range. */
    public static void encode(ByteBuf out, long ackedEpoch, long nextExpected, long ackDelayUs) {
        encode(out, ackedEpoch, nextExpected, ackDelayUs, null, null, 0);
    }
}
