package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * CLOSE frame body: the sender is closing its side of the secure session with the receiver (it is shutting down), so
 * the receiver closes the session at once instead of waiting for the idle timeout. Authenticated like every frame: only
 * the peer itself can close its session.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Code (16)            |    Reason (UTF-8, 0..120 bytes) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Code: why, for programs: {@link #CODE_SHUTDOWN} (the node is stopping), {@link #CODE_LEAVING} (it is leaving
 *       this peer but keeps running); other values are read as {@link #CODE_SHUTDOWN}.
 *   <li>Reason: why, for people; the rest of the body, at most {@link #REASON_BYTES_MAX} bytes of UTF-8 without control
 *       characters, possibly empty.
 * </ul>
 *
 * A body shorter than 2 bytes, a longer reason, invalid UTF-8 or a control character (C0, DEL or C1) is {@code
 * frame_malformed}.
 */
public final class CloseFrameFlyweight {
    public static final int CODE_OFFSET = 0;
    public static final int REASON_OFFSET = 2;
    public static final int REASON_BYTES_MAX = 120;
    public static final int BODY_LENGTH_MIN = REASON_OFFSET;
    public static final int BODY_LENGTH_MAX = REASON_OFFSET + REASON_BYTES_MAX;

    /** The node is stopping. */
    public static final int CODE_SHUTDOWN = 0;
    /** The node closes this session but keeps running. */
    public static final int CODE_LEAVING = 1;

    private ByteBuf buffer;
    private int offset;
    private int length;

    /** Checks a {@code length}-byte body at {@code offset}; never throws. */
    public static RejectReason check(ByteBuf buffer, int offset, int length) {
        if (length < BODY_LENGTH_MIN || length > BODY_LENGTH_MAX) {
            return RejectReason.FRAME_MALFORMED;
        }
        for (int i = offset + REASON_OFFSET; i < offset + length; i++) {
            int b = buffer.getUnsignedByte(i);
            if (b < 0x20 || b == 0x7F) {
                return RejectReason.FRAME_MALFORMED;
            }
        }
        CharBuffer reason;
        try {
            reason = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer.nioBuffer(offset + REASON_OFFSET, length - REASON_OFFSET));
        } catch (CharacterCodingException e) {
            return RejectReason.FRAME_MALFORMED;
        }
        // The C1 controls (U+0080 to U+009F) too: U+009B is an escape sequence's start to some terminals, and the
        // reason is shown to people.
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c >= 0x80 && c < 0xA0) {
                return RejectReason.FRAME_MALFORMED;
            }
        }
        return RejectReason.NONE;
    }

    /** Points at a body checked by {@link #check}. */
    public void wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    public int code() {
        return buffer.getUnsignedShort(offset + CODE_OFFSET);
    }

    /** The reason, decoded (a CLOSE is rare: allocating here is fine). */
    public String reason() {
        return buffer.toString(offset + REASON_OFFSET, length - REASON_OFFSET, StandardCharsets.UTF_8);
    }

    /** The whole frame's length for {@code reasonBytes} bytes of reason. */
    public static int frameLength(int reasonBytes) {
        return FrameType.HEADER_LENGTH + REASON_OFFSET + reasonBytes;
    }

    /**
     * Writes a whole CLOSE frame (header and body) at the writer index. {@code reason} is cut to {@link
     * #REASON_BYTES_MAX} bytes (at a character boundary) and its control characters replaced by spaces.
     */
    public static void encode(ByteBuf out, int code, String reason) {
        byte[] bytes = reasonBytes(reason);
        out.writeByte(FrameType.CLOSE);
        out.writeShort(REASON_OFFSET + bytes.length);
        out.writeShort(code);
        out.writeBytes(bytes);
    }

    /** {@code reason} as it goes on the wire: UTF-8, control characters as spaces, at most the limit. */
    public static byte[] reasonBytes(String reason) {
        StringBuilder clean = new StringBuilder(reason.length());
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
                cp = ' ';
            }
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > REASON_BYTES_MAX) {
                break;
            }
            bytes += size;
            clean.appendCodePoint(cp);
        }
        return clean.toString().getBytes(StandardCharsets.UTF_8);
    }
}
