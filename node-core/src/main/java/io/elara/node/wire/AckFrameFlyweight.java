package io.elara.node.wire;

import io.netty.buffer.ByteBuf;

/**
 * ACK frame body: a cumulative acknowledgement of the reliable lane.
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
 * </pre>
 *
 * Acked Epoch is the epoch of the lane being acknowledged (the ACK's receiver's own epoch); every sequence number
 * below Next Expected has been received and processed.
 */
public final class AckFrameFlyweight {
    public static final int EPOCH_OFFSET = 0;
    public static final int NEXT_EXPECTED_OFFSET = 8;
    public static final int BODY_LENGTH = 12;
    public static final int FRAME_LENGTH = FrameType.HEADER_LENGTH + BODY_LENGTH;

    private ByteBuf buffer;
    private int offset;

    /** Points at a body already checked to be {@link #BODY_LENGTH} bytes. */
    public AckFrameFlyweight wrap(ByteBuf buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public long ackedEpoch() {
        return buffer.getLong(offset + EPOCH_OFFSET);
    }

    /** Unsigned 32-bit sequence number, as a long. */
    public long nextExpected() {
        return buffer.getUnsignedInt(offset + NEXT_EXPECTED_OFFSET);
    }

    /** Writes a whole ACK frame (header and body) at the writer index. */
    public static void encode(ByteBuf out, long ackedEpoch, long nextExpected) {
        out.writeByte(FrameType.ACK);
        out.writeShort(BODY_LENGTH);
        out.writeLong(ackedEpoch);
        out.writeInt((int) nextExpected);
    }
}
