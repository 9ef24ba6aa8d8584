package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.lane.LatencyFirstSender.Drop;
import io.elara.node.wire.MediaFrameFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sending side of the latency-first lane, driven by hand with a manual clock and a real {@link CongestionWindow}.
 * Each test fills or opens the window as the reliable lane would and checks what leaves, what is dropped and why.
 */
class LatencyFirstSenderTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SRTT_NS = 40 * MS;

    private final LatencyFirstSender sender = new LatencyFirstSender();
    private final CongestionWindow window = new CongestionWindow();
    private final List<Sent> sent = new ArrayList<>();
    private final LatencyFirstSender.MediaSink sink = (streamId, sequence, ageBudgetUs, cls, payload, length) ->
            sent.add(new Sent(streamId, sequence, ageBudgetUs, cls, length, payload[0]));

    private record Sent(int streamId, int sequence, long ageBudgetUs, TrafficClass cls, int length, byte first) {}

    private MediaSendResult enqueue(int streamId, TrafficClass cls, int length, long budgetNs, long nowNs) {
        ByteBuf payload = Unpooled.buffer(length);
        try {
            payload.writeZero(length);
            if (length > 0) {
                payload.setByte(0, streamId);
            }
            return sender.enqueue(streamId, cls, payload, budgetNs, nowNs);
        } finally {
            payload.release();
        }
    }

    /** The reliable lane fills the whole window, as a burst of text waiting for its acknowledgement does. */
    private void fillWindowWithReliable(long nowNs) {
        window.onSent((int) window.windowBytes(), nowNs);
    }

    private void openWindow(long sentNs, long nowNs) {
        window.onAcked((int) window.bytesInFlight(), sentNs, -1, nowNs);
    }

    private List<Integer> sequences() {
        return sent.stream().map(Sent::sequence).toList();
    }

    @Test
    void shouldSendEachFrameOnceInQueueOrderWhenTheWindowHasRoom() {
        // Goal: media is never sent twice, whatever happens after it left (here: it is simply never acknowledged).
        // Method: queue three frames, collect twice, then again long after; only the first collection sends.
        for (int i = 0; i < 3; i++) {
            assertThat(enqueue(1, TrafficClass.PERCEPTUAL, 160, 100 * MS, 0)).isEqualTo(MediaSendResult.QUEUED);
        }
        assertThat(sender.nextDueNs(0, window)).isZero();
        assertThat(sender.collectDue(0, sink, window, SRTT_NS)).isEqualTo(3);
        assertThat(sequences()).containsExactly(0, 1, 2);
        assertThat(sent.get(0).ageBudgetUs()).isEqualTo(100_000);
        assertThat(sender.collectDue(MS, sink, window, SRTT_NS)).isZero();
        assertThat(sender.collectDue(10_000 * MS, sink, window, SRTT_NS)).isZero();
        assertThat(sent).hasSize(3);
        assertThat(sender.framesSent()).isEqualTo(3);
        assertThat(sender.queuedFrames()).isZero();
        assertThat(sender.nextDueNs(10_000 * MS, window)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldWriteTheBudgetLeftWhenAFrameWaitedInTheQueue() {
        fillWindowWithReliable(0);
        enqueue(1, TrafficClass.PERCEPTUAL, 10, 100 * MS, 0);
        assertThat(sender.collectDue(30 * MS, sink, window, SRTT_NS)).isZero();
        openWindow(0, 30 * MS);
        assertThat(sender.collectDue(30 * MS, sink, window, SRTT_NS)).isEqualTo(1);
        assertThat(sent.get(0).ageBudgetUs())
                .as("100 ms less the 30 ms it waited")
                .isEqualTo(70_000);
    }

    @Test
    void shouldDropFramesWhoseDeadlinePassedWhenTheCongestionWindowStaysFull() {
        // Goal: under a full window, voice that can no longer be useful is dropped at the sender, not sent late.
        // Method: the reliable lane fills the window; three 60 ms frames wait; 70 ms later the window opens.
        fillWindowWithReliable(0);
        for (int i = 0; i < 3; i++) {
            enqueue(1, TrafficClass.PERCEPTUAL, 160, 60 * MS, i * 20L * MS);
        }
        assertThat(sender.collectDue(50 * MS, sink, window, SRTT_NS)).isZero();
        assertThat(sender.nextDueNs(50 * MS, window))
                .as("nothing of its own in flight to wait for: the acknowledgement that opens the window flushes")
                .isEqualTo(Long.MAX_VALUE);
        openWindow(0, 70 * MS);
        assertThat(sender.collectDue(70 * MS, sink, window, SRTT_NS)).isEqualTo(2);
        assertThat(sequences())
                .as("frame 0 (deadline 60 ms) is gone; 1 (80 ms) and 2 (100 ms) still go")
                .containsExactly(1, 2);
        assertThat(sender.drops(Drop.DEADLINE)).isEqualTo(1);
        assertThat(sender.collectDue(70 * MS, sink, window, SRTT_NS)).isZero();
    }

    @Test
    void shouldDropEveryWaitingFrameAtItsDeadlineWhenTheWindowNeverOpens() {
        fillWindowWithReliable(0);
        for (int i = 0; i < 5; i++) {
            enqueue(1, TrafficClass.PERCEPTUAL, 160, 60 * MS, i * 20L * MS);
        }
        sender.collectDue(200 * MS, sink, window, SRTT_NS);
        assertThat(sent).isEmpty();
        assertThat(sender.drops(Drop.DEADLINE)).isEqualTo(5);
        assertThat(sender.queuedFrames()).isZero();
        assertThat(sender.queuedBytes()).isZero();
    }

    @Test
    void shouldDropCosmeticBeforePerceptualWhenTheQueueIsOverItsBound() {
        // Goal: under byte pressure the user keeps hearing voice; typing indicators and decoration go first.
        // Method: a full window holds everything in the queue; cosmetic frames fill half of it, voice the rest and
        // more.
        fillWindowWithReliable(0);
        int payload = 1_000;
        int frame = MediaFrameFlyweight.frameLength(payload);
        int fit = LatencyFirstSender.QUEUE_BYTES_MAX / frame; // 32 frames of 1,017 bytes
        int cosmetic = 16;
        for (int i = 0; i < cosmetic; i++) {
            assertThat(enqueue(100 + i % 2, TrafficClass.COSMETIC, payload, 10_000 * MS, i))
                    .isEqualTo(MediaSendResult.QUEUED);
        }
        int perceptual = fit; // enough voice to need every byte of the queue
        for (int i = 0; i < perceptual; i++) {
            assertThat(enqueue(i % 4, TrafficClass.PERCEPTUAL, payload, 10_000 * MS, 100 + i))
                    .isEqualTo(MediaSendResult.QUEUED);
        }
        assertThat(sender.drops(Drop.PRESSURE))
                .as("every cosmetic frame made way")
                .isEqualTo(cosmetic);
        assertThat(sender.queuedFrames(100) + sender.queuedFrames(101)).isZero();

        // Now a cosmetic frame cannot push voice out: it is dropped itself.
        assertThat(enqueue(100, TrafficClass.COSMETIC, payload, 10_000 * MS, 200))
                .isEqualTo(MediaSendResult.DROPPED);
        assertThat(sender.drops(Drop.PRESSURE)).isEqualTo(cosmetic + 1);

        // An enhancement frame cannot either; a further voice frame on a full stream supersedes its oldest frame.
        assertThat(enqueue(7, TrafficClass.ENHANCEMENT, payload, 10_000 * MS, 200))
                .isEqualTo(MediaSendResult.DROPPED);
        assertThat(enqueue(0, TrafficClass.PERCEPTUAL, payload, 10_000 * MS, 200))
                .isEqualTo(MediaSendResult.QUEUED);
        assertThat(sender.queuedBytes()).isLessThanOrEqualTo(LatencyFirstSender.QUEUE_BYTES_MAX);

        openWindow(0, 300);
        window.onAcked(0, 300, -1, 300);
        // Collect until everything queued has left (the window is 12,000 bytes; media leaves it after one RTT).
        long nowNs = 300;
        while (sender.queuedFrames() > 0) {
            sender.collectDue(nowNs, sink, window, SRTT_NS);
            nowNs += SRTT_NS;
        }
        assertThat(sent).extracting(Sent::cls).containsOnly(TrafficClass.PERCEPTUAL);
        assertThat(sent).hasSize(fit);
    }

    @Test
    void shouldDropTheEnhancementLayerBeforeRepairWhenBothAreQueued() {
        fillWindowWithReliable(0);
        int payload = 1_000;
        int fit = LatencyFirstSender.QUEUE_BYTES_MAX / MediaFrameFlyweight.frameLength(payload);
        for (int i = 0; i < fit; i++) {
            TrafficClass cls = i % 2 == 0 ? TrafficClass.REPAIR : TrafficClass.ENHANCEMENT;
            enqueue(i % 8, cls, payload, 10_000 * MS, i);
        }
        assertThat(enqueue(9, TrafficClass.REPAIR, payload, 10_000 * MS, 100)).isEqualTo(MediaSendResult.QUEUED);
        assertThat(sender.drops(Drop.PRESSURE)).isEqualTo(1);
        assertThat(sender.queuedFrames(1))
                .as("stream 1 held the oldest enhancement frame")
                .isEqualTo(fit / 8 - 1);
    }

    @Test
    void shouldSupersedeTheOldestFrameOfAStreamWhenItQueuesMoreThanItsBound() {
        // Goal: newest wins, with slack: a stream keeps its last 8 frames (160 ms of voice) while the window is shut.
        fillWindowWithReliable(0);
        for (int i = 0; i < 10; i++) {
            enqueue(1, TrafficClass.PERCEPTUAL, 160, 10_000 * MS, i * 20L * MS);
        }
        enqueue(2, TrafficClass.PERCEPTUAL, 160, 10_000 * MS, 200 * MS);
        assertThat(sender.drops(Drop.SUPERSEDED)).isEqualTo(2);
        assertThat(sender.queuedFrames(1)).isEqualTo(LatencyFirstSender.STREAM_QUEUE_FRAMES_MAX);
        openWindow(0, 210 * MS);
        sender.collectDue(210 * MS, sink, window, SRTT_NS);
        assertThat(sent.stream().filter(s -> s.streamId() == 1).map(Sent::sequence))
                .containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(sent.get(sent.size() - 1).streamId()).isEqualTo(2);
    }

    @Test
    void shouldCountSentMediaInTheSharedWindowForOneRoundTrip() {
        // Goal: voice and text together do not put more than a window per round trip on the path.
        // Method: send media until the window stops it; a reliable frame then waits; one RTT later media leaves.
        int payload = 1_000;
        int frame = MediaFrameFlyweight.frameLength(payload);
        for (int i = 0; i < 16; i++) {
            enqueue(i % 4, TrafficClass.PERCEPTUAL, payload, 10_000 * MS, 0);
        }
        int first = sender.collectDue(0, sink, window, SRTT_NS);
        assertThat(first).isEqualTo((int) (CongestionWindow.WINDOW_BYTES_INITIAL / frame));
        assertThat(window.mediaBytesInFlight()).isEqualTo((long) first * frame);
        assertThat(window.bytesInFlight())
                .as("the reliable lane's own count is untouched")
                .isZero();
        assertThat(window.canSend(frame))
                .as("a reliable frame may always go alone")
                .isTrue();
        window.onSent(frame, 0);
        assertThat(window.canSend(frame))
                .as("a second one waits for the media to leave")
                .isFalse();

        assertThat(sender.nextDueNs(MS, window)).isEqualTo(SRTT_NS);
        assertThat(sender.collectDue(SRTT_NS - 1, sink, window, SRTT_NS)).isZero();
        int second = sender.collectDue(SRTT_NS, sink, window, SRTT_NS);
        assertThat(second).isPositive();
        assertThat(window.mediaBytesInFlight()).isEqualTo((long) second * frame);
        while (sender.queuedFrames() > 0) {
            sender.collectDue(sender.nextDueNs(0, window), sink, window, SRTT_NS);
        }
        long lastReleaseNs = sender.nextDueNs(0, window);
        assertThat(lastReleaseNs)
                .as("with nothing queued, the lane still wakes when its media leaves: a reliable frame may be waiting")
                .isLessThan(Long.MAX_VALUE);
        sender.release(lastReleaseNs, window);
        assertThat(window.mediaBytesInFlight()).isZero();
        assertThat(window.canSend(frame)).isTrue();
        assertThat(sender.nextDueNs(lastReleaseNs, window)).isEqualTo(Long.MAX_VALUE);
        assertThat(window.windowBytes())
                .as("media neither grows nor shrinks the window")
                .isEqualTo(CongestionWindow.WINDOW_BYTES_INITIAL);
    }

    @Test
    void shouldRefuseWhatTheLaneCannotCarry() {
        assertThat(enqueue(1, TrafficClass.CORE, 10, 100 * MS, 0)).isEqualTo(MediaSendResult.CLASS_RELIABLE);
        assertThat(enqueue(1, TrafficClass.PERCEPTUAL, MediaFrameFlyweight.PAYLOAD_LENGTH_MAX + 1, 100 * MS, 0))
                .isEqualTo(MediaSendResult.PAYLOAD_TOO_LONG);
        assertThat(enqueue(1, TrafficClass.PERCEPTUAL, 10, 0, 0)).isEqualTo(MediaSendResult.AGE_BUDGET_INVALID);
        assertThat(enqueue(1, TrafficClass.PERCEPTUAL, MediaFrameFlyweight.PAYLOAD_LENGTH_MAX, 100 * MS, 0))
                .isEqualTo(MediaSendResult.QUEUED);
        assertThat(enqueue(1, TrafficClass.PERCEPTUAL, 0, 100 * MS, 0))
                .as("an empty payload marks silence")
                .isEqualTo(MediaSendResult.QUEUED);
        for (int stream = 2; stream <= LatencyFirstSender.STREAMS_MAX; stream++) {
            assertThat(enqueue(stream, TrafficClass.COSMETIC, 1, 100 * MS, 0)).isEqualTo(MediaSendResult.QUEUED);
        }
        assertThat(enqueue(99, TrafficClass.COSMETIC, 1, 100 * MS, 0)).isEqualTo(MediaSendResult.STREAM_LIMIT);
        assertThat(sender.queuedFrames()).isEqualTo(LatencyFirstSender.STREAMS_MAX + 1);
    }
}
