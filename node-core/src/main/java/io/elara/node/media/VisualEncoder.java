package io.elara.node.media;

import static io.elara.node.media.VisualPacket.HEADER_BYTES;
import static io.elara.node.media.VisualPacket.TILE_HEADER_BYTES;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * One visual stream's sender side: turns each picture into the {@link VisualPacket} payloads of one frame. A keyframe
 * carries every tile; a delta only the tiles whose pixels differ from the picture encoded before, so a mostly still
 * picture (a slide, a screen, the test pattern) costs a few tiles a frame. Tiles are packed in index order, as many as
 * fit, into payloads of at most {@code payloadMax} bytes; each payload can be drawn on its own, so a lost one costs its
 * tiles and nothing else.
 *
 * <p>Not thread-safe; one owner. Pacing the payloads out, and deciding when to send a keyframe (periodically, and when
 * the receiver asks), is the caller's.
 */
public final class VisualEncoder {
    /** The deflate level unless told otherwise: zlib's default, a good trade of size for time on tiles this small. */
    public static final int LEVEL_DEFAULT = 6;
    /**
     * The most deflate bytes one tile can take: raw deflate stores data it cannot compress, at 5 bytes per stored
     * block, so a full tile grows by a few bytes at worst; the rest is margin.
     */
    static final int TILE_DEFLATED_MAX = VisualPacket.TILE_BYTES_MAX + 64;
    /** The smallest payload limit: the header and one tile that did not compress. */
    public static final int PAYLOAD_MIN = HEADER_BYTES + TILE_HEADER_BYTES + TILE_DEFLATED_MAX;

    private final int payloadMax;
    private final Deflater deflater;
    private final byte[] filtered = new byte[VisualPacket.TILE_BYTES_MAX];
    private final byte[] deflated = new byte[TILE_DEFLATED_MAX];
    private final byte[] building;
    private Picture last;
    private int nextFrameIndex;
    private long framesEncoded;
    private long bytesOut;

    /** An encoder at {@link #LEVEL_DEFAULT}. */
    public VisualEncoder(int payloadMax) {
        this(payloadMax, LEVEL_DEFAULT);
    }

    /**
     * An encoder whose payloads are at most {@code payloadMax} bytes (for Elara's MEDIA frames, {@link
     * io.elara.node.wire.MediaFrameFlyweight#PAYLOAD_LENGTH_MAX}), deflating at {@code level} (0 to 9).
     *
     * @throws IllegalArgumentException if {@code payloadMax} is below {@link #PAYLOAD_MIN} or the level is not 0 to 9
     */
    public VisualEncoder(int payloadMax, int level) {
        if (payloadMax < PAYLOAD_MIN) {
            throw new IllegalArgumentException(
                    "a visual payload must be allowed at least " + PAYLOAD_MIN + " bytes, not " + payloadMax);
        }
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("deflate level " + level + " is not 0 to 9");
        }
        this.payloadMax = payloadMax;
        this.deflater = new Deflater(level, true);
        this.building = new byte[payloadMax];
    }

    /**
     * The payloads of the next frame, in part order. A keyframe when {@code keyframe} is set, on the first frame, and
     * when the size changes; else a delta, which is one payload with no tile when nothing changed, so that the receiver
     * still sees the frame and can tell a gap from a still picture.
     *
     * @throws IllegalArgumentException if the frame would take more than {@link VisualPacket#PARTS_MAX} payloads (a
     *     big, noisy picture: send it smaller); nothing is encoded then and the next call starts from the same state
     */
    public List<byte[]> encode(Picture picture, boolean keyframe) {
        int width = picture.width();
        int height = picture.height();
        boolean key = keyframe || last == null || last.width() != width || last.height() != height;
        int frameTiles = VisualPacket.tilesAcross(width) * VisualPacket.tilesDown(height);
        int[] pixels = picture.pixels();
        int[] before = key ? null : last.pixels();
        List<byte[]> payloads = new ArrayList<>();
        int at = HEADER_BYTES;
        int tilesIn = 0;
        for (int tile = 0; tile < frameTiles; tile++) {
            if (!key && !VisualTiles.differs(pixels, before, width, height, tile)) {
                continue;
            }
            int length = deflate(pixels, width, height, tile);
            if (at + TILE_HEADER_BYTES + length > payloadMax) {
                payloads.add(finish(tilesIn, at, key, width, height));
                at = HEADER_BYTES;
                tilesIn = 0;
            }
            VisualPacket.putShort(building, at, tile);
            VisualPacket.putShort(building, at + 2, length);
            System.arraycopy(deflated, 0, building, at + TILE_HEADER_BYTES, length);
            at += TILE_HEADER_BYTES + length;
            tilesIn++;
        }
        payloads.add(finish(tilesIn, at, key, width, height));
        int parts = payloads.size();
        if (parts > VisualPacket.PARTS_MAX) {
            throw new IllegalArgumentException("a " + width + "×" + height + " frame needs " + parts
                    + " payloads of at most " + payloadMax + " bytes; at most " + VisualPacket.PARTS_MAX
                    + " fit in a frame, so send the picture smaller");
        }
        long bytes = 0;
        for (int part = 0; part < parts; part++) {
            byte[] payload = payloads.get(part);
            VisualPacket.putShort(payload, VisualPacket.PART_OFFSET, part);
            VisualPacket.putShort(payload, VisualPacket.PARTS_OFFSET, parts);
            bytes += payload.length;
        }
        last = picture;
        nextFrameIndex++;
        framesEncoded++;
        bytesOut += bytes;
        return payloads;
    }

    /** Copies the payload built so far out, with its header; part and parts are filled in once all are known. */
    private byte[] finish(int tilesIn, int length, boolean key, int width, int height) {
        VisualPacket.writeHeader(building, nextFrameIndex & 0xFFFF_FFFFL, key, 0, 1, width, height, tilesIn);
        return Arrays.copyOf(building, length);
    }

    /** Filters and deflates one tile into {@link #deflated}; returns its length. */
    private int deflate(int[] pixels, int width, int height, int tile) {
        int length = VisualTiles.filter(pixels, width, height, tile, filtered);
        deflater.reset();
        deflater.setInput(filtered, 0, length);
        deflater.finish();
        int out = 0;
        while (!deflater.finished()) {
            if (out == deflated.length) {
                throw new IllegalStateException("a tile of " + length + " bytes deflated past " + out + " bytes");
            }
            out += deflater.deflate(deflated, out, deflated.length - out);
        }
        return out;
    }

    /** The index of the frame encoded last (unsigned 32 bits), or -1 before the first. */
    public long lastFrameIndex() {
        return framesEncoded == 0 ? -1 : (nextFrameIndex - 1) & 0xFFFF_FFFFL;
    }

    /** Frames encoded so far. */
    public long framesEncoded() {
        return framesEncoded;
    }

    /** Payload bytes produced so far. */
    public long bytesOut() {
        return bytesOut;
    }
}
