package io.elara.node.media;

/**
 * A moving test picture, the visual counterpart of the voice test tone: colour bars over a grey ramp, a box that
 * bounces a few pixels per frame, and the frame number in block digits at the top left. It is the same for the same
 * size and number on every machine, so a receiver's picture can be checked against it, and consecutive frames differ in
 * a few tiles only (the box and the number), as a camera on a still scene or a shared screen would.
 */
public final class TestPattern {
    private static final int[] BARS = {0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00, 0xFF00FF, 0xFF0000, 0x0000FF};
    private static final int BOX_RGB = 0xFF8000;
    private static final int BOX_STEP_X = 5;
    private static final int BOX_STEP_Y = 3;
    /** Digits 0 to 9, 3 × 5 cells each, one row per 3 bits, the top row in the high bits. */
    private static final int[] GLYPHS = {
        0b111_101_101_101_111, // 0
        0b010_110_010_010_111, // 1
        0b111_001_111_100_111, // 2
        0b111_001_111_001_111, // 3
        0b101_101_111_001_001, // 4
        0b111_100_111_001_111, // 5
        0b111_100_111_101_111, // 6
        0b111_001_010_010_010, // 7
        0b111_101_111_101_111, // 8
        0b111_101_111_001_111, // 9
    };

    private TestPattern() {}

    /**
     * Frame {@code n} (0 or more) at {@code width × height}.
     *
     * @throws IllegalArgumentException if a side is outside 1 to {@link Picture#SIDE_MAX} or {@code n} is negative
     */
    public static Picture frame(int width, int height, long n) {
        String sizeProblem = Picture.sizeProblem(width, height);
        if (sizeProblem != null) {
            throw new IllegalArgumentException(sizeProblem);
        }
        if (n < 0) {
            throw new IllegalArgumentException("frame number " + n + " is negative");
        }
        int[] pixels = new int[width * height];
        int barsHeight = height * 2 / 3;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb;
                if (y < barsHeight) {
                    rgb = BARS[(int) ((long) x * BARS.length / width)];
                } else {
                    int grey = width == 1 ? 0 : x * 255 / (width - 1);
                    rgb = grey * 0x010101;
                }
                pixels[y * width + x] = rgb;
            }
        }
        int side = Math.max(4, Math.min(width, height) / 6);
        int boxWidth = Math.min(side, width);
        int boxHeight = Math.min(side, height);
        int boxX = bounce(n * BOX_STEP_X, width - boxWidth);
        int boxY = bounce(n * BOX_STEP_Y, height - boxHeight);
        fill(pixels, width, boxX, boxY, boxWidth, boxHeight, BOX_RGB);
        drawNumber(pixels, width, height, n);
        return Picture.wrap(width, height, pixels);
    }

    /** A position that runs from 0 to {@code range} and back as {@code travel} grows. */
    private static int bounce(long travel, int range) {
        if (range <= 0) {
            return 0;
        }
        long period = 2L * range;
        long at = travel % period;
        return (int) (at <= range ? at : period - at);
    }

    /** The number in black digits on a white plate, clipped to the picture. */
    private static void drawNumber(int[] pixels, int width, int height, long n) {
        String digits = Long.toString(n);
        int scale = Math.max(1, height / 48);
        int advance = 4 * scale;
        int plateWidth = digits.length() * advance + scale;
        int plateHeight = 7 * scale;
        fill(pixels, width, 0, 0, Math.min(plateWidth, width), Math.min(plateHeight, height), 0xFFFFFF);
        for (int d = 0; d < digits.length(); d++) {
            int glyph = GLYPHS[digits.charAt(d) - '0'];
            for (int row = 0; row < 5; row++) {
                for (int column = 0; column < 3; column++) {
                    int bit = 14 - (row * 3 + column);
                    if (((glyph >>> bit) & 1) == 0) {
                        continue;
                    }
                    int x = scale + d * advance + column * scale;
                    int y = scale + row * scale;
                    fill(pixels, width, x, y, Math.min(scale, width - x), Math.min(scale, height - y), 0x000000);
                }
            }
        }
    }

    private static void fill(int[] pixels, int width, int x0, int y0, int w, int h, int rgb) {
        int height = pixels.length / width;
        for (int y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) {
                pixels[y * width + x] = rgb;
            }
        }
    }
}
