package io.elara.node.media;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The payload of one visual MEDIA frame, version 1: some 16×16 tiles of one picture, each deflated on its own, so that
 * every packet can be drawn when it arrives whatever else was lost ("intra-refresh by tiles"; no reassembly). A frame
 * is one or more packets ({@link #parts()}); a keyframe's packets carry every tile, a delta's the tiles that changed.
 * All fields big-endian:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Version = 1  |  Flags      |K|         Frame Index ...       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ... Frame Index             |             Part              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Parts             |             Width             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Height            | Tile Side = 16|  Tile Count   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  (Tile Count) |  then Tile Count entries:                     |
 * +-+-+-+-+-+-+-+-+                                               +
 * |  Tile Index (16) | Compressed Length (16) | Deflate bytes ...  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>Flags: bit 0 (K) marks a keyframe; the other bits are reserved and must be 0.
 *   <li>Frame Index: the frame's number in its stream, from 0, one more per frame, wrapping after 2^32 - 1 and compared
 *       with serial-number arithmetic ({@code (int) (a - b) > 0}: a is newer).
 *   <li>Part, Parts: this packet is part {@code Part} (from 0) of the frame's {@code Parts} (1 to {@link #PARTS_MAX}).
 *   <li>Width, Height: the picture's size in pixels, 1 to {@link Picture#SIDE_MAX}.
 *   <li>Tile Side: 16 in version 1. Tiles count row by row over {@code ceil(width/16) × ceil(height/16)}; the last
 *       column and row are narrower or shorter when the size is not a multiple of 16.
 *   <li>Tile entries: each tile at most once per packet. Its deflate bytes (raw deflate, RFC 1951, no zlib wrapper)
 *       inflate to exactly {@code tileWidth × tileHeight × 3} bytes: the tile's rows top to bottom, each row's pixels
 *       as R, G, B, after the PNG "Sub" filter (RFC 2083 §6.3, filter type 1) per row: every byte but the first
 *       pixel's three is sent as its difference from the same channel of the pixel to its left, modulo 256.
 *       Flat colour and gradients become runs that deflate well.
 * </ul>
 *
 * {@link #parse} checks the structure and never throws; inflating the tiles, and refusing what does not inflate to the
 * tile's size exactly, is the decoder's.
 *
 * @param frameIndex the frame's index (unsigned 32 bits, wrapping)
 * @param keyframe whether the frame carries every tile
 * @param part this packet's number within the frame, from 0
 * @param parts the frame's packet count
 * @param width the picture's width in pixels
 * @param height the picture's height in pixels
 * @param tiles the tiles this packet carries
 */
public record VisualPacket(
        long frameIndex, boolean keyframe, int part, int parts, int width, int height, List<Tile> tiles) {
    public static final int VERSION = 1;
    /** The side of a square tile, in pixels. */
    public static final int TILE_SIDE = 16;
    /** Packets one frame may take at most. */
    public static final int PARTS_MAX = 1024;
    /** The fixed header before the tile entries. */
    public static final int HEADER_BYTES = 17;
    /** A tile entry before its deflate bytes: index and compressed length. */
    public static final int TILE_HEADER_BYTES = 4;
    /** The bytes of one full tile once inflated. */
    public static final int TILE_BYTES_MAX = TILE_SIDE * TILE_SIDE * 3;

    static final int FLAG_KEYFRAME = 1;
    static final int FRAME_INDEX_OFFSET = 2;
    static final int PART_OFFSET = 6;
    static final int PARTS_OFFSET = 8;
    static final int WIDTH_OFFSET = 10;
    static final int HEIGHT_OFFSET = 12;
    static final int TILE_SIDE_OFFSET = 14;
    static final int TILE_COUNT_OFFSET = 15;

    /** One tile of a packet: its index in the frame and its deflate bytes. */
    @SuppressWarnings("ArrayRecordComponent") // a tile's bytes, compared by callers when they need to
    public record Tile(int index, byte[] deflated) {}

    /**
     * A packet with these fields.
     *
     * @throws IllegalArgumentException if a field cannot be written as version 1 (the encoder's mistake, not the
     *     network's)
     */
    public VisualPacket {
        tiles = List.copyOf(tiles);
        if (frameIndex < 0 || frameIndex > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("frame index " + frameIndex + " is not an unsigned 32-bit number");
        }
        if (parts < 1 || parts > PARTS_MAX || part < 0 || part >= parts) {
            throw new IllegalArgumentException("part " + part + " of " + parts);
        }
        String sizeProblem = Picture.sizeProblem(width, height);
        if (sizeProblem != null) {
            throw new IllegalArgumentException(sizeProblem);
        }
        int frameTiles = tilesAcross(width) * tilesDown(height);
        BitSet seen = new BitSet(frameTiles);
        for (Tile tile : tiles) {
            if (tile.index() < 0 || tile.index() >= frameTiles || seen.get(tile.index())) {
                throw new IllegalArgumentException("tile " + tile.index() + " is outside the frame or twice in it");
            }
            seen.set(tile.index());
            if (tile.deflated().length > 0xFFFF) {
                throw new IllegalArgumentException("tile " + tile.index() + " has more than 65535 deflate bytes");
            }
        }
    }

    /** Tiles across a frame of {@code width} pixels. */
    public static int tilesAcross(int width) {
        return (width + TILE_SIDE - 1) / TILE_SIDE;
    }

    /** Tiles down a frame of {@code height} pixels. */
    public static int tilesDown(int height) {
        return (height + TILE_SIDE - 1) / TILE_SIDE;
    }

    /** The payload's bytes. */
    public byte[] encode() {
        int length = HEADER_BYTES;
        for (Tile tile : tiles) {
            length += TILE_HEADER_BYTES + tile.deflated().length;
        }
        byte[] out = new byte[length];
        writeHeader(out, frameIndex, keyframe, part, parts, width, height, tiles.size());
        int at = HEADER_BYTES;
        for (Tile tile : tiles) {
            putShort(out, at, tile.index());
            putShort(out, at + 2, tile.deflated().length);
            System.arraycopy(tile.deflated(), 0, out, at + TILE_HEADER_BYTES, tile.deflated().length);
            at += TILE_HEADER_BYTES + tile.deflated().length;
        }
        return out;
    }

    static void writeHeader(
            byte[] out, long frameIndex, boolean keyframe, int part, int parts, int width, int height, int tileCount) {
        out[0] = VERSION;
        out[1] = (byte) (keyframe ? FLAG_KEYFRAME : 0);
        out[FRAME_INDEX_OFFSET] = (byte) (frameIndex >>> 24);
        out[FRAME_INDEX_OFFSET + 1] = (byte) (frameIndex >>> 16);
        out[FRAME_INDEX_OFFSET + 2] = (byte) (frameIndex >>> 8);
        out[FRAME_INDEX_OFFSET + 3] = (byte) frameIndex;
        putShort(out, PART_OFFSET, part);
        putShort(out, PARTS_OFFSET, parts);
        putShort(out, WIDTH_OFFSET, width);
        putShort(out, HEIGHT_OFFSET, height);
        out[TILE_SIDE_OFFSET] = TILE_SIDE;
        putShort(out, TILE_COUNT_OFFSET, tileCount);
    }

    static void putShort(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 8);
        out[at + 1] = (byte) value;
    }

    private static int getShort(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    /** A parsed payload, or why it is none: exactly one of {@code packet} and {@code problem} is set. */
    public record Parsed(VisualPacket packet, String problem, VisualReject reason) {
        static Parsed refuse(VisualReject reason, String problem) {
            return new Parsed(null, problem, reason);
        }
    }

    /** Reads {@code length} bytes of {@code bytes} from {@code offset}; never throws. */
    public static Parsed parse(byte[] bytes, int offset, int length) {
        if (length < HEADER_BYTES) {
            return Parsed.refuse(
                    VisualReject.SHORT, "a visual payload is at least " + HEADER_BYTES + " bytes, this one " + length);
        }
        int version = bytes[offset] & 0xFF;
        if (version != VERSION) {
            return Parsed.refuse(
                    VisualReject.VERSION, "visual payload version " + version + " (this node knows " + VERSION + ")");
        }
        int flags = bytes[offset + 1] & 0xFF;
        if ((flags & ~FLAG_KEYFRAME) != 0) {
            return Parsed.refuse(
                    VisualReject.FLAGS, "visual payload flags 0x" + Integer.toHexString(flags) + " set reserved bits");
        }
        long frameIndex = ((bytes[offset + FRAME_INDEX_OFFSET] & 0xFFL) << 24)
                | ((bytes[offset + FRAME_INDEX_OFFSET + 1] & 0xFFL) << 16)
                | ((bytes[offset + FRAME_INDEX_OFFSET + 2] & 0xFFL) << 8)
                | (bytes[offset + FRAME_INDEX_OFFSET + 3] & 0xFFL);
        int part = getShort(bytes, offset + PART_OFFSET);
        int parts = getShort(bytes, offset + PARTS_OFFSET);
        if (parts < 1 || parts > PARTS_MAX) {
            return Parsed.refuse(
                    VisualReject.PARTS, "a frame of " + parts + " parts is impossible (1 to " + PARTS_MAX + ")");
        }
        if (part >= parts) {
            return Parsed.refuse(VisualReject.PARTS, "part " + part + " of " + parts);
        }
        int width = getShort(bytes, offset + WIDTH_OFFSET);
        int height = getShort(bytes, offset + HEIGHT_OFFSET);
        String sizeProblem = Picture.sizeProblem(width, height);
        if (sizeProblem != null) {
            return Parsed.refuse(VisualReject.SIZE, sizeProblem);
        }
        int tileSide = bytes[offset + TILE_SIDE_OFFSET] & 0xFF;
        if (tileSide != TILE_SIDE) {
            return Parsed.refuse(
                    VisualReject.TILE_SIDE, "tile side " + tileSide + " (this node knows " + TILE_SIDE + ")");
        }
        int across = tilesAcross(width);
        int down = tilesDown(height);
        int frameTiles = across * down;
        int tileCount = getShort(bytes, offset + TILE_COUNT_OFFSET);
        if (tileCount > frameTiles) {
            return Parsed.refuse(
                    VisualReject.TILE_COUNT,
                    tileCount + " tiles in a " + across + "×" + down + "-tile frame of " + frameTiles);
        }
        int end = offset + length;
        // Every entry takes at least its header, so a count the payload cannot hold is refused before any allocation.
        if ((long) tileCount * TILE_HEADER_BYTES > length - HEADER_BYTES) {
            return Parsed.refuse(VisualReject.TRUNCATED, "truncated tile entry");
        }
        List<Tile> tiles = new ArrayList<>(tileCount);
        BitSet seen = new BitSet(frameTiles);
        int at = offset + HEADER_BYTES;
        for (int i = 0; i < tileCount; i++) {
            if (end - at < TILE_HEADER_BYTES) {
                return Parsed.refuse(VisualReject.TRUNCATED, "truncated tile entry");
            }
            int index = getShort(bytes, at);
            int compressed = getShort(bytes, at + 2);
            if (index >= frameTiles) {
                return Parsed.refuse(
                        VisualReject.TILE_INDEX,
                        "tile " + index + " is outside a " + across + "×" + down + "-tile frame");
            }
            if (seen.get(index)) {
                return Parsed.refuse(VisualReject.DUPLICATE_TILE, "tile " + index + " twice in one packet");
            }
            seen.set(index);
            at += TILE_HEADER_BYTES;
            if (end - at < compressed) {
                return Parsed.refuse(VisualReject.TRUNCATED, "truncated tile entry");
            }
            byte[] deflated = new byte[compressed];
            System.arraycopy(bytes, at, deflated, 0, compressed);
            tiles.add(new Tile(index, deflated));
            at += compressed;
        }
        if (at != end) {
            return Parsed.refuse(VisualReject.TRAILING, (end - at) + " trailing bytes after the last tile entry");
        }
        boolean keyframe = (flags & FLAG_KEYFRAME) != 0;
        return new Parsed(new VisualPacket(frameIndex, keyframe, part, parts, width, height, tiles), null, null);
    }
}
