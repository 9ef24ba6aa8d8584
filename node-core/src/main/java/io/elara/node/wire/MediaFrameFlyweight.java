package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.elara.node.lane.TrafficClass;
import io.netty.buffer.ByteBuf;

/**
 * MEDIA frame body: one voice or visual payload on the latency-first lane. Never acknowledged, never sent again; the
 * receiver delivers it only if it is newer than anything delivered on its stream and its age budget has not run out.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Stream Id (32)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence (32)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Age Budget (32, microseconds)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Class     |   Flags (0)   |     Payload (the rest) ...    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Stream Id: chosen by the sender; names one media stream (a microphone, a camera layer) towards this receiver.
 *   <li>Sequence: the frame's number within its stream, from 0, one more for each frame the sender queued, wrapping
 *       after 2^32 - 1. Compared with serial-number arithmetic (RFC 1982): {@code a} is newer than {@code b} when
 *       {@code (int) (a - b) > 0}. A gap means frames were dropped (by the sender under pressure, or on the path).
 *   <li>Age Budget: microseconds for which the frame is still useful, counted from the moment it was written into
 *       this packet (the sender subtracts the time it waited in its queue), saturating at 2^32 - 1. A duration, not a
 *       time of day, so the receiver needs no clock synchronised with the sender's: it compares the budget with its
 *       estimate of the one-way transit.
 *   <li>Class: a {@link TrafficClass} wire code, 1 to 4 (PERCEPTUAL, REPAIR, ENHANCEMENT, COSMETIC). 0 (CORE) travels
 *       only on the reliable lane, so it, and any code above 4, is {@code media_class}.
 *   <li>Flags: reserved, 0; any bit set is {@code media_flags}.
 *   <li>Payload: the rest of the body, 0 to {@link #PAYLOAD_LENGTH_MAX} bytes, opaque to the node. Empty is allowed:
 *       a codec's discontinuous transmission (silence) still marks a sequence point.
 * </ul>
 *
 * A body shorter than {@link #FIXED_LENGTH} or with a payload longer than {@link #PAYLOAD_LENGTH_MAX} is {@code
 * frame_malformed}.
 */
public final class MediaFrameFlyweight {
    public static final int STREAM_ID_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int AGE_BUDGET_OFFSET = 8;
    public static final int CLASS_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int PAYLOAD_OFFSET = 14;
    /** The body before the payload. */
    public static final int FIXED_LENGTH = PAYLOAD_OFFSET;

    /**
     * The longest payload: a MEDIA frame with it, alone in a packet, still makes a datagram of at most {@link
     * PacketHeaderFlyweight#DATAGRAM_LENGTH_TARGET} bytes once sealed, so media never makes an oversized datagram.
     */
    public static final int PAYLOAD_LENGTH_MAX = PacketHeaderFlyweight.DATAGRAM_LENGTH_TARGET
            - PacketHeaderFlyweight.SEAL_OVERHEAD
            - PacketHeaderFlyweight.HEADER_LENGTH
            - FrameType.HEADER_LENGTH
            - FIXED_LENGTH;

    /** The longest body. */
    public static final int BODY_LENGTH_MAX = FIXED_LENGTH + PAYLOAD_LENGTH_MAX;

    /** Largest Age Budget on the wire, in microseconds (about 71 minutes). */
    public static final long AGE_BUDGET_US_MAX = 0xFFFF_FFFFL;

    private ByteBuf buffer;
    private int offset;
    private int length;

    /** The length of a whole MEDIA frame (header and body) with {@code payloadLength} bytes of payload. */
    public static int frameLength(int payloadLength) {
        return FrameType.HEADER_LENGTH + FIXED_LENGTH + payloadLength;
    }

    /**
     * Checks the {@code length}-byte body at {@code offset}; never throws. Returns {@link RejectReason#NONE}, {@link
     * RejectReason#FRAME_MALFORMED}, {@link RejectReason#MEDIA_CLASS} or {@link RejectReason#MEDIA_FLAGS}.
     */
    public static RejectReason check(ByteBuf buffer, int offset, int length) {
        if (length < FIXED_LENGTH || length > BODY_LENGTH_MAX) {
            return RejectReason.FRAME_MALFORMED;
        }
        TrafficClass cls = TrafficClass.ofCode(buffer.getUnsignedByte(offset + CLASS_OFFSET));
        if (cls == null || !cls.droppable()) {
            return RejectReason.MEDIA_CLASS;
        }
        if (buffer.getUnsignedByte(offset + FLAGS_OFFSET) != 0) {
            return RejectReason.MEDIA_FLAGS;
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

    public int streamId() {
        return buffer.getInt(offset + STREAM_ID_OFFSET);
    }

    /** The 32-bit sequence number; compare with serial-number arithmetic. */
    public int sequence() {
        return buffer.getInt(offset + SEQUENCE_OFFSET);
    }

    /** Unsigned 32-bit microseconds, as a long. */
    public long ageBudgetUs() {
        return buffer.getUnsignedInt(offset + AGE_BUDGET_OFFSET);
    }

    /** The class of a checked body (never null, never CORE). */
    public TrafficClass trafficClass() {
        return TrafficClass.ofCode(buffer.getUnsignedByte(offset + CLASS_OFFSET));
    }

    public int flags() {
        return buffer.getUnsignedByte(offset + FLAGS_OFFSET);
    }

    /** Where the payload starts in the wrapped buffer. */
    public int payloadOffset() {
        return offset + PAYLOAD_OFFSET;
    }

    public int payloadLength() {
        return length - FIXED_LENGTH;
    }

    /**
     * Writes a whole MEDIA frame (header and body) at the writer index, with {@code payloadLength} bytes of {@code
     * payload} from {@code payloadOffset}. {@code ageBudgetUs} saturates at 0 and {@link #AGE_BUDGET_US_MAX}.
     */
    public static void encode(
            ByteBuf out,
            int streamId,
            int sequence,
            long ageBudgetUs,
            TrafficClass cls,
            byte[] payload,
            int payloadOffset,
            int payloadLength) {
        if (!cls.droppable() || payloadLength < 0 || payloadLength > PAYLOAD_LENGTH_MAX) {
            throw new IllegalArgumentException("MEDIA frame of class " + cls + " with " + payloadLength + " bytes");
        }
        out.writeByte(FrameType.MEDIA);
        out.writeShort(FIXED_LENGTH + payloadLength);
        out.writeInt(streamId);
        out.writeInt(sequence);
        out.writeInt((int) Math.min(Math.max(ageBudgetUs, 0), AGE_BUDGET_US_MAX));
        out.writeByte(cls.code());
        out.writeByte(0);
        out.writeBytes(payload, payloadOffset, payloadLength);
    }
}
