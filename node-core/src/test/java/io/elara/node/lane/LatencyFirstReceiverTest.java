package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.RejectReason;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The receiving side of the latency-first lane: newest wins per stream, late frames are dropped by the age budget
 * against half the round trip, and the number of streams is bounded. Each drop is named by its reject reason.
 */
class LatencyFirstReceiverTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long BUDGET_US = 100_000;

    private final LatencyFirstReceiver receiver = new LatencyFirstReceiver();

    private RejectReason arrive(int stream, int sequence) {
        return receiver.onFrame(stream, sequence, BUDGET_US, 10 * MS);
    }

    @Test
    void shouldDeliverEachFrameOnceAndAnOvertakenOneWithinTheWindow() {
        // Goal: the application never sees a frame twice, and gets a frame the path reordered while it is of use.
        // Method: 1, 2, 4 arrive; then 3 (overtaken by 4), 4 and 3 again (duplicates), then one 64 behind.
        assertThat(arrive(1, 1)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 2)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 4)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 3)).as("overtaken, within the window").isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 4)).isEqualTo(RejectReason.MEDIA_STALE);
        assertThat(arrive(1, 3)).isEqualTo(RejectReason.MEDIA_STALE);
        assertThat(arrive(1, 5)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 70)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 7)).as("63 behind: the window's last").isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 6)).as("64 behind: older than the window").isEqualTo(RejectReason.MEDIA_STALE);
        assertThat(receiver.delivered()).isEqualTo(7);
        assertThat(receiver.reordered()).isEqualTo(2);
        assertThat(receiver.stale()).isEqualTo(3);
    }

    @Test
    void shouldKeepStreamsApartWhenTheirSequencesInterleave() {
        assertThat(arrive(1, 10)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(2, 3)).as("another stream has its own newest").isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 10)).isEqualTo(RejectReason.MEDIA_STALE);
        assertThat(arrive(2, 3)).as("a duplicate on the other stream").isEqualTo(RejectReason.MEDIA_STALE);
    }

    @Test
    void shouldTreatTheWrappedSequenceAsNewerWhenTheCounterOverflows() {
        assertThat(arrive(1, 0xFFFF_FFFE)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 0xFFFF_FFFF)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 0)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 0xFFFF_FFFF)).isEqualTo(RejectReason.MEDIA_STALE);
        // Newer means ahead by less than half the number space (RFC 1982).
        assertThat(LatencyFirstReceiver.isNewer(0x8000_0004, 5)).isTrue();
        assertThat(LatencyFirstReceiver.isNewer(5, 0x8000_0004)).isFalse();
        assertThat(LatencyFirstReceiver.isNewer(5, 0x8000_0006))
                .as("ahead across the wrap")
                .isTrue();
    }

    @Test
    void shouldDropAFrameAsLateWhenItsBudgetDoesNotCoverHalfTheRoundTrip() {
        // Goal: a frame that cannot be played in time is not delivered, though the receiver's clock is not the
        // sender's.
        assertThat(receiver.onFrame(1, 1, 20_000, 25 * MS)).isEqualTo(RejectReason.MEDIA_LATE);
        assertThat(receiver.onFrame(1, 1, 20_000, 20 * MS))
                .as("exactly used up")
                .isEqualTo(RejectReason.MEDIA_LATE);
        assertThat(receiver.onFrame(1, 2, 30_000, 25 * MS)).isEqualTo(RejectReason.NONE);
        assertThat(receiver.onFrame(1, 3, 0, 0)).as("a zero budget is spent").isEqualTo(RejectReason.MEDIA_LATE);
        assertThat(receiver.onFrame(1, 4, 1, 0))
                .as("no RTT known: the budget is trusted")
                .isEqualTo(RejectReason.NONE);
        assertThat(receiver.late()).isEqualTo(3);
        assertThat(receiver.delivered()).isEqualTo(2);
    }

    @Test
    void shouldNotLetALateFrameMoveTheStreamOnWhenItIsDropped() {
        assertThat(arrive(1, 1)).isEqualTo(RejectReason.NONE);
        assertThat(receiver.onFrame(1, 5, 1_000, 10 * MS)).isEqualTo(RejectReason.MEDIA_LATE);
        assertThat(arrive(1, 3))
                .as("3 is still newer than the newest delivered, 1")
                .isEqualTo(RejectReason.NONE);
    }

    @Test
    void shouldRefuseANewStreamWhenThePeerHasTheMostItMayHave() {
        for (int stream = 0; stream < LatencyFirstReceiver.STREAMS_MAX; stream++) {
            assertThat(arrive(stream, 0)).isEqualTo(RejectReason.NONE);
        }
        assertThat(arrive(LatencyFirstReceiver.STREAMS_MAX, 0)).isEqualTo(RejectReason.MEDIA_STREAM_LIMIT);
        assertThat(arrive(0, 1)).as("known streams go on").isEqualTo(RejectReason.NONE);
        assertThat(receiver.overLimit()).isEqualTo(1);
        assertThat(receiver.streams()).isEqualTo(LatencyFirstReceiver.STREAMS_MAX);
    }

    @Test
    void shouldAcceptAStreamFromZeroAgainWhenThePeerRestarted() {
        // Goal: after the peer restarts (its lane's incarnation changes) its voice is heard again at once.
        assertThat(arrive(1, 500)).isEqualTo(RejectReason.NONE);
        assertThat(arrive(1, 0)).isEqualTo(RejectReason.MEDIA_STALE);
        receiver.reset();
        assertThat(arrive(1, 0)).isEqualTo(RejectReason.NONE);
        assertThat(receiver.delivered()).isEqualTo(2);
    }
}
