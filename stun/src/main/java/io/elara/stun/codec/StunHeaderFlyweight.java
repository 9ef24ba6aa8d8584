package io.elara.stun.codec;

import io.netty.buffer.ByteBuf;

/**
 * A view over the STUN message header (RFC 8489 section 5). It holds no state beyond the buffer and offset: wrap it
 * over each datagram, check the returned {@link StunReject}, then read fields in place.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Message Length counts the attribute bytes after the header. The message type interleaves a 12-bit method with the
 * two class bits C1 (bit 8) and C0 (bit 4).
 */
public final class StunHeaderFlyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = 2;
    public static final int MAGIC_COOKIE_OFFSET = 4;
    public static final int TRANSACTION_ID_OFFSET = 8;
    public static final int TRANSACTION_ID_LENGTH = 12;
    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;

    /** Message classes (RFC 8489 section 5). */
    public static final int CLASS_REQUEST = 0;

    public static final int CLASS_INDICATION = 1;
    public static final int CLASS_SUCCESS_RESPONSE = 2;
    public static final int CLASS_ERROR_RESPONSE = 3;

    /** The Binding method. */
    public static final int METHOD_BINDING = 0x001;

    private ByteBuf buffer;
    private int offset;

    /**
     * Points this view at the {@code length} bytes of {@code buffer} from {@code offset} and checks the header. Never
     * throws on bad input; reads nothing outside the given range.
     */
    public StunReject wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        if (length < HEADER_LENGTH) {
            return StunReject.TOO_SHORT;
        }
        if ((buffer.getUnsignedByte(offset) & 0xC0) != 0) {
            return StunReject.NOT_STUN;
        }
        if (buffer.getInt(offset + MAGIC_COOKIE_OFFSET) != MAGIC_COOKIE) {
            return StunReject.BAD_MAGIC_COOKIE;
        }
        int messageLength = messageLength();
        if ((messageLength & 3) != 0) {
            return StunReject.LENGTH_NOT_ALIGNED;
        }
        if (messageLength != length - HEADER_LENGTH) {
            return StunReject.LENGTH_MISMATCH;
        }
        return StunReject.NONE;
    }

    /** The 14-bit message type. */
    public int messageType() {
        return buffer.getUnsignedShort(offset + TYPE_OFFSET) & 0x3FFF;
    }

    /** The message class, one of the {@code CLASS_} constants. */
    public int messageClass() {
        int type = messageType();
        return ((type >>> 7) & 0b10) | ((type >>> 4) & 0b01);
    }

    /** The 12-bit method, e.g. {@link #METHOD_BINDING}. */
    public int method() {
        int type = messageType();
        return (type & 0x000F) | ((type >>> 1) & 0x0070) | ((type >>> 2) & 0x0F80);
    }

    /** Attribute bytes after the header. */
    public int messageLength() {
        return buffer.getUnsignedShort(offset + LENGTH_OFFSET);
    }

    /** Copies the 12-byte transaction id into {@code target} at {@code targetOffset}. */
    public void transactionId(byte[] target, int targetOffset) {
        buffer.getBytes(offset + TRANSACTION_ID_OFFSET, target, targetOffset, TRANSACTION_ID_LENGTH);
    }
}
