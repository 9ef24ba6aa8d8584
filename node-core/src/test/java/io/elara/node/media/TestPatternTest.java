package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test pattern: the same everywhere, and changing a little from frame to frame. */
class TestPatternTest {
    @Test
    void shouldBeTheSameForTheSameSizeAndNumber() {
        assertThat(TestPattern.frame(320, 240, 17).samePixels(TestPattern.frame(320, 240, 17)))
                .isTrue();
    }

    @Test
    void shouldChangeAFewTilesFromOneFrameToTheNext() {
        int tiles = VisualPacket.tilesAcross(320) * VisualPacket.tilesDown(240);
        for (long n = 0; n < 40; n++) {
            Picture before = TestPattern.frame(320, 240, n);
            Picture after = TestPattern.frame(320, 240, n + 1);
            int changed = 0;
            for (int tile = 0; tile < tiles; tile++) {
                if (VisualTiles.differs(before.pixels(), after.pixels(), 320, 240, tile)) {
                    changed++;
                }
            }
            assertThat(changed).as("frame %d to %d", n, n + 1).isBetween(1, tiles / 10);
        }
    }

    @Test
    void shouldShowTheFrameNumberAsBlockDigits() {
        Picture seven = TestPattern.frame(96, 48, 7);
        // At 48 rows the digits are one pixel per cell, from (1, 1): a 7's top row is solid, its middle row's left
        // cell empty.
        assertThat(seven.rgb(1, 1)).isZero();
        assertThat(seven.rgb(3, 1)).isZero();
        assertThat(seven.rgb(1, 3)).isEqualTo(0xFFFFFF);
        assertThat(seven.rgb(0, 0)).isEqualTo(0xFFFFFF);
    }

    @Test
    void shouldDrawAtTinySizesToo() {
        assertThat(TestPattern.frame(1, 1, 123_456).width()).isEqualTo(1);
        assertThat(TestPattern.frame(2048, 3, 5).height()).isEqualTo(3);
        assertThatThrownBy(() -> TestPattern.frame(0, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestPattern.frame(10, 10, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
