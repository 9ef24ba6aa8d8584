package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal preview: exact escapes, the colourless fallback, and fitting into the terminal. */
class HalfBlocksTest {
    private static final String ESC = "\u001b[";

    @Test
    void shouldDrawTwoPixelsPerCellInTrueColour() {
        Picture picture = new Picture(2, 2, new int[] {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF});

        List<String> lines = HalfBlocks.render(picture, 2, 1, HalfBlocks.Mode.TRUECOLOR);

        assertThat(lines)
                .containsExactly(ESC + "38;2;255;0;0m" + ESC + "48;2;0;0;255m▀"
                        + ESC + "38;2;0;255;0m" + ESC + "48;2;255;255;255m▀"
                        + ESC + "0m");
    }

    @Test
    void shouldWriteAColourOnlyWhereItChanges() {
        Picture picture = new Picture(3, 2, new int[] {0x010203, 0x010203, 0x010203, 0x040506, 0x040506, 0x070809});

        List<String> lines = HalfBlocks.render(picture, 3, 1, HalfBlocks.Mode.TRUECOLOR);

        assertThat(lines)
                .containsExactly(ESC + "38;2;1;2;3m" + ESC + "48;2;4;5;6m▀▀" + ESC + "48;2;7;8;9m▀" + ESC + "0m");
    }

    @Test
    void shouldUseTheNearestOfThe256Colours() {
        Picture picture = new Picture(1, 2, new int[] {0xFF0000, 0x808080});

        assertThat(HalfBlocks.render(picture, 1, 1, HalfBlocks.Mode.ANSI256))
                .containsExactly(ESC + "38;5;196m" + ESC + "48;5;244m▀" + ESC + "0m");
        assertThat(HalfBlocks.xterm256(0x000000)).isEqualTo(16);
        assertThat(HalfBlocks.xterm256(0xFFFFFF)).isEqualTo(231);
        assertThat(HalfBlocks.xterm256(0x5F87AF)).isEqualTo(16 + 36 + 6 * 2 + 3);
    }

    @Test
    void shouldDrawBlackAndWhiteWithoutColourInAscii() {
        Picture picture = new Picture(2, 4, new int[] {0, 0xFFFFFF, 0, 0xFFFFFF, 0, 0xFFFFFF, 0, 0xFFFFFF});

        assertThat(HalfBlocks.render(picture, 2, 2, HalfBlocks.Mode.ASCII)).containsExactly(" @", " @");
    }

    @Test
    void shouldFitThePictureIntoTheTerminalKeepingItsAspect() {
        Picture picture = TestPattern.frame(320, 240, 9);

        List<String> lines = HalfBlocks.render(picture, 80, 24, HalfBlocks.Mode.TRUECOLOR);

        // 320×240 into 80×48 pixels: 64×48, as 24 lines of 64 cells.
        assertThat(lines).hasSize(24);
        assertThat(lines).allSatisfy(line -> assertThat(visible(line)).hasSize(64));
    }

    @Test
    void shouldNeverWriteWiderThanTheColumnsOrTallerThanTheRows() {
        Picture wide = TestPattern.frame(2000, 30, 1);
        Picture tall = TestPattern.frame(30, 2000, 1);
        for (HalfBlocks.Mode mode : HalfBlocks.Mode.values()) {
            for (int columns : new int[] {1, 7, 80, 200}) {
                for (int rows : new int[] {1, 5, 24}) {
                    for (Picture picture : List.of(wide, tall, Picture.filled(1, 1, 0x336699))) {
                        List<String> lines = HalfBlocks.render(picture, columns, rows, mode);
                        assertThat(lines).hasSizeBetween(1, rows);
                        assertThat(lines)
                                .allSatisfy(line ->
                                        assertThat(visible(line).length()).isBetween(1, columns));
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseATerminalWithNoRoom() {
        assertThatThrownBy(() -> HalfBlocks.render(Picture.filled(1, 1, 0), 0, 10, HalfBlocks.Mode.ASCII))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0×10");
    }

    private static String visible(String line) {
        return line.replaceAll("\u001b\\[[0-9;]*m", "");
    }
}
