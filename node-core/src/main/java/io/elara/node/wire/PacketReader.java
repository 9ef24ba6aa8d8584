package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * Walks the frames of a packet whose header has been checked. {@link #check} validates the whole frame structure
 * before anything is acted on, so a packet is either processed entirely or dropped entirely.
 */
public final class PacketReader {
    private PacketReader() {}

    /**
     * Checks that frames tile {@code [offset, offset + length)} exactly, that every type is known or optional, and that
     * known frames have consistent lengths. Never throws.
     */
    public static RejectReason check(ByteBuf buffer, int offset, int length) {
        int index = offset;
        int end = offset + length;
        while (index < end) {
            if (end - index < FrameType.HEADER_LENGTH) {
                return RejectReason.FRAME_TRUNCATED;
            }
            int type = buffer.getUnsignedByte(index + FrameType.TYPE_OFFSET);
            int bodyLength = buffer.getUnsignedShort(index + FrameType.LENGTH_OFFSET);
            int body = index + FrameType.HEADER_LENGTH;
            if (bodyLength > end - body) {
                return RejectReason.FRAME_TRUNCATED;
            }
            RejectReason reason;
            switch (type) {
                case FrameType.EVENT, FrameType.SIGNAL ->
                    reason = EventFrameCodec.checkStructure(buffer, body, bodyLength);
                case FrameType.ACK, FrameType.SIGNAL_ACK -> reason = AckFrameFlyweight.check(buffer, body, bodyLength);
                case FrameType.PING -> reason = PingFrameFlyweight.check(bodyLength);
                case FrameType.PONG -> reason = PongFrameFlyweight.check(bodyLength);
                case FrameType.MEDIA -> reason = MediaFrameFlyweight.check(buffer, body, bodyLength);
                case FrameType.CLOSE -> reason = CloseFrameFlyweight.check(buffer, body, bodyLength);
                case FrameType.FRAGMENT -> reason = FragmentFrameFlyweight.check(buffer, body, bodyLength);
                default -> reason = (type & FrameType.OPTIONAL) != 0 ? RejectReason.NONE : RejectReason.FRAME_TYPE;
            }
            if (reason != RejectReason.NONE) {
                return reason;
            }
            index = body + bodyLength;
        }
        return RejectReason.NONE;
    }
}
