package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.CoreNetwork.Member;
import io.elara.node.event.RejectReason;
import io.elara.node.lane.MediaSendResult;
import io.elara.node.lane.TrafficClass;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The latency-first lane between two protected cores over {@link CoreNetwork}: voice frames every 20 ms beside chat,
 * on a lossy, reordering, duplicating network. What a user would notice: voice arrives fresh or not at all (never
 * twice, never backwards), every frame is accounted for, and every chat message still arrives.
 */
class NodeCoreMediaTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final long FRAME_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int VOICE = 1;
    private static final int TYPING = 2;
    private static final int PAYLOAD_BYTES = 160;

    private final CoreNetwork network = new CoreNetwork(73);
    private final Member alice = network.add("alice", 7001, b -> b.peer("bob", "127.0.0.1:7002"));
    private final Member bob = network.add("bob", 7002, b -> b.peer("alice", "127.0.0.1:7001"));
    private final List<Received> received = new ArrayList<>();

    private record Received(
            String peer, int streamId, int sequence, TrafficClass cls, int payloadSequence, int length) {}

    NodeCoreMediaTest() {
        bob.core.subscribeMedia((peer, streamId, sequence, cls, buffer, offset, length) -> received.add(
                new Received(peer, streamId, sequence, cls, length >= 4 ? buffer.getInt(offset) : -1, length)));
    }

    private CompletableFuture<SendResult> text(String text) {
        return alice.core.sendText(SendTarget.peer("bob"), text, network.clock.nowNs());
    }

    /** A 160-byte frame (20 ms of 64 kbit/s voice) whose first 4 bytes say which frame of its stream it is. */
    private MediaSendResult media(int streamId, TrafficClass cls, int index, long budgetUs) {
        ByteBuf payload = Unpooled.buffer(PAYLOAD_BYTES);
        try {
            payload.writeInt(index).writeZero(PAYLOAD_BYTES - 4);
            return alice.core.sendMedia("bob", streamId, cls, payload, budgetUs, network.clock.nowNs());
        } finally {
            payload.release();
        }
    }

    private void connect() {
        CompletableFuture<SendResult> hello = text("hello");
        network.runUntil(hello::isDone, LIMIT, "hello");
        assertThat(hello.join().allAcknowledged()).isTrue();
    }

    @Test
    void shouldRefuseMediaWhenThereIsNoSessionOrNoSuchPeer() {
        assertThat(media(VOICE, TrafficClass.PERCEPTUAL, 0, 100_000)).isEqualTo(MediaSendResult.NO_SESSION);
        assertThat(alice.core.sendMedia(
                        "carol", VOICE, TrafficClass.PERCEPTUAL, Unpooled.EMPTY_BUFFER, 1, network.clock.nowNs()))
                .isEqualTo(MediaSendResult.NO_PEER);
        connect();
        assertThat(media(VOICE, TrafficClass.CORE, 0, 100_000)).isEqualTo(MediaSendResult.CLASS_RELIABLE);
        assertThat(media(VOICE, TrafficClass.PERCEPTUAL, 0, 0)).isEqualTo(MediaSendResult.AGE_BUDGET_INVALID);
    }

    @Test
    void shouldHandFramesToAtMostEightListenersAndTakeANewOneWhenOneLeaves() {
        // Goal: media listeners (media-listen clients) are bounded at 8; a ninth is refused and hears nothing, the
        // eight hear every frame, and a slot freed by one that leaves serves the next. The constructor's is the first.
        connect();
        int[] heard = new int[NodeCore.MEDIA_LISTENERS_MAX + 1];
        List<MediaListener> listeners = new ArrayList<>();
        for (int i = 1; i <= NodeCore.MEDIA_LISTENERS_MAX; i++) {
            int index = i;
            MediaListener listener = (peer, streamId, sequence, cls, buffer, offset, length) -> heard[index]++;
            listeners.add(listener);
            assertThat(bob.core.subscribeMedia(listener))
                    .as("listener %d", i + 1)
                    .isEqualTo(i < 8);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(media(VOICE, TrafficClass.PERCEPTUAL, i, 200_000)).isEqualTo(MediaSendResult.QUEUED);
            network.runFor(Duration.ofNanos(FRAME_NS));
        }
        network.runFor(Duration.ofMillis(100));
        assertThat(received).hasSize(5);
        assertThat(heard).containsExactly(0, 5, 5, 5, 5, 5, 5, 5, 0);

        bob.core.unsubscribeMedia(listeners.get(0));
        assertThat(bob.core.subscribeMedia(listeners.get(7))).isTrue();
        assertThat(media(VOICE, TrafficClass.PERCEPTUAL, 5, 200_000)).isEqualTo(MediaSendResult.QUEUED);
        network.runFor(Duration.ofMillis(100));
        assertThat(heard).containsExactly(0, 5, 6, 6, 6, 6, 6, 6, 1);
    }

    @Test
    void shouldDeliverEveryVoiceFrameInOrderWhenTheNetworkIsClean() {
        // Goal: on a clean path, voice is not thinned out: every 20 ms frame arrives, in order, with its payload.
        connect();
        int frames = 100;
        for (int i = 0; i < frames; i++) {
            assertThat(media(VOICE, TrafficClass.PERCEPTUAL, i, 200_000)).isEqualTo(MediaSendResult.QUEUED);
            network.runFor(Duration.ofNanos(FRAME_NS));
        }
        network.runFor(Duration.ofMillis(100));
        assertThat(received).extracting(Received::sequence).hasSize(frames);
        assertThat(received)
                .extracting(Received::payloadSequence)
                .isEqualTo(received.stream().map(Received::sequence).toList());
        assertThat(received).allSatisfy(r -> {
            assertThat(r.peer()).isEqualTo("alice");
            assertThat(r.cls()).isEqualTo(TrafficClass.PERCEPTUAL);
            assertThat(r.length()).isEqualTo(PAYLOAD_BYTES);
        });
        MediaStats sent = alice.core.mediaStats("bob");
        assertThat(sent.framesSent()).isEqualTo(frames);
        assertThat(bob.core.mediaStats("alice").delivered()).isEqualTo(frames);
    }

    @Test
    void shouldNeverDuplicateOrReorderMediaWhileAllTextArrivesWhenTheNetworkLosesAndShuffles() {
        // Goal: under 10 % loss, 10 % duplication and reordering, voice and typing indicators arrive at most once and
        // in
        // order per stream, every frame is accounted for, and all chat text still arrives, in order.
        // Method: after the handshake the network turns bad; alice sends a voice frame every 20 ms, a typing indicator
        // every 60 ms and a text every 100 ms for 4 s, then the run continues until every text is acknowledged.
        connect();
        network.loss = 0.10;
        network.duplication = 0.10;
        network.reorder = true;
        int frames = 200;
        int typing = 0;
        List<CompletableFuture<SendResult>> texts = new ArrayList<>();
        List<String> expected = new ArrayList<>(List.of("alice: hello"));
        for (int i = 0; i < frames; i++) {
            assertThat(media(VOICE, TrafficClass.PERCEPTUAL, i, 150_000)).isEqualTo(MediaSendResult.QUEUED);
            if (i % 3 == 0) {
                assertThat(media(TYPING, TrafficClass.COSMETIC, typing++, 150_000))
                        .isEqualTo(MediaSendResult.QUEUED);
            }
            if (i % 5 == 0) {
                texts.add(text("line " + i));
                expected.add("alice: line " + i);
            }
            network.runFor(Duration.ofNanos(FRAME_NS));
        }
        network.runUntil(() -> texts.stream().allMatch(CompletableFuture::isDone), LIMIT, "every text acknowledged");
        network.runFor(Duration.ofMillis(500));

        assertThat(texts).allSatisfy(t -> assertThat(t.join().allAcknowledged()).isTrue());
        assertThat(bob.texts()).isEqualTo(expected);

        for (int stream : new int[] {VOICE, TYPING}) {
            List<Integer> sequences = received.stream()
                    .filter(r -> r.streamId() == stream)
                    .map(Received::sequence)
                    .toList();
            for (int i = 1; i < sequences.size(); i++) {
                assertThat(sequences.get(i))
                        .as("stream %d strictly increasing", stream)
                        .isGreaterThan(sequences.get(i - 1));
            }
        }
        assertThat(received).allSatisfy(r -> assertThat(r.payloadSequence()).isEqualTo(r.sequence()));

        MediaStats sender = alice.core.mediaStats("bob");
        MediaStats receiver = bob.core.mediaStats("alice");
        long queued = (long) frames + typing;
        assertThat(sender.framesSent()
                        + sender.droppedDeadline()
                        + sender.droppedSuperseded()
                        + sender.droppedPressure()
                        + sender.queuedFrames())
                .as("every frame alice queued was sent or dropped with a reason")
                .isEqualTo(queued);
        assertThat(receiver.delivered()).isEqualTo(received.size());
        assertThat(receiver.delivered()).as("most voice gets through 10 % loss").isGreaterThan(queued * 7 / 10);
        assertThat(receiver.delivered()).isLessThanOrEqualTo(sender.framesSent());
        // Duplicated datagrams stop at the secure channel's replay window; whatever gets past it as a stale frame is
        // counted under media_stale, never delivered.
        assertThat(receiver.stale()).isEqualTo(bob.core.rejects().get(RejectReason.MEDIA_STALE));
        assertThat(bob.core.rejects().get(RejectReason.MEDIA_LATE)).isEqualTo(receiver.late());
    }

    @Test
    void shouldHearThePeerAgainWhenItRestartsAndNumbersItsStreamsFromZero() {
        // Goal: a restarted caller is heard at once, not after it has sent as many frames as before its restart.
        // Method: 50 frames, alice restarts (losing her lane state), reconnects, and sends 10 frames from 0 again.
        connect();
        for (int i = 0; i < 50; i++) {
            media(VOICE, TrafficClass.PERCEPTUAL, i, 200_000);
            network.runFor(Duration.ofNanos(FRAME_NS));
        }
        alice.start(1234); // a new seed: a new lane incarnation, as a restarted process draws
        connect();
        received.clear();
        for (int i = 0; i < 10; i++) {
            media(VOICE, TrafficClass.PERCEPTUAL, i, 200_000);
            network.runFor(Duration.ofNanos(FRAME_NS));
        }
        network.runFor(Duration.ofMillis(100));
        assertThat(received).extracting(Received::sequence).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(bob.core.rejects().get(RejectReason.MEDIA_STALE)).isZero();
    }
}
