package io.elara.node.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image files as sources and sinks of the visual stream: PNG and JPEG read into a {@link Picture} through the JDK's
 * ImageIO (no dependency), a received picture written as PNG, and the pictures of a directory as a slideshow. Errors
 * name the file and say what is wrong, since they end up in front of the user as one line.
 *
 * <p>These calls block on the disk: the CLI makes them, never the node's loop. They work headless; the CLI sets
 * {@code java.awt.headless=true} so that AWT never looks for a display.
 */
public final class Images {
    /** The most pixels decoded to make one picture (64 MB as {@code int}s), however large the file. */
    static final long DECODED_PIXELS_MAX = 16L << 20;

    private Images() {}

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * The picture in a PNG or JPEG file, at its own size.
     *
     * @throws IOException if the file cannot be read or is not an image ImageIO can decode
     * @throws IllegalArgumentException if the image is larger than {@link Picture#SIDE_MAX} a side (use {@link
     *     #read(Path, int, int)} to scale it down)
     */
    public static Picture read(Path file) throws IOException {
        return decode(file, Picture.SIDE_MAX, Picture.SIDE_MAX, false);
    }

    /**
     * The picture in a PNG or JPEG file, scaled down, keeping its aspect, to fit {@code widthMax × heightMax} if it is
     * larger; a smaller image keeps its size. Each new pixel averages the pixels it covers; a very large image is
     * decoded subsampled first, so that memory stays bounded.
     *
     * @throws IOException if the file cannot be read or is not an image ImageIO can decode
     * @throws IllegalArgumentException if a limit is outside 1 to {@link Picture#SIDE_MAX}
     */
    public static Picture read(Path file, int widthMax, int heightMax) throws IOException {
        String problem = Picture.sizeProblem(widthMax, heightMax);
        if (problem != null) {
            throw new IllegalArgumentException("cannot fit pictures into " + widthMax + "×" + heightMax + " (1 to "
                    + Picture.SIDE_MAX + " a side)");
        }
        return decode(file, widthMax, heightMax, true);
    }

    private static Picture decode(Path file, int widthMax, int heightMax, boolean fit) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a file");
        }
        ImageInputStream opened;
        try {
            opened = ImageIO.createImageInputStream(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " cannot be read: " + e.getMessage(), e);
        }
        try (ImageInputStream in = opened) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IOException(file + " is not an image ImageIO can decode (PNG or JPEG)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw undecodable(file, e);
                }
                if (width < 1 || height < 1) {
                    throw new IOException(file + " is an image of " + width + "×" + height + " pixels");
                }
                if (!fit && (width > widthMax || height > heightMax)) {
                    throw new IllegalArgumentException(
                            file + " is " + width + "×" + height + "; at most " + Picture.SIDE_MAX + " a side");
                }
                double scale = Math.min(1.0, Math.min((double) widthMax / width, (double) heightMax / height));
                int newWidth = Math.max(1, Math.min(widthMax, (int) Math.round(width * scale)));
                int newHeight = Math.max(1, Math.min(heightMax, (int) Math.round(height * scale)));
                // Decode every step-th pixel of a much larger image, at two to four times the result's size, so the
                // area average below still smooths; and never more than DECODED_PIXELS_MAX pixels.
                int step = Math.max(1, Math.min(width / newWidth, height / newHeight) / 2);
                while ((long) ceilDiv(width, step) * ceilDiv(height, step) > DECODED_PIXELS_MAX) {
                    step++;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image;
                try {
                    image = reader.read(0, param);
                } catch (IOException | RuntimeException e) {
                    throw undecodable(file, e);
                }
                int[] pixels = Picture.opaquePixels(image);
                if (image.getWidth() != newWidth || image.getHeight() != newHeight) {
                    pixels = Picture.scale(pixels, image.getWidth(), image.getHeight(), newWidth, newHeight);
                }
                return Picture.wrap(newWidth, newHeight, pixels);
            } finally {
                reader.dispose();
            }
        }
    }

    /** A decoder's own failure (a truncated or corrupt file) says nothing of which file; this does. */
    private static IOException undecodable(Path file, Exception cause) {
        return new IOException(file + " could not be decoded as PNG or JPEG: " + cause.getMessage(), cause);
    }

    /**
     * Writes the picture as a PNG file, atomically: into a temporary file beside it, then moved over it, so that a
     * reader (or a crash) never sees half a file.
     */
    public static void writePng(Picture picture, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            if (!ImageIO.write(picture.toBufferedImage(), "png", temporary.toFile())) {
                throw new IOException("this Java has no PNG writer, so " + file + " cannot be written");
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // A file system without atomic rename (rare for a file and its own directory): replace it plainly.
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * The PNG and JPEG files in a directory ({@code .png}, {@code .jpg}, {@code .jpeg}, any case), sorted by name, for
     * a slideshow. Subdirectories are not searched.
     *
     * @throws IOException if it is not a directory, cannot be listed, or holds no such file
     */
    public static List<Path> slideshow(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(directory)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(Images::isPictureName)
                    .sorted(Comparator.comparing(path -> path.getFileName().toString()))
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IOException(directory + " has no PNG or JPEG files (*.png, *.jpg, *.jpeg)");
        }
        return files;
    }

    private static boolean isPictureName(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }
}
