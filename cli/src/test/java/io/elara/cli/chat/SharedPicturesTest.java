package io.elara.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.media.Picture;
import io.elara.node.media.TestPattern;
import io.elara.node.media.VisualEncoder;
import io.elara.node.wire.MediaFrameFlyweight;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receiving side of /share: a picture shows once, whole; a missing part is asked for, then given up. */
class SharedPicturesTest {
    private static final long MS = 1_000_000L;

    private final VisualEncoder encoder = new VisualEncoder(MediaFrameFlyweight.PAYLOAD_LENGTH_MAX);

    private List<SharedPictures.Action> offerAll(SharedPictures pictures, List<byte[]> payloads, long nowNs) {
        List<SharedPictures.Action> actions = new ArrayList<>();
        for (byte[] payload : payloads) {
            actions.addAll(pictures.offer("alice", payload, nowNs));
        }
        return actions;
    }

    @Test
    void shouldShowAWholePictureOnceWhateverCopiesFollow() {
        Picture picture = TestPattern.frame(160, 120, 3);
        List<byte[]> payloads = encoder.encode(picture, true);
        assertThat(payloads).as("a picture of several parts").hasSizeGreaterThan(1);
        SharedPictures pictures = new SharedPictures();
        List<SharedPictures.Action> actions = offerAll(pictures, payloads, 0);
        assertThat(actions).hasSize(1);
        SharedPictures.Show show = (SharedPictures.Show) actions.get(0);
        assertThat(show.peer()).isEqualTo("alice");
        assertThat(show.picture().samePixels(picture)).as("lossless").isTrue();
        assertThat(offerAll(pictures, payloads, 10 * MS))
                .as("a copy sent again shows nothing")
                .isEmpty();
        assertThat(pictures.tick(2_000 * MS)).as("nothing pending").isEmpty();

        Picture next = TestPattern.frame(200, 100, 9);
        List<SharedPictures.Action> second = offerAll(pictures, encoder.encode(next, true), 3_000 * MS);
        assertThat(second).hasSize(1);
        assertThat(((SharedPictures.Show) second.get(0)).picture().samePixels(next))
                .isTrue();
    }

    @Test
    void shouldAskForAPictureMissingPartsAndShowItWhenItComesAgain() {
        Picture picture = TestPattern.frame(160, 120, 5);
        List<byte[]> payloads = encoder.encode(picture, true);
        SharedPictures pictures = new SharedPictures();
        assertThat(offerAll(pictures, payloads.subList(1, payloads.size()), 0))
                .as("the first part was lost")
                .isEmpty();
        assertThat(pictures.tick(SharedPictures.ASK_AFTER_NS - MS))
                .as("not yet")
                .isEmpty();
        assertThat(pictures.tick(SharedPictures.ASK_AFTER_NS)).containsExactly(new SharedPictures.Ask("alice"));
        assertThat(pictures.tick(SharedPictures.ASK_AFTER_NS + 10 * MS))
                .as("one request per wait")
                .isEmpty();
        List<SharedPictures.Action> actions = offerAll(pictures, payloads, 600 * MS); // the sharer sends it again
        assertThat(actions).hasSize(1);
        assertThat(((SharedPictures.Show) actions.get(0)).picture().samePixels(picture))
                .isTrue();
        assertThat(pictures.tick(5_000 * MS)).isEmpty();
    }

    @Test
    void shouldGiveUpAfterThreeRequestsAndCountMalformedPayloads() {
        List<byte[]> payloads = encoder.encode(TestPattern.frame(160, 120, 1), true);
        SharedPictures pictures = new SharedPictures();
        offerAll(pictures, payloads.subList(0, payloads.size() - 1), 0);
        List<SharedPictures.Action> actions = new ArrayList<>();
        for (long t = 0; t < 10_000 * MS; t += 100 * MS) {
            actions.addAll(pictures.tick(t));
        }
        assertThat(actions)
                .containsExactly(
                        new SharedPictures.Ask("alice"),
                        new SharedPictures.Ask("alice"),
                        new SharedPictures.Ask("alice"),
                        new SharedPictures.GaveUp("alice"));

        assertThat(pictures.offer("mallory", new byte[] {1, 2, 3}, 0)).isEmpty();
        assertThat(pictures.offer("mallory", new byte[0], 0)).isEmpty();
        assertThat(pictures.rejected()).isEqualTo(2);
        assertThat(pictures.tick(20_000 * MS)).as("garbage asks for nothing").isEmpty();
    }
}
