package io.elara.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLOSE flyweight: golden bytes, every body length at the limits, and each malformed reason refused. */
class CloseFrameTest {
    private final ByteBuf frame = Unpooled.buffer();
    private final CloseFrameFlyweight close = new CloseFrameFlyweight();

    @AfterEach
    void release() {
        frame.release();
    }

    private RejectReason check() {
        return CloseFrameFlyweight.check(
                frame, FrameType.HEADER_LENGTH, frame.readableBytes() - FrameType.HEADER_LENGTH);
    }

    @Test
    void shouldWriteGoldenBytesWhenEncodingAClose() {
        CloseFrameFlyweight.encode(frame, CloseFrameFlyweight.CODE_SHUTDOWN, "bye");
        assertThat(ByteBufUtil.hexDump(frame))
                .isEqualTo(
                        "06" // type CLOSE
                                + "0005" // body length 5
                                + "0000" // code: shutdown
                                + "627965"); // reason "bye", UTF-8
        assertThat(check()).isEqualTo(RejectReason.NONE);
        close.wrap(frame, FrameType.HEADER_LENGTH, 5);
        assertThat(close.code()).isZero();
        assertThat(close.reason()).isEqualTo("bye");
    }

    @Test
    void shouldAcceptAnEmptyReasonAndTheLongestOne() {
        CloseFrameFlyweight.encode(frame, CloseFrameFlyweight.CODE_LEAVING, "");
        assertThat(frame.readableBytes()).isEqualTo(FrameType.HEADER_LENGTH + CloseFrameFlyweight.BODY_LENGTH_MIN);
        assertThat(check()).isEqualTo(RejectReason.NONE);
        frame.clear();
        CloseFrameFlyweight.encode(frame, CloseFrameFlyweight.CODE_SHUTDOWN, "é".repeat(200));
        assertThat(frame.readableBytes())
                .as("cut at a character boundary, at the limit")
                .isEqualTo(FrameType.HEADER_LENGTH + CloseFrameFlyweight.BODY_LENGTH_MAX);
        assertThat(check()).isEqualTo(RejectReason.NONE);
        close.wrap(frame, FrameType.HEADER_LENGTH, CloseFrameFlyweight.BODY_LENGTH_MAX);
        assertThat(close.reason()).isEqualTo("é".repeat(60));
    }

    @Test
    void shouldReplaceControlCharactersWhenEncoding() {
        CloseFrameFlyweight.encode(frame, 0, "a\u001b[2Jb\nc");
        close.wrap(frame, FrameType.HEADER_LENGTH, frame.readableBytes() - FrameType.HEADER_LENGTH);
        assertThat(check()).isEqualTo(RejectReason.NONE);
        assertThat(close.reason()).isEqualTo("a [2Jb c");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CloseFrameFlyweight.BODY_LENGTH_MAX + 1, 1000})
    void shouldRejectABodyWhoseLengthIsOutOfBounds(int length) {
        frame.writeByte(FrameType.CLOSE).writeShort(length).writeZero(Math.min(length, 2));
        for (int i = 2; i < length; i++) {
            frame.writeByte('x');
        }
        assertThat(check()).isEqualTo(RejectReason.FRAME_MALFORMED);
    }

    @Test
    void shouldRejectAReasonThatIsNotUtf8OrHasControlCharacters() {
        byte[][] reasons = {
            {(byte) 0xC3}, // a truncated two-byte sequence
            {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            {'o', 'k', 0x1B, '['}, // a terminal escape
            {'a', 0x7F},
            {'o', 'k', (byte) 0xC2, (byte) 0x9B, '2', 'J'}, // U+009B, the one-character CSI: a C1 control
            {(byte) 0xC2, (byte) 0x80}, // U+0080, the first C1 control
        };
        for (byte[] reason : reasons) {
            frame.clear();
            frame.writeByte(FrameType.CLOSE)
                    .writeShort(2 + reason.length)
                    .writeShort(0)
                    .writeBytes(reason);
            assertThat(check()).as(ByteBufUtil.hexDump(reason)).isEqualTo(RejectReason.FRAME_MALFORMED);
        }
        frame.clear();
        byte[] fine = "fine".getBytes(StandardCharsets.UTF_8);
        frame.writeByte(FrameType.CLOSE)
                .writeShort(2 + fine.length)
                .writeShort(7)
                .writeBytes(fine);
        assertThat(check())
                .as("an unknown code is read as shutdown, not refused")
                .isEqualTo(RejectReason.NONE);
    }
}
