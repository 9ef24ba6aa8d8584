package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files in and out: what a user pointing the CLI at files sees. */
class ImagesTest {
    @TempDir
    Path directory;

    @Test
    void shouldReadAPngExactly() throws IOException {
        Picture source = VisualCodecTest.photoLike(97, 61, 1);
        Path file = directory.resolve("photo.png");
        assertThat(ImageIO.write(source.toBufferedImage(), "png", file.toFile()))
                .isTrue();

        Picture read = Images.read(file);

        assertThat(read.samePixels(source)).isTrue();
    }

    @Test
    void shouldReadAJpegClosely() throws IOException {
        Picture source = smooth(160, 120);
        Path file = directory.resolve("smooth.jpg");
        assertThat(ImageIO.write(source.toBufferedImage(), "jpeg", file.toFile()))
                .isTrue();

        Picture read = Images.read(file);

        assertThat(read.width()).isEqualTo(160);
        assertThat(read.height()).isEqualTo(120);
        assertThat(read.psnr(source)).isGreaterThan(30.0);
    }

    @Test
    void shouldComposeTransparencyOverBlack() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x80FF_FFFF);
        image.setRGB(1, 0, 0x00FF_0000);
        Path file = directory.resolve("alpha.png");
        ImageIO.write(image, "png", file.toFile());

        assertThat(Images.read(file).rgb()).containsExactly(0x808080, 0x000000);
    }

    @Test
    void shouldNameTheFileThatIsNoImage() throws IOException {
        Path file = directory.resolve("notes.png");
        Files.writeString(file, "not a picture", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Images.read(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + " is not an image ImageIO can decode (PNG or JPEG)");
    }

    @Test
    void shouldNameAMissingFile() {
        Path file = directory.resolve("gone.png");

        assertThatThrownBy(() -> Images.read(file))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("gone.png");
    }

    @Test
    void shouldNameACorruptFile() throws IOException {
        Path good = directory.resolve("good.png");
        ImageIO.write(VisualCodecTest.photoLike(64, 64, 2).toBufferedImage(), "png", good.toFile());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = directory.resolve("cut.png");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> Images.read(cut))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(cut + " could not be decoded as PNG or JPEG");
    }

    @Test
    void shouldRefuseAnImageLargerThan2048ASideUnlessAskedToFitIt() throws IOException {
        Path file = directory.resolve("wide.png");
        ImageIO.write(new BufferedImage(5000, 40, BufferedImage.TYPE_INT_RGB), "png", file.toFile());

        assertThatThrownBy(() -> Images.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " is 5000×40; at most 2048 a side");
        Picture fitted = Images.read(file, 640, 480);
        assertThat(fitted.width()).isEqualTo(640);
        assertThat(fitted.height()).isEqualTo(5);
    }

    @Test
    void shouldScaleDownToFitKeepingAspectButNeverUp() throws IOException {
        Picture source = VisualCodecTest.photoLike(400, 300, 3);
        Path file = directory.resolve("four-three.png");
        ImageIO.write(source.toBufferedImage(), "png", file.toFile());

        Picture fitted = Images.read(file, 200, 200);
        Picture small = Images.read(file, 1000, 1000);

        assertThat(fitted.width()).isEqualTo(200);
        assertThat(fitted.height()).isEqualTo(150);
        assertThat(fitted.psnr(source.scaled(200, 150))).isGreaterThan(30.0);
        assertThat(small.samePixels(source)).isTrue();
    }

    @Test
    void shouldWritePngAtomicallyLeavingNoTemporaryFile() throws IOException {
        Picture source = TestPattern.frame(64, 48, 3);
        Path file = directory.resolve("frame-3.png");
        Files.writeString(file, "an older frame", StandardCharsets.UTF_8);

        Images.writePng(source, file);

        assertThat(Images.read(file).samePixels(source)).isTrue();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void shouldListASlideshowByName() throws IOException {
        for (String name : List.of("b.jpg", "a.PNG", "c.jpeg", "notes.txt", "d.png.bak")) {
            Files.writeString(directory.resolve(name), name, StandardCharsets.UTF_8);
        }
        Files.createDirectory(directory.resolve("e.png"));

        assertThat(Images.slideshow(directory))
                .containsExactly(directory.resolve("a.PNG"), directory.resolve("b.jpg"), directory.resolve("c.jpeg"));
    }

    @Test
    void shouldSayWhenASlideshowDirectoryHasNoPictures() throws IOException {
        Files.writeString(directory.resolve("notes.txt"), "x", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Images.slideshow(directory))
                .isInstanceOf(IOException.class)
                .hasMessage(directory + " has no PNG or JPEG files (*.png, *.jpg, *.jpeg)");
        assertThatThrownBy(() -> Images.slideshow(directory.resolve("notes.txt")))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("notes.txt is not a directory");
    }

    /** Gradients and gentle waves, like a photo of a sky, which JPEG is made for. */
    private static Picture smooth(int width, int height) {
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = x * 255 / width;
                int g = y * 255 / height;
                int b = (int) (128 + 90 * Math.sin((x + 2 * y) / 17.0));
                rgb[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        return new Picture(width, height, rgb);
    }
}
