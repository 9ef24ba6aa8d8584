package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * PING frame body: asks the receiver for a PONG, carrying the sender's clock so that the PONG yields a round-trip time
 * and a clock-offset estimate. Sent as a keepalive on a secure session that has been quiet in both directions.
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
 * +             Transmit Clock (64, microseconds)                 +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Ping Id: chosen by the sender, echoed in the PONG; the sender accepts a PONG only for the ping it awaits.
 *   <li>Transmit Clock: the sender's clock when it wrote the frame, microseconds since the Unix epoch (the clock whose
 *       milliseconds are the physical part of its hybrid logical clock). Signed.
 * </ul>
 *
 * The body is exactly {@link #BODY_LENGTH} bytes; any other length is {@code frame_malformed}.
 */
public final class PingFrameFlyweight {
    public static final int PING_ID_OFFSET = 0;
    public static final int TRANSMIT_CLOCK_OFFSET = 8;
    public static final int BODY_LENGTH = 16;
    /** The whole frame, header included. */
    public static final int FRAME_LENGTH = FrameType.HEADER_LENGTH + BODY_LENGTH;

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

    /** Microseconds since the Unix epoch, on the sender's clock. */
    public long transmitClockUs() {
        return buffer.getLong(offset + TRANSMIT_CLOCK_OFFSET);
    }

    /** Writes a whole PING frame (header and body) at the writer index. */
    public static void encode(ByteBuf out, long pingId, long transmitClockUs) {
        out.writeByte(FrameType.PING);
        out.writeShort(BODY_LENGTH);
        out.writeLong(pingId);
        out.writeLong(transmitClockUs);
    }
}
