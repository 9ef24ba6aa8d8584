package io.elara.node.media;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * An RGB image: {@link #width()} × {@link #height()} pixels, each {@code 0xRRGGBB}, row by row from the top left. It is
 * what the visual codec sends and shows, and what image files, the test pattern and the terminal preview turn into or
 * out of. A side is 1 to {@link #SIDE_MAX} pixels, so a frame's tile indexes fit the wire's 16 bits and a canvas stays
 * below 17 MB.
 *
 * <p>Immutable from outside the package: the constructor copies its array and {@link #rgb()} returns a copy. The codec,
 * in this package, reads the pixels in place to spare a copy per frame.
 */
public final class Picture {
    /** The longest side, in pixels. */
    public static final int SIDE_MAX = 2048;

    private final int width;
    private final int height;
    private final int[] pixels;

    /**
     * A copy of {@code rgb}, {@code width × height} pixels of {@code 0xRRGGBB} (any higher byte is dropped).
     *
     * @throws IllegalArgumentException if a side is outside 1 to {@link #SIDE_MAX} or the array is not that long
     */
    public Picture(int width, int height, int[] rgb) {
        this(copyOpaque(width, height, rgb), width, height);
    }

    /** Takes {@code pixels} as they are: the caller hands the array over. */
    private Picture(int[] pixels, int width, int height) {
        checkSize(width, height);
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "a " + width + "×" + height + " picture has " + width * height + " pixels, not " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /** A picture of one colour. */
    public static Picture filled(int width, int height, int rgb) {
        checkSize(width, height);
        int[] pixels = new int[width * height];
        Arrays.fill(pixels, rgb & 0xFF_FFFF);
        return new Picture(pixels, width, height);
    }

    /** Wraps {@code pixels}, which the caller hands over and never touches again. */
    static Picture wrap(int width, int height, int[] pixels) {
        return new Picture(pixels, width, height);
    }

    /** Whether {@code width × height} is a picture this codec can carry, and if not, why. */
    public static String sizeProblem(int width, int height) {
        if (width < 1 || height < 1 || width > SIDE_MAX || height > SIDE_MAX) {
            return "a frame of " + width + "×" + height + " is impossible (1 to " + SIDE_MAX + " a side)";
        }
        return null;
    }

    private static void checkSize(int width, int height) {
        String problem = sizeProblem(width, height);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static int[] copyOpaque(int width, int height, int[] rgb) {
        checkSize(width, height);
        int[] copy = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            copy[i] = rgb[i] & 0xFF_FFFF;
        }
        return copy;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The pixel at column {@code x}, row {@code y}, as {@code 0xRRGGBB}. */
    public int rgb(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") is outside " + width + "×" + height);
        }
        return pixels[y * width + x];
    }

    /** A copy of all pixels, row by row. */
    public int[] rgb() {
        return pixels.clone();
    }

    /** The pixels in place, for the codec; never written to. */
    int[] pixels() {
        return pixels;
    }

    /** Whether {@code other} has this size and these pixels. */
    public boolean samePixels(Picture other) {
        return width == other.width && height == other.height && Arrays.equals(pixels, other.pixels);
    }

    /**
     * The peak signal-to-noise ratio of {@code other} against this picture, in dB over the three 8-bit channels:
     * {@code +Infinity} when the pixels are the same, about 30 to 50 for a good lossy copy, lower for worse.
     *
     * @throws IllegalArgumentException if the sizes differ
     */
    public double psnr(Picture other) {
        if (width != other.width || height != other.height) {
            throw new IllegalArgumentException(
                    "cannot compare " + width + "×" + height + " with " + other.width + "×" + other.height);
        }
        long squares = 0;
        for (int i = 0; i < pixels.length; i++) {
            int a = pixels[i];
            int b = other.pixels[i];
            for (int shift = 0; shift <= 16; shift += 8) {
                int d = ((a >>> shift) & 0xFF) - ((b >>> shift) & 0xFF);
                squares += (long) d * d;
            }
        }
        if (squares == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double meanSquare = (double) squares / (3.0 * pixels.length);
        return 10 * Math.log10(255.0 * 255.0 / meanSquare);
    }

    /**
     * This picture at {@code newWidth × newHeight}. Each new pixel is the average of the old pixels its area covers, so
     * a smaller copy keeps fine detail as a blend rather than aliasing; a larger copy repeats pixels (nearest).
     */
    public Picture scaled(int newWidth, int newHeight) {
        checkSize(newWidth, newHeight);
        if (newWidth == width && newHeight == height) {
            return this;
        }
        return new Picture(scale(pixels, width, height, newWidth, newHeight), newWidth, newHeight);
    }

    /** Area-average (or, enlarging, nearest) scaling of {@code 0xRRGGBB} pixels of any size. */
    static int[] scale(int[] pixels, int width, int height, int newWidth, int newHeight) {
        int[] xStart = new int[newWidth];
        int[] xEnd = new int[newWidth];
        spans(width, newWidth, xStart, xEnd);
        int[] yStart = new int[newHeight];
        int[] yEnd = new int[newHeight];
        spans(height, newHeight, yStart, yEnd);
        int[] out = new int[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++) {
            for (int x = 0; x < newWidth; x++) {
                long red = 0;
                long green = 0;
                long blue = 0;
                for (int sy = yStart[y]; sy < yEnd[y]; sy++) {
                    int row = sy * width;
                    for (int sx = xStart[x]; sx < xEnd[x]; sx++) {
                        int p = pixels[row + sx];
                        red += (p >>> 16) & 0xFF;
                        green += (p >>> 8) & 0xFF;
                        blue += p & 0xFF;
                    }
                }
                long count = (long) (yEnd[y] - yStart[y]) * (xEnd[x] - xStart[x]);
                int r = (int) ((red + count / 2) / count);
                int g = (int) ((green + count / 2) / count);
                int b = (int) ((blue + count / 2) / count);
                out[y * newWidth + x] = (r << 16) | (g << 8) | b;
            }
        }
        return out;
    }

    /**
     * The source pixels {@code [start[i], end[i])} that each of {@code to} cells covers out of {@code from}. A cell
     * covers at least one pixel: when enlarging, the one it falls on.
     */
    private static void spans(int from, int to, int[] start, int[] end) {
        for (int i = 0; i < to; i++) {
            start[i] = (int) ((long) i * from / to);
            end[i] = Math.max(start[i] + 1, (int) ((long) (i + 1) * from / to));
        }
    }

    /** This picture as an AWT image, for ImageIO. */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, pixels, 0, width);
        return image;
    }

    /**
     * The pixels of an AWT image, converted to sRGB by AWT. Transparency is composed over black, so a transparent PNG
     * shows what a viewer on a black background would.
     *
     * @throws IllegalArgumentException if a side is outside 1 to {@link #SIDE_MAX}
     */
    public static Picture fromBufferedImage(BufferedImage image) {
        checkSize(image.getWidth(), image.getHeight());
        return new Picture(opaquePixels(image), image.getWidth(), image.getHeight());
    }

    /** The image's pixels as {@code 0xRRGGBB}, transparency composed over black; any size. */
    static int[] opaquePixels(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        boolean alpha = image.getColorModel().hasAlpha();
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            if (!alpha || a == 0xFF) {
                argb[i] = p & 0xFF_FFFF;
            } else {
                int r = (((p >>> 16) & 0xFF) * a + 127) / 255;
                int g = (((p >>> 8) & 0xFF) * a + 127) / 255;
                int b = ((p & 0xFF) * a + 127) / 255;
                argb[i] = (r << 16) | (g << 8) | b;
            }
        }
        return argb;
    }

    @Override
    public String toString() {
        return "Picture " + width + "×" + height;
    }
}
