package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * PONG frame body: answers a PING with its id and clock, the responder's clock when the PING arrived, and how long the
 * responder held the PING before writing this answer. With its own clock at the PONG's arrival, the PING's sender has
 * the four timestamps of NTP (RFC 5905 §8): T1 = Ping Clock, T2 = Receive Clock, T3 = T2 + Hold Time, T4 = arrival;
 * round-trip time {@code (T4 - T1) - Hold Time} and clock offset {@code ((T2 - T1) + (T3 - T4)) / 2}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Ping Id (64)                          +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +               Ping Clock (64, microseconds)                   +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +              Receive Clock (64, microseconds)                 +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Hold Time (32, microseconds)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Ping Id: the answered PING's id.
 *   <li>Ping Clock: the answered PING's Transmit Clock, echoed.
 *   <li>Receive Clock: the responder's clock when the PING arrived, microseconds since the Unix epoch. Signed.
 *   <li>Hold Time: microseconds from the PING's arrival to the writing of this PONG, saturating at 2^32 - 1.
 * </ul>
 *
 * The body is exactly {@link #BODY_LENGTH} bytes; any other length is {@code frame_malformed}.
 */
public final class PongFrameFlyweight {
    public static final int PING_ID_OFFSET = 0;
    public static final int PING_CLOCK_OFFSET = 8;
    public static final int RECEIVE_CLOCK_OFFSET = 16;
    public static final int HOLD_TIME_OFFSET = 24;
    public static final int BODY_LENGTH = 28;
    /** The whole frame, header included. */
    public static final int FRAME_LENGTH = FrameType.HEADER_LENGTH + BODY_LENGTH;
    /** Largest Hold Time on the wire, in microseconds. */
    public static final long HOLD_TIME_US_MAX = 0xFFFF_FFFFL;

    private ByteBuf buffer;
    private int offset;

    /** Checks a {@code length}-byte body; never throws. */
    public static RejectReason check(int length) {
        return length == BODY_LENGTH ? RejectReason.NONE : RejectReason.FRAME_MALFORMED;
    }

    /** Points at a body of {@code length} bytes at {@code offset} and checks it ({@link #check}). */
    public RejectReason wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        return check(length);
    }

    public long pingId() {
        return buffer.getLong(offset + PING_ID_OFFSET);
    }

    /** The answered PING's Transmit Clock, microseconds on its sender's clock. */
    public long pingClockUs() {
        return buffer.getLong(offset + PING_CLOCK_OFFSET);
    }

    /** Microseconds since the Unix epoch, on the responder's clock. */
    public long receiveClockUs() {
        return buffer.getLong(offset + RECEIVE_CLOCK_OFFSET);
    }

    /** Unsigned 32-bit microseconds, as a long. */
    public long holdTimeUs() {
        return buffer.getUnsignedInt(offset + HOLD_TIME_OFFSET);
    }

    /** Writes a whole PONG frame (header and body) at the writer index; {@code holdTimeUs} saturates. */
    public static void encode(ByteBuf out, long pingId, long pingClockUs, long receiveClockUs, long holdTimeUs) {
        out.writeByte(FrameType.PONG);
        out.writeShort(BODY_LENGTH);
        out.writeLong(pingId);
        out.writeLong(pingClockUs);
        out.writeLong(receiveClockUs);
        out.writeInt((int) Math.min(Math.max(holdTimeUs, 0), HOLD_TIME_US_MAX));
    }
}
