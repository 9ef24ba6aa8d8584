package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The visual payload: its bytes, and every refusal with its reason. */
class VisualPacketTest {
    @Test
    void shouldWriteEveryFieldBigEndianInItsPlace() {
        VisualPacket packet = new VisualPacket(
                0x0102_0304L,
                true,
                1,
                3,
                40,
                20,
                List.of(new VisualPacket.Tile(5, new byte[] {0x0A, 0x0B}), new VisualPacket.Tile(0, new byte[0])));

        assertThat(packet.encode())
                .containsExactly(
                        1, // version
                        1, // flags: keyframe
                        1, 2, 3, 4, // frame index
                        0, 1, // part
                        0, 3, // parts
                        0, 40, // width
                        0, 20, // height
                        16, // tile side
                        0, 2, // tile count
                        0, 5, 0, 2, 0x0A, 0x0B, // tile 5, 2 deflate bytes
                        0, 0, 0, 0); // tile 0, no deflate bytes
    }

    @Test
    void shouldReadBackWhatItWroteAndEncodeToTheSameBytes() {
        VisualPacket packet = new VisualPacket(
                0xFFFF_FFFFL, false, 0, 1, 2048, 1, List.of(new VisualPacket.Tile(127, new byte[] {1, 2, 3})));
        byte[] bytes = packet.encode();
        byte[] framed = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, framed, 2, bytes.length);

        VisualPacket.Parsed parsed = VisualPacket.parse(framed, 2, bytes.length);

        assertThat(parsed.problem()).isNull();
        assertThat(parsed.reason()).isNull();
        VisualPacket back = parsed.packet();
        assertThat(back.frameIndex()).isEqualTo(0xFFFF_FFFFL);
        assertThat(back.keyframe()).isFalse();
        assertThat(back.part()).isZero();
        assertThat(back.parts()).isEqualTo(1);
        assertThat(back.width()).isEqualTo(2048);
        assertThat(back.height()).isEqualTo(1);
        assertThat(back.tiles()).hasSize(1);
        assertThat(back.tiles().get(0).index()).isEqualTo(127);
        assertThat(back.tiles().get(0).deflated()).containsExactly(1, 2, 3);
        assertThat(back.encode()).isEqualTo(bytes);
    }

    @Test
    void shouldAcceptAFrameWithNoTile() {
        byte[] bytes = bytesOf(header(1, 0, 9, 0, 1, 16, 16, 16, 0));

        VisualPacket.Parsed parsed = VisualPacket.parse(bytes, 0, bytes.length);

        assertThat(parsed.packet().tiles()).isEmpty();
        assertThat(parsed.packet().encode()).isEqualTo(bytes);
    }

    @Test
    void shouldRefuseAShortPayload() {
        byte[] bytes = bytesOf(header(1, 0, 0, 0, 1, 16, 16, 16, 0));
        assertRefused(bytes, VisualPacket.HEADER_BYTES - 1, VisualReject.SHORT, "at least 17 bytes, this one 16");
    }

    @Test
    void shouldRefuseAnUnknownVersion() {
        assertRefused(
                header(7, 0, 0, 0, 1, 16, 16, 16, 0),
                VisualReject.VERSION,
                "visual payload version 7 (this node knows 1)");
    }

    @Test
    void shouldRefuseReservedFlags() {
        assertRefused(header(1, 0x81, 0, 0, 1, 16, 16, 16, 0), VisualReject.FLAGS, "flags 0x81");
    }

    @Test
    void shouldRefusePartsOutsideOneTo1024AndAPartNotBelowThem() {
        assertRefused(header(1, 0, 0, 0, 0, 16, 16, 16, 0), VisualReject.PARTS, "a frame of 0 parts is impossible");
        assertRefused(header(1, 0, 0, 0, 1025, 16, 16, 16, 0), VisualReject.PARTS, "1025 parts");
        assertRefused(header(1, 0, 0, 3, 2, 16, 16, 16, 0), VisualReject.PARTS, "part 3 of 2");
        assertRefused(header(1, 0, 0, 2, 2, 16, 16, 16, 0), VisualReject.PARTS, "part 2 of 2");
        assertAccepted(header(1, 0, 0, 1023, 1024, 16, 16, 16, 0));
    }

    @Test
    void shouldRefuseASideOfZeroOrOver2048() {
        assertRefused(
                header(1, 0, 0, 0, 1, 0, 480, 16, 0),
                VisualReject.SIZE,
                "a frame of 0×480 is impossible (1 to 2048 a side)");
        assertRefused(header(1, 0, 0, 0, 1, 640, 0, 16, 0), VisualReject.SIZE, "640×0");
        assertRefused(header(1, 0, 0, 0, 1, 2049, 1, 16, 0), VisualReject.SIZE, "2049×1");
        assertRefused(header(1, 0, 0, 0, 1, 1, 2049, 16, 0), VisualReject.SIZE, "1×2049");
        assertAccepted(header(1, 0, 0, 0, 1, 2048, 2048, 16, 0));
        assertAccepted(header(1, 0, 0, 0, 1, 1, 1, 16, 0));
    }

    @Test
    void shouldRefuseATileSideOtherThan16() {
        assertRefused(header(1, 0, 0, 0, 1, 16, 16, 8, 0), VisualReject.TILE_SIDE, "tile side 8 (this node knows 16)");
    }

    @Test
    void shouldRefuseMoreTilesThanTheFrameHas() {
        // 17×16 is two tiles: an entry count of 3 cannot be right whatever follows.
        ByteBuffer bytes = header(1, 0, 0, 0, 1, 17, 16, 16, 3);
        assertRefused(bytes, VisualReject.TILE_COUNT, "3 tiles in a 2×1-tile frame of 2");
    }

    @Test
    void shouldRefuseATileOutsideTheFrame() {
        // 160×128 is 10×8 tiles, 0 to 79.
        ByteBuffer bytes = header(1, 0, 0, 0, 1, 160, 128, 16, 1, 4);
        bytes.putShort((short) 900).putShort((short) 0);
        assertRefused(bytes, VisualReject.TILE_INDEX, "tile 900 is outside a 10×8-tile frame");
        ByteBuffer edge = header(1, 0, 0, 0, 1, 160, 128, 16, 1, 4);
        edge.putShort((short) 80).putShort((short) 0);
        assertRefused(edge, VisualReject.TILE_INDEX, "tile 80 is outside");
        ByteBuffer last = header(1, 0, 0, 0, 1, 160, 128, 16, 1, 4);
        last.putShort((short) 79).putShort((short) 0);
        assertAccepted(last);
    }

    @Test
    void shouldRefuseATileTwiceInOnePacket() {
        ByteBuffer bytes = header(1, 0, 0, 0, 1, 64, 64, 16, 2, 10);
        bytes.putShort((short) 3).putShort((short) 1).put((byte) 9);
        bytes.putShort((short) 3).putShort((short) 1).put((byte) 9);
        assertRefused(bytes, VisualReject.DUPLICATE_TILE, "tile 3 twice in one packet");
    }

    @Test
    void shouldRefuseATruncatedTileEntry() {
        // The entry's header is cut short.
        ByteBuffer cutHeader = header(1, 0, 0, 0, 1, 64, 64, 16, 2, 7);
        cutHeader.putShort((short) 3).putShort((short) 1).put((byte) 9).putShort((short) 4);
        assertRefused(cutHeader, VisualReject.TRUNCATED, "truncated tile entry");
        // The entry claims more deflate bytes than follow.
        ByteBuffer cutBytes = header(1, 0, 0, 0, 1, 64, 64, 16, 1, 6);
        cutBytes.putShort((short) 3).putShort((short) 3).put((byte) 9).put((byte) 9);
        assertRefused(cutBytes, VisualReject.TRUNCATED, "truncated tile entry");
        // A count no payload of this length can hold.
        assertRefused(header(1, 0, 0, 0, 1, 64, 64, 16, 16), VisualReject.TRUNCATED, "truncated tile entry");
    }

    @Test
    void shouldRefuseTrailingBytes() {
        ByteBuffer bytes = header(1, 0, 0, 0, 1, 64, 64, 16, 1, 7);
        bytes.putShort((short) 3)
                .putShort((short) 1)
                .put((byte) 9)
                .put((byte) 0)
                .put((byte) 0);
        assertRefused(bytes, VisualReject.TRAILING, "2 trailing bytes after the last tile entry");
    }

    @Test
    void shouldGiveEveryReasonAShortLabel() {
        assertThat(VisualReject.TILE_INDEX.label()).isEqualTo("tile_index");
        assertThat(VisualReject.INFLATE.label()).isEqualTo("inflate");
        for (VisualReject reason : VisualReject.values()) {
            assertThat(reason.label()).matches("[a-z_]+");
        }
    }

    /** A header with room for {@code entryBytes} more bytes; position after the header. */
    private static ByteBuffer header(
            int version,
            int flags,
            long frameIndex,
            int part,
            int parts,
            int width,
            int height,
            int tileSide,
            int tileCount,
            int entryBytes) {
        ByteBuffer bytes = ByteBuffer.allocate(VisualPacket.HEADER_BYTES + entryBytes);
        bytes.put((byte) version)
                .put((byte) flags)
                .putInt((int) frameIndex)
                .putShort((short) part)
                .putShort((short) parts)
                .putShort((short) width)
                .putShort((short) height)
                .put((byte) tileSide)
                .putShort((short) tileCount);
        return bytes;
    }

    private static ByteBuffer header(
            int version,
            int flags,
            long frameIndex,
            int part,
            int parts,
            int width,
            int height,
            int tileSide,
            int tileCount) {
        return header(version, flags, frameIndex, part, parts, width, height, tileSide, tileCount, 0);
    }

    private static void assertRefused(ByteBuffer bytes, VisualReject reason, String problem) {
        byte[] payload = bytesOf(bytes);
        assertRefused(payload, payload.length, reason, problem);
    }

    private static void assertRefused(byte[] bytes, int length, VisualReject reason, String problem) {
        VisualPacket.Parsed parsed = VisualPacket.parse(bytes, 0, length);
        assertThat(parsed.packet()).isNull();
        assertThat(parsed.problem()).contains(problem);
        assertThat(parsed.reason()).isEqualTo(reason);
    }

    private static void assertAccepted(ByteBuffer bytes) {
        byte[] payload = bytesOf(bytes);
        VisualPacket.Parsed parsed = VisualPacket.parse(payload, 0, payload.length);
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.packet().encode()).isEqualTo(payload);
    }

    /** All the buffer's bytes, whatever it was written up to. */
    private static byte[] bytesOf(ByteBuffer bytes) {
        return Arrays.copyOfRange(bytes.array(), bytes.arrayOffset(), bytes.arrayOffset() + bytes.capacity());
    }
}
