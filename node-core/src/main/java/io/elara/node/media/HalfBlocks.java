package io.elara.node.media;

import java.util.ArrayList;
import java.util.List;

/**
 * A picture as terminal text, for a preview of a visual stream in the terminal. Each character cell shows two pixels,
 * one above the other, as an upper half block {@code ▀} (U+2580) whose foreground colour is the top pixel and whose
 * background colour is the bottom one. Since a cell is about twice as tall as wide, two pixels per cell keep pixels
 * about square. Where the terminal has no colour, {@link Mode#ASCII} draws one character per cell from a brightness
 * ramp.
 *
 * <p>The picture is scaled to fit {@code columns × rows * 2} pixels, keeping its aspect. A colour escape is written
 * only where the colour changes from the cell to its left, and each colour line ends with a reset ({@code ESC[0m}) so
 * that nothing bleeds into what the terminal prints next.
 */
public final class HalfBlocks {
    /** The upper half block: foreground on top, background below. */
    public static final char UPPER_HALF = '\u2580';
    /** The ASCII mode's brightness ramp, darkest first. */
    public static final String RAMP = " .:-=+*#%@";

    private static final String ESC = "\u001b[";
    private static final String RESET = ESC + "0m";
    private static final int[] CUBE_LEVELS = {0, 95, 135, 175, 215, 255};

    /** How colours are written. */
    public enum Mode {
        /** 24-bit colour: {@code ESC[38;2;r;g;bm} and {@code ESC[48;2;r;g;bm}. */
        TRUECOLOR,
        /** The xterm 256-colour palette: the nearest of its 6×6×6 colour cube and 24 greys. */
        ANSI256,
        /** No colour: one character per cell from {@link #RAMP} by brightness. */
        ASCII
    }

    private HalfBlocks() {}

    /**
     * The picture as at most {@code rows} lines of at most {@code columns} cells each.
     *
     * @throws IllegalArgumentException if {@code columns} or {@code rows} is below 1
     */
    public static List<String> render(Picture picture, int columns, int rows, Mode mode) {
        if (columns < 1 || rows < 1) {
            throw new IllegalArgumentException("a terminal of " + columns + "×" + rows + " cells has no room");
        }
        double scale = Math.min((double) columns / picture.width(), (double) rows * 2 / picture.height());
        int width = clamp((int) Math.floor(picture.width() * scale), columns);
        int height = clamp((int) Math.floor(picture.height() * scale), rows * 2);
        int[] pixels = width == picture.width() && height == picture.height()
                ? picture.pixels()
                : Picture.scale(picture.pixels(), picture.width(), picture.height(), width, height);
        List<String> lines = new ArrayList<>((height + 1) / 2);
        StringBuilder line = new StringBuilder();
        for (int y = 0; y < height; y += 2) {
            line.setLength(0);
            int lastForeground = -1;
            int lastBackground = -1;
            for (int x = 0; x < width; x++) {
                int top = pixels[y * width + x];
                // An odd last row has nothing below it: black, like the terminal around the picture in most themes.
                int bottom = y + 1 < height ? pixels[(y + 1) * width + x] : 0;
                if (mode == Mode.ASCII) {
                    int brightness = (luma(top) + luma(bottom) + 1) / 2;
                    line.append(RAMP.charAt((brightness * (RAMP.length() - 1) + 127) / 255));
                    continue;
                }
                int foreground = mode == Mode.TRUECOLOR ? top : xterm256(top);
                int background = mode == Mode.TRUECOLOR ? bottom : xterm256(bottom);
                if (foreground != lastForeground) {
                    colour(line, "38", foreground, mode);
                    lastForeground = foreground;
                }
                if (background != lastBackground) {
                    colour(line, "48", background, mode);
                    lastBackground = background;
                }
                line.append(UPPER_HALF);
            }
            if (mode != Mode.ASCII) {
                line.append(RESET);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static int clamp(int value, int max) {
        return Math.max(1, Math.min(max, value));
    }

    private static void colour(StringBuilder line, String layer, int colour, Mode mode) {
        line.append(ESC).append(layer);
        if (mode == Mode.TRUECOLOR) {
            line.append(";2;")
                    .append((colour >>> 16) & 0xFF)
                    .append(';')
                    .append((colour >>> 8) & 0xFF)
                    .append(';')
                    .append(colour & 0xFF);
        } else {
            line.append(";5;").append(colour);
        }
        line.append('m');
    }

    /** Brightness 0 to 255 by the Rec. 601 weights, which match how bright a colour looks well enough. */
    static int luma(int rgb) {
        int r = (rgb >>> 16) & 0xFF;
        int g = (rgb >>> 8) & 0xFF;
        int b = rgb & 0xFF;
        return (299 * r + 587 * g + 114 * b + 500) / 1000;
    }

    /** The xterm palette index (16 to 255) nearest to the colour: from the colour cube or the grey ramp. */
    static int xterm256(int rgb) {
        int r = (rgb >>> 16) & 0xFF;
        int g = (rgb >>> 8) & 0xFF;
        int b = rgb & 0xFF;
        int ri = nearestLevel(r);
        int gi = nearestLevel(g);
        int bi = nearestLevel(b);
        int cube = 16 + 36 * ri + 6 * gi + bi;
        int cubeDistance = distance(r, g, b, CUBE_LEVELS[ri], CUBE_LEVELS[gi], CUBE_LEVELS[bi]);
        // Greys 232 to 255 are 8, 18, ..., 238.
        int average = (r + g + b) / 3;
        int greyStep = Math.max(0, Math.min(23, (average - 8 + 5) / 10));
        int grey = 8 + 10 * greyStep;
        int greyDistance = distance(r, g, b, grey, grey, grey);
        return greyDistance < cubeDistance ? 232 + greyStep : cube;
    }

    private static int nearestLevel(int value) {
        int best = 0;
        for (int i = 1; i < CUBE_LEVELS.length; i++) {
            if (Math.abs(CUBE_LEVELS[i] - value) < Math.abs(CUBE_LEVELS[best] - value)) {
                best = i;
            }
        }
        return best;
    }

    private static int distance(int r1, int g1, int b1, int r2, int g2, int b2) {
        return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
    }
}
