package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * FRAGMENT frame body: a piece of one EVENT body too long for a packet, on the reliable lane. Each fragment takes a
 * sequence number of its own, so the lane acknowledges, retransmits and paces fragments as it does events; the
 * receiver's in-order delivery hands them to the reassembler in order. Big-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence (32)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Total Length (32)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Fragment Offset (32)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Fragment Data (1 or more bytes) ...            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Sequence: position on the sender's reliable lane, shared with EVENT frames.
 *   <li>Total Length: bytes of the whole EVENT body being carried (an EVENT frame's body, its Sequence field 0 and
 *       ignored), the same in every fragment of that event.
 *   <li>Fragment Offset: where this fragment's data starts in that body; 0 marks the first fragment, and Offset plus
 *       the data's length equal to Total Length marks the last.
 * </ul>
 *
 * A body shorter than {@link #FIXED_LENGTH} + 1, a Total Length of 0, or data that runs past Total Length is {@code
 * fragment_malformed}, and the packet is dropped whole (as for any frame whose fields disagree). Whether the fragment
 * continues the event being reassembled, and whether Total Length is acceptable, is the reassembler's to judge.
 */
public final class FragmentFrameFlyweight {
    public static final int SEQUENCE_OFFSET = 0;
    public static final int TOTAL_LENGTH_OFFSET = 4;
    public static final int FRAGMENT_OFFSET_OFFSET = 8;
    public static final int DATA_OFFSET = 12;
    /** The body before the data. */
    public static final int FIXED_LENGTH = DATA_OFFSET;
    /** What a frame adds to its data: the frame header and the fixed fields. */
    public static final int FRAME_OVERHEAD = FrameType.HEADER_LENGTH + FIXED_LENGTH;

    private ByteBuf buffer;
    private int offset;
    private int length;

    /** Checks a {@code length}-byte body at {@code offset}; never throws. */
    public static RejectReason check(ByteBuf buffer, int offset, int length) {
        if (length < FIXED_LENGTH + 1) {
            return RejectReason.FRAGMENT_MALFORMED;
        }
        long total = buffer.getUnsignedInt(offset + TOTAL_LENGTH_OFFSET);
        long fragmentOffset = buffer.getUnsignedInt(offset + FRAGMENT_OFFSET_OFFSET);
        if (total == 0 || fragmentOffset + (length - FIXED_LENGTH) > total) {
            return RejectReason.FRAGMENT_MALFORMED;
        }
        return RejectReason.NONE;
    }

    /** Points at a body of {@code length} bytes at {@code offset} and checks it ({@link #check}). */
    public RejectReason wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return check(buffer, offset, length);
    }

    public long sequence() {
        return buffer.getUnsignedInt(offset + SEQUENCE_OFFSET);
    }

    public long totalLength() {
        return buffer.getUnsignedInt(offset + TOTAL_LENGTH_OFFSET);
    }

    public long fragmentOffset() {
        return buffer.getUnsignedInt(offset + FRAGMENT_OFFSET_OFFSET);
    }

    /** Where the data starts in the wrapped buffer. */
    public int dataIndex() {
        return offset + DATA_OFFSET;
    }

    public int dataLength() {
        return length - FIXED_LENGTH;
    }

    /** Bytes a whole FRAGMENT frame (header and body) carrying {@code dataLength} bytes takes. */
    public static int frameLength(int dataLength) {
        return FRAME_OVERHEAD + dataLength;
    }

    /**
     * Writes a whole FRAGMENT frame at the writer index: bytes {@code [dataOffset, dataOffset + dataLength)} of {@code
     * body}, the encoded EVENT body.
     */
    public static void encode(ByteBuf out, long sequence, byte[] body, int dataOffset, int dataLength) {
        if (dataLength < 1 || dataOffset < 0 || dataOffset + dataLength > body.length) {
            throw new IllegalArgumentException("fragment [" + dataOffset + ", +" + dataLength + ") of " + body.length);
        }
        out.writeByte(FrameType.FRAGMENT);
        out.writeShort(FIXED_LENGTH + dataLength);
        out.writeInt((int) sequence);
        out.writeInt(body.length);
        out.writeInt(dataOffset);
        out.writeBytes(body, dataOffset, dataLength);
    }
}
