package io.elara.node.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.elara.node.wire.MediaFrameFlyweight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The visual codec end to end: encoder to decoder, in order, shuffled, with loss, and with hostile payloads. */
class VisualCodecTest {
    private static final int PAYLOAD_MAX = MediaFrameFlyweight.PAYLOAD_LENGTH_MAX;

    @Test
    void shouldShowEveryFrameExactlyWhenAllPacketsArriveInOrder() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        for (int n = 0; n < 30; n++) {
            Picture source = TestPattern.frame(320, 240, n);
            List<byte[]> payloads = encoder.encode(source, n % 10 == 0);
            offerAll(decoder, payloads);

            assertThat(decoder.hasPicture()).isTrue();
            assertThat(decoder.picture().samePixels(source)).as("frame %d", n).isTrue();
            assertThat(decoder.lastCompleteFrame()).isEqualTo(n);
            assertThat(decoder.needsKeyframe()).isFalse();
        }
        assertThat(encoder.lastFrameIndex()).isEqualTo(29);
        assertThat(encoder.framesEncoded()).isEqualTo(30);
        assertThat(decoder.framesComplete()).isEqualTo(30);
        assertThat(decoder.keyframesComplete()).isEqualTo(3);
        assertThat(decoder.framesLost()).isZero();
        assertThat(decoder.rejectedTotal()).isZero();
        assertThat(decoder.bytes()).isEqualTo(encoder.bytesOut());
    }

    @Test
    void shouldKeepPayloadsWithinTheLimitAndDeltasSmall() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        long keyframeBytes = 0;
        for (int n = 0; n < 12; n++) {
            List<byte[]> payloads = encoder.encode(TestPattern.frame(320, 240, n), n == 0);
            long frameBytes = 0;
            for (byte[] payload : payloads) {
                assertThat(payload.length).isLessThanOrEqualTo(PAYLOAD_MAX);
                frameBytes += payload.length;
            }
            if (n == 0) {
                keyframeBytes = frameBytes;
                assertThat(payloads.size()).isGreaterThan(1);
            } else {
                assertThat(frameBytes).as("delta %d", n).isLessThan(keyframeBytes / 4);
            }
        }
    }

    @Test
    void shouldSendOnePacketWithNoTileForAnUnchangedPicture() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        Picture still = TestPattern.frame(64, 48, 0);
        encoder.encode(still, true);

        List<byte[]> payloads = encoder.encode(still, false);

        assertThat(payloads).hasSize(1);
        VisualPacket packet = parse(payloads.get(0));
        assertThat(packet.keyframe()).isFalse();
        assertThat(packet.frameIndex()).isEqualTo(1);
        assertThat(packet.parts()).isEqualTo(1);
        assertThat(packet.tiles()).isEmpty();
    }

    @Test
    void shouldShowTheRightPictureWhenPacketsOfTwoFramesArriveShuffled() {
        VisualEncoder encoder = new VisualEncoder(VisualEncoder.PAYLOAD_MIN);
        VisualDecoder decoder = new VisualDecoder();
        Random random = new Random(7);
        offerAll(decoder, encoder.encode(TestPattern.frame(320, 240, 0), true));
        for (int n = 1; n < 31; n += 2) {
            Picture second = TestPattern.frame(320, 240, n + 1);
            List<byte[]> both = new ArrayList<>(encoder.encode(TestPattern.frame(320, 240, n), n % 10 == 0));
            both.addAll(encoder.encode(second, (n + 1) % 10 == 0));
            Collections.shuffle(both, random);
            offerAll(decoder, both);

            assertThat(decoder.picture().samePixels(second))
                    .as("frames %d and %d", n, n + 1)
                    .isTrue();
            assertThat(decoder.lastCompleteFrame()).isEqualTo(n + 1);
        }
        assertThat(decoder.framesLost()).isZero();
        assertThat(decoder.needsKeyframe()).isFalse();
        assertThat(decoder.framesComplete()).isEqualTo(31);
    }

    @Test
    void shouldAskForAKeyframeAfterALossAndBeWholeAgainOnceItArrives() {
        // Frame 1 changes two noisy tiles far apart, which take a payload each; the first payload is lost. Frames 2 and
        // 3 change other tiles, so tile 0 stays wrong until the keyframe.
        Picture base = gradient(128, 64);
        Picture one = withNoiseTile(withNoiseTile(base, 0, 1), 31, 2);
        Picture two = withNoiseTile(one, 10, 3);
        Picture three = withNoiseTile(two, 20, 4);
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        offerAll(decoder, encoder.encode(base, true));
        List<byte[]> frameOne = encoder.encode(one, false);
        assertThat(frameOne).hasSize(2);

        offerAll(decoder, frameOne.subList(1, 2));
        offerAll(decoder, encoder.encode(two, false));
        assertThat(decoder.needsKeyframe())
                .as("frame 1 may still come: frame 2 is only one newer")
                .isFalse();
        offerAll(decoder, encoder.encode(three, false));

        assertThat(decoder.needsKeyframe()).isTrue();
        assertThat(decoder.framesLost()).isEqualTo(1);
        assertThat(decoder.picture().samePixels(three)).isFalse();
        assertThat(decoder.lastCompleteFrame()).isZero();
        long nowNs = 5_000_000_000L;
        assertThat(decoder.keyframeRequestDue(nowNs)).isTrue();
        assertThat(decoder.keyframeRequestDue(nowNs + 199_999_999L)).isFalse();
        assertThat(decoder.keyframeRequestDue(nowNs + 200_000_000L)).isTrue();

        offerAll(decoder, encoder.encode(three, true));

        assertThat(decoder.needsKeyframe()).isFalse();
        assertThat(decoder.picture().samePixels(three)).isTrue();
        assertThat(decoder.lastCompleteFrame()).isEqualTo(4);
        assertThat(decoder.keyframeRequestDue(nowNs + 1_000_000_000L)).isFalse();
    }

    @Test
    void shouldNotAskForAKeyframeWhenOneNewerThanTheLossIsWholeAlready() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        for (int n = 0; n < 13; n++) {
            Picture source = TestPattern.frame(64, 48, n);
            List<byte[]> payloads = encoder.encode(source, n == 0 || n == 10);
            if (n != 9) {
                offerAll(decoder, payloads);
            }
        }

        // Frame 9 is judged lost when frame 11 arrives, after keyframe 10 redrew everything.
        assertThat(decoder.framesLost()).isEqualTo(1);
        assertThat(decoder.needsKeyframe()).isFalse();
        assertThat(decoder.picture().samePixels(TestPattern.frame(64, 48, 12))).isTrue();
        assertThat(decoder.lastCompleteFrame()).isEqualTo(12);
    }

    @Test
    void shouldCountFramesThatNeverArrivedAsLost() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        offerAll(decoder, encoder.encode(TestPattern.frame(64, 48, 0), true));
        for (int n = 1; n <= 4; n++) {
            encoder.encode(TestPattern.frame(64, 48, n), false);
        }
        offerAll(decoder, encoder.encode(TestPattern.frame(64, 48, 5), false));

        // Frames 1 to 4 are gone; frame 4 is not judged yet, as frame 5 is only one newer.
        assertThat(decoder.framesLost()).isEqualTo(3);
        assertThat(decoder.needsKeyframe()).isTrue();
    }

    @Test
    void shouldSwitchToANewSizeOnlyOnceItsKeyframeIsWhole() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        for (int n = 0; n < 5; n++) {
            offerAll(decoder, encoder.encode(TestPattern.frame(320, 240, n), n == 0));
        }
        Picture small = TestPattern.frame(160, 120, 5);
        List<byte[]> resized = encoder.encode(small, false);
        assertThat(parse(resized.get(0)).keyframe())
                .as("a size change forces a keyframe")
                .isTrue();
        assertThat(resized.size()).isGreaterThan(1);

        offerAll(decoder, resized.subList(0, resized.size() - 1));
        assertThat(decoder.picture().samePixels(TestPattern.frame(320, 240, 4))).isTrue();
        offerAll(decoder, resized.subList(resized.size() - 1, resized.size()));

        assertThat(decoder.picture().samePixels(small)).isTrue();
        assertThat(decoder.lastCompleteFrame()).isEqualTo(5);
        for (int n = 6; n < 9; n++) {
            Picture source = TestPattern.frame(160, 120, n);
            offerAll(decoder, encoder.encode(source, false));
            assertThat(decoder.picture().samePixels(source)).isTrue();
        }
        assertThat(decoder.needsKeyframe()).isFalse();
        assertThat(decoder.framesLost()).isZero();
    }

    @Test
    void shouldDropDeltasThatComeBeforeAnyKeyframe() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        encoder.encode(TestPattern.frame(64, 48, 0), true);
        for (int n = 1; n <= 3; n++) {
            for (byte[] payload : encoder.encode(TestPattern.frame(64, 48, n), false)) {
                assertThat(decoder.offer(payload, 0, payload.length)).isEqualTo(VisualDecoder.Outcome.WAITING);
            }
        }
        assertThat(decoder.waiting()).isEqualTo(3);
        assertThat(decoder.hasPicture()).isFalse();
        assertThat(decoder.lastCompleteFrame()).isEqualTo(-1);
        assertThat(decoder.needsKeyframe())
                .as("a receiver that joined late asks for a keyframe")
                .isTrue();
        assertThatThrownBy(decoder::picture).isInstanceOf(IllegalStateException.class);

        Picture source = TestPattern.frame(64, 48, 4);
        offerAll(decoder, encoder.encode(source, true));

        assertThat(decoder.picture().samePixels(source)).isTrue();
        assertThat(decoder.needsKeyframe()).isFalse();
        assertThat(decoder.framesLost()).isZero();
    }

    @Test
    void shouldShowNothingUntilTheFirstKeyframeIsWhole() {
        VisualEncoder encoder = new VisualEncoder(VisualEncoder.PAYLOAD_MIN);
        VisualDecoder decoder = new VisualDecoder();
        List<byte[]> keyframe = encoder.encode(TestPattern.frame(320, 240, 0), true);
        offerAll(decoder, keyframe.subList(0, keyframe.size() - 1));

        assertThat(decoder.hasPicture()).isFalse();
        byte[] last = keyframe.get(keyframe.size() - 1);
        assertThat(decoder.offer(last, 0, last.length)).isEqualTo(VisualDecoder.Outcome.FRAME_COMPLETE);
        assertThat(decoder.offer(last, 0, last.length)).isEqualTo(VisualDecoder.Outcome.DUPLICATE);
        assertThat(decoder.hasPicture()).isTrue();
        assertThat(decoder.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldNotLetAnOldTileOverwriteANewerOne() {
        // The left half turns red in frame 1 and blue in frame 2; frame 1 arrives after frame 2.
        Picture base = Picture.filled(64, 32, 0x000000);
        Picture red = paint(base, 0, 0, 32, 32, 0xFF0000);
        Picture blue = paint(base, 0, 0, 32, 32, 0x0000FF);
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        offerAll(decoder, encoder.encode(base, true));
        List<byte[]> frameOne = encoder.encode(red, false);
        List<byte[]> frameTwo = encoder.encode(blue, false);

        offerAll(decoder, frameTwo);
        offerAll(decoder, frameOne);

        assertThat(decoder.picture().samePixels(blue)).isTrue();
        assertThat(decoder.lastCompleteFrame()).isEqualTo(2);
    }

    @Test
    void shouldCompareFrameIndexesAcrossTheWrap() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        long first = 0xFFFF_FFFEL;
        for (int n = 0; n < 5; n++) {
            Picture source = TestPattern.frame(64, 48, n);
            for (byte[] payload : encoder.encode(source, n == 0)) {
                VisualPacket packet = parse(payload);
                byte[] renumbered = new VisualPacket(
                                (first + n) & 0xFFFF_FFFFL,
                                packet.keyframe(),
                                packet.part(),
                                packet.parts(),
                                packet.width(),
                                packet.height(),
                                packet.tiles())
                        .encode();
                decoder.offer(renumbered, 0, renumbered.length);
            }
            assertThat(decoder.picture().samePixels(source)).isTrue();
        }
        assertThat(decoder.lastCompleteFrame()).isEqualTo(2);
        assertThat(decoder.framesLost()).isZero();
        assertThat(decoder.needsKeyframe()).isFalse();
    }

    @Test
    void shouldRejectADeflateBombAndTruncatedDeflateAndLeaveTheCanvasAlone() {
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();
        offerAll(decoder, encoder.encode(TestPattern.frame(64, 48, 0), true));
        Picture before = decoder.picture();
        byte[] tile = new byte[VisualPacket.TILE_BYTES_MAX];
        Arrays.fill(tile, (byte) 0x55);

        byte[] bomb = delta(1, deflate(new byte[1 << 20]));
        byte[] oneTooMany = delta(1, deflate(Arrays.copyOf(tile, tile.length + 1)));
        byte[] fullTile = deflate(tile);
        byte[] truncated = delta(1, Arrays.copyOf(fullTile, fullTile.length - 2));
        byte[] short1 = delta(1, deflate(Arrays.copyOf(tile, tile.length - 1)));
        byte[] trailing = delta(1, Arrays.copyOf(fullTile, fullTile.length + 3));
        byte[] garbage = delta(1, new byte[] {(byte) 0xFF, (byte) 0xFF, 0x12, 0x34});

        for (byte[] payload : List.of(bomb, oneTooMany, truncated, short1, trailing, garbage)) {
            assertThat(decoder.offer(payload, 0, payload.length)).isEqualTo(VisualDecoder.Outcome.REJECTED);
        }
        assertThat(decoder.rejected()).containsExactly(java.util.Map.entry("inflate", 6L));
        assertThat(decoder.rejectedTotal()).isEqualTo(6);
        assertThat(decoder.lastProblem()).contains("tile 0 of frame 1 does not inflate to its 768 bytes");
        assertThat(decoder.picture().samePixels(before)).isTrue();
        assertThat(decoder.framesComplete()).isEqualTo(1);

        byte[] good = delta(1, fullTile);
        assertThat(decoder.offer(good, 0, good.length)).isEqualTo(VisualDecoder.Outcome.FRAME_COMPLETE);
    }

    @Test
    void shouldCountMalformedPayloadsByReason() {
        VisualDecoder decoder = new VisualDecoder();
        byte[] version = delta(1, new byte[] {1});
        version[0] = 7;
        byte[] side = delta(1, new byte[] {1});
        side[VisualPacket.TILE_SIDE_OFFSET] = 8;

        decoder.offer(version, 0, version.length);
        decoder.offer(version, 0, version.length);
        decoder.offer(side, 0, side.length);
        decoder.offer(new byte[3], 0, 3);

        assertThat(decoder.rejected())
                .containsExactly(
                        java.util.Map.entry("short", 1L),
                        java.util.Map.entry("version", 2L),
                        java.util.Map.entry("tile_side", 1L));
        assertThat(decoder.packets()).isEqualTo(4);
        assertThat(decoder.lastProblem()).isEqualTo("a visual payload is at least 17 bytes, this one 3");
    }

    @Test
    void shouldRejectAPacketThatDisagreesWithItsFrame() {
        VisualEncoder encoder = new VisualEncoder(VisualEncoder.PAYLOAD_MIN);
        VisualDecoder decoder = new VisualDecoder();
        List<byte[]> keyframe = encoder.encode(TestPattern.frame(320, 240, 0), true);
        decoder.offer(keyframe.get(0), 0, keyframe.get(0).length);
        byte[] liar = keyframe.get(1).clone();
        VisualPacket.putShort(liar, VisualPacket.PARTS_OFFSET, keyframe.size() + 1);

        assertThat(decoder.offer(liar, 0, liar.length)).isEqualTo(VisualDecoder.Outcome.REJECTED);
        assertThat(decoder.rejected()).containsKey("conflict");
    }

    @Test
    void shouldCarryAPhotoLikePictureExactlyInManyPackets() {
        Picture photo = photoLike(301, 203, 11);
        VisualEncoder encoder = new VisualEncoder(PAYLOAD_MAX);
        VisualDecoder decoder = new VisualDecoder();

        List<byte[]> payloads = encoder.encode(photo, true);
        Collections.shuffle(payloads, new Random(3));
        offerAll(decoder, payloads);

        assertThat(payloads.size()).isGreaterThan(20);
        assertThat(payloads).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(PAYLOAD_MAX));
        assertThat(decoder.picture().samePixels(photo)).isTrue();
        assertThat(decoder.lastCompleteFrame()).isZero();
    }

    @Test
    void shouldRefuseAFrameOfMoreThan1024Packets() {
        VisualEncoder encoder = new VisualEncoder(VisualEncoder.PAYLOAD_MIN);
        Picture noise = photoLike(1024, 1024, 5);

        assertThatThrownBy(() -> encoder.encode(noise, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1024 fit in a frame");
        assertThat(encoder.framesEncoded()).isZero();
        assertThat(encoder.lastFrameIndex()).isEqualTo(-1);
    }

    @Test
    void shouldMeasurePsnr() {
        Picture black = Picture.filled(2, 1, 0x000000);
        Picture oneRed = new Picture(2, 1, new int[] {0xFF0000, 0x000000});

        assertThat(black.psnr(black)).isEqualTo(Double.POSITIVE_INFINITY);
        // One channel of six is off by 255: mean square 255² / 6, so 10 log10(6).
        assertThat(black.psnr(oneRed)).isCloseTo(10 * Math.log10(6), within(1e-9));
        assertThat(oneRed.psnr(black)).isCloseTo(7.7815, within(1e-4));
        assertThatThrownBy(() -> black.psnr(Picture.filled(1, 2, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot compare 2×1 with 1×2");
    }

    @Test
    void shouldAverageAreasWhenScalingDown() {
        Picture four = new Picture(2, 2, new int[] {0x000000, 0xFFFFFF, 0x000000, 0xFFFFFF});

        assertThat(four.scaled(1, 1).rgb(0, 0)).isEqualTo(0x808080);
        assertThat(four.scaled(1, 2).rgb()).containsExactly(0x808080, 0x808080);
        assertThat(four.scaled(4, 2).rgb()).containsExactly(0, 0, 0xFFFFFF, 0xFFFFFF, 0, 0, 0xFFFFFF, 0xFFFFFF);
        assertThatThrownBy(() -> four.scaled(0, 5)).hasMessageContaining("0×5 is impossible");
    }

    @Test
    void shouldKeepItsPixelsToItself() {
        int[] rgb = {0x123456, 0xFF_ABCDEF};
        Picture picture = new Picture(2, 1, rgb);
        rgb[0] = 0;
        picture.rgb()[1] = 0;

        assertThat(picture.rgb()).containsExactly(0x123456, 0xABCDEF);
        assertThatThrownBy(() -> new Picture(3, 1, rgb)).hasMessageContaining("has 3 pixels, not 2");
    }

    private static void offerAll(VisualDecoder decoder, List<byte[]> payloads) {
        for (byte[] payload : payloads) {
            VisualDecoder.Outcome outcome = decoder.offer(payload, 0, payload.length);
            assertThat(outcome).as(decoder.lastProblem()).isNotEqualTo(VisualDecoder.Outcome.REJECTED);
        }
    }

    private static VisualPacket parse(byte[] payload) {
        VisualPacket.Parsed parsed = VisualPacket.parse(payload, 0, payload.length);
        assertThat(parsed.problem()).isNull();
        return parsed.packet();
    }

    /** A one-part delta of a 64×48 frame carrying tile 0 as {@code deflated}. */
    private static byte[] delta(long frameIndex, byte[] deflated) {
        return new VisualPacket(frameIndex, false, 0, 1, 64, 48, List.of(new VisualPacket.Tile(0, deflated))).encode();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] out = new byte[data.length + 64];
            int length = 0;
            while (!deflater.finished()) {
                length += deflater.deflate(out, length, out.length - length);
            }
            return Arrays.copyOf(out, length);
        } finally {
            deflater.end();
        }
    }

    private static Picture gradient(int width, int height) {
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                rgb[y * width + x] = ((x * 255 / width) << 16) | ((y * 255 / height) << 8) | 0x40;
            }
        }
        return new Picture(width, height, rgb);
    }

    private static Picture withNoiseTile(Picture picture, int tile, long seed) {
        Random random = new Random(seed);
        int across = VisualPacket.tilesAcross(picture.width());
        int[] rgb = picture.rgb();
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb[((tile / across) * 16 + y) * picture.width() + (tile % across) * 16 + x] = random.nextInt(1 << 24);
            }
        }
        return new Picture(picture.width(), picture.height(), rgb);
    }

    private static Picture paint(Picture picture, int x0, int y0, int w, int h, int colour) {
        int[] rgb = picture.rgb();
        for (int y = y0; y < y0 + h; y++) {
            Arrays.fill(rgb, y * picture.width() + x0, y * picture.width() + x0 + w, colour);
        }
        return new Picture(picture.width(), picture.height(), rgb);
    }

    /** Smooth gradients with sensor-like noise on top: compresses like a photo, poorly. */
    static Picture photoLike(int width, int height, long seed) {
        Random random = new Random(seed);
        int[] rgb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp(x * 255 / width + random.nextInt(41) - 20);
                int g = clamp(y * 255 / height + random.nextInt(41) - 20);
                int b = clamp((int) (128 + 100 * Math.sin((x + y) / 9.0)) + random.nextInt(41) - 20);
                rgb[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        return new Picture(width, height, rgb);
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

    @Test
    void shouldSayThePictureIsSettledOnlyWhileNoTileOfANewerFrameShows() {
        VisualEncoder encoder = new VisualEncoder(MediaFrameFlyweight.PAYLOAD_LENGTH_MAX);
        VisualDecoder decoder = new VisualDecoder();
        Picture first = TestPattern.frame(320, 240, 0);
        for (byte[] part : encoder.encode(first, true)) {
            decoder.offer(part, 0, part.length);
        }
        assertThat(decoder.settled()).isTrue();
        assertThat(decoder.picture().samePixels(first)).isTrue();
        List<byte[]> next = encoder.encode(TestPattern.frame(320, 240, 1), true);
        assertThat(next.size()).as("a keyframe in several parts").isGreaterThan(1);
        decoder.offer(next.get(0), 0, next.get(0).length);
        assertThat(decoder.lastCompleteFrame()).isZero();
        assertThat(decoder.settled())
                .as("frame 0 is the last complete, and tiles of frame 1 already show")
                .isFalse();
        for (byte[] part : next.subList(1, next.size())) {
            decoder.offer(part, 0, part.length);
        }
        assertThat(decoder.settled()).isTrue();
        assertThat(decoder.picture().samePixels(TestPattern.frame(320, 240, 1))).isTrue();
    }
}
