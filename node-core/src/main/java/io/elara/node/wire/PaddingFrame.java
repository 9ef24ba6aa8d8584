package io.elara.node.wire;

/**
 * PADDING frame: {@code Length} zero bytes that every receiver skips. Its type has the optional bit set, so even a
 * receiver that predates it skips it. It grows a path MTU probe (a PING) to the size being tested.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Padding (Length bytes, zero) ...             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * A receiver does not check the bytes: the frame has no fields that could disagree with its length.
 */
public final class PaddingFrame {
    private PaddingFrame() {}

    /** Writes a whole PADDING frame of {@code frameLength} bytes, header included (at least the header). */
    public static void encode(io.netty.buffer.ByteBuf out, int frameLength) {
        int bodyLength = frameLength - FrameType.HEADER_LENGTH;
        if (bodyLength < 0 || bodyLength > 0xFFFF) {
            throw new IllegalArgumentException("padding frame of " + frameLength + " bytes");
        }
        out.writeByte(FrameType.PADDING);
        out.writeShort(bodyLength);
        out.writeZero(bodyLength);
    }
}
