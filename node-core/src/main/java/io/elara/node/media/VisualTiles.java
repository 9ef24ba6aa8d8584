package io.elara.node.media;

import static io.elara.node.media.VisualPacket.TILE_SIDE;

/**
 * Tile geometry and the per-row "Sub" filter of the visual payload, shared by {@link VisualEncoder} and {@link
 * VisualDecoder} so that both sides agree on them by construction.
 */
final class VisualTiles {
    private VisualTiles() {}

    /** The tile's first column. */
    static int left(int width, int tile) {
        return (tile % VisualPacket.tilesAcross(width)) * TILE_SIDE;
    }

    /** The tile's first row. */
    static int top(int width, int tile) {
        return (tile / VisualPacket.tilesAcross(width)) * TILE_SIDE;
    }

    /** The tile's width in pixels: {@link VisualPacket#TILE_SIDE} but at the right edge. */
    static int tileWidth(int width, int tile) {
        return Math.min(TILE_SIDE, width - left(width, tile));
    }

    /** The tile's height in pixels: {@link VisualPacket#TILE_SIDE} but at the bottom edge. */
    static int tileHeight(int width, int height, int tile) {
        return Math.min(TILE_SIDE, height - top(width, tile));
    }

    /** The tile's bytes once inflated: three per pixel. */
    static int tileBytes(int width, int height, int tile) {
        return tileWidth(width, tile) * tileHeight(width, height, tile) * 3;
    }

    /** Whether the tile's pixels differ between two pictures of {@code width} columns. */
    static boolean differs(int[] a, int[] b, int width, int height, int tile) {
        int x0 = left(width, tile);
        int y0 = top(width, tile);
        int w = tileWidth(width, tile);
        int h = tileHeight(width, height, tile);
        for (int y = y0; y < y0 + h; y++) {
            int row = y * width + x0;
            for (int i = row; i < row + w; i++) {
                if (a[i] != b[i]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes the tile of {@code pixels} into {@code out} as filtered RGB rows; returns the byte count. */
    static int filter(int[] pixels, int width, int height, int tile, byte[] out) {
        int x0 = left(width, tile);
        int y0 = top(width, tile);
        int w = tileWidth(width, tile);
        int h = tileHeight(width, height, tile);
        int at = 0;
        for (int y = y0; y < y0 + h; y++) {
            int row = y * width + x0;
            int left = 0;
            for (int i = row; i < row + w; i++) {
                int p = pixels[i];
                out[at] = (byte) ((p >>> 16) - (left >>> 16));
                out[at + 1] = (byte) ((p >>> 8) - (left >>> 8));
                out[at + 2] = (byte) (p - left);
                at += 3;
                left = p;
            }
        }
        return at;
    }

    /** Undoes {@link #filter}: draws the tile from filtered bytes at {@code in[offset]} into {@code pixels}. */
    static void unfilter(byte[] in, int offset, int[] pixels, int width, int height, int tile) {
        int x0 = left(width, tile);
        int y0 = top(width, tile);
        int w = tileWidth(width, tile);
        int h = tileHeight(width, height, tile);
        int at = offset;
        for (int y = y0; y < y0 + h; y++) {
            int row = y * width + x0;
            int r = 0;
            int g = 0;
            int b = 0;
            for (int i = row; i < row + w; i++) {
                r = (r + in[at]) & 0xFF;
                g = (g + in[at + 1]) & 0xFF;
                b = (b + in[at + 2]) & 0xFF;
                pixels[i] = (r << 16) | (g << 8) | b;
                at += 3;
            }
        }
    }
}
