package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.Event;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.elara.node.wire.WireTestData;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sending half of the lane with events too long for a packet: fragments, receipts and restarts. */
class FragmentingSenderTest {
    private static final long EPOCH = Epoch.first(0xF00D);

    private final ReliableSender sender = new ReliableSender("bob", EPOCH);
    private final RecordingReceipt receipt = new RecordingReceipt();

    /** A frame the sender handed over: its sequence, and for a fragment its slice. */
    private record Sent(long sequence, int offset, int length, boolean fragment) {}

    private final List<Sent> sent = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final ReliableSender.FrameSink sink = new ReliableSender.FrameSink() {
        @Override
        public void event(long sequence, Event event) {
            sent.add(new Sent(sequence, 0, 0, false));
        }

        @Override
        public void fragment(long sequence, byte[] body, int offset, int length) {
            sent.add(new Sent(sequence, offset, length, true));
            data.write(body, offset, length);
        }
    };

    // Goal: an event whose frame is longer than the packet budget goes as fragments that fit, whose data is the
    // event's body; it counts as one queued event, and its receipt completes once, with its last fragment. Method:
    // a 5,000-byte text, default budget; acknowledge all but the last fragment, then the last.
    @Test
    void shouldSendFragmentsThatFitAndCompleteTheReceiptWithTheLast() {
        Event event = WireTestData.event("ada", "f".repeat(5000));
        sender.enqueue(event, receipt, 0);
        assertThat(sender.queued()).isEqualTo(1);
        sender.collectDue(0, sink);

        int dataMax = ReliableSender.FRAME_LENGTH_MAX_DEFAULT - FragmentFrameFlyweight.FRAME_OVERHEAD;
        byte[] body = EventFrameCodec.encodeBody(event);
        assertThat(sent).hasSize((body.length + dataMax - 1) / dataMax).allMatch(Sent::fragment);
        assertThat(sent)
                .allMatch(
                        s -> FragmentFrameFlyweight.frameLength(s.length()) <= ReliableSender.FRAME_LENGTH_MAX_DEFAULT);
        assertThat(data.toByteArray()).isEqualTo(body);

        sender.onAck(EPOCH, sent.size() - 1, 1);
        assertThat(receipt.acknowledged).isEmpty();
        assertThat(sender.queued()).isEqualTo(1);
        sender.onAck(EPOCH, sent.size(), 2);
        assertThat(receipt.acknowledged).containsExactly("bob");
        assertThat(sender.queued()).isZero();
    }

    // Goal: a short event still goes as one EVENT frame, and a larger budget (a confirmed path MTU) makes fewer,
    // larger fragments. Method: a short text, then the same long text at the default and at the largest budget.
    @Test
    void shouldUseTheBudgetInForceWhenTheEventIsQueued() {
        sender.enqueue(WireTestData.event("ada", "short"), receipt, 0);
        sender.frameLengthMax(1472 - 32 - 12);
        sender.enqueue(WireTestData.event("ada", "f".repeat(5000)), receipt, 0);
        sender.collectDue(0, sink);
        assertThat(sent.get(0).fragment()).isFalse();
        assertThat(sent.subList(1, sent.size())).allMatch(s -> FragmentFrameFlyweight.frameLength(s.length()) <= 1428);
        int body = EventFrameCodec.encodeBody(WireTestData.event("ada", "f".repeat(5000))).length;
        int dataMax = 1428 - FragmentFrameFlyweight.FRAME_OVERHEAD;
        assertThat(sent).hasSize(1 + (body + dataMax - 1) / dataMax);
    }

    // Goal: when the peer restarts after acknowledging the first fragments of an event, it gets the whole event again
    // (it lost those fragments with its state), not only the rest. Method: acknowledge two fragments, reset.
    @Test
    void shouldResendAnEventFromItsFirstFragmentWhenThePeerRestartsMidEvent() {
        Event event = WireTestData.event("ada", "f".repeat(5000));
        sender.enqueue(event, receipt, 0);
        sender.collectDue(0, sink);
        int fragments = sent.size();
        sender.onAck(EPOCH, 2, 1);
        sender.reset();
        sent.clear();
        data.reset();
        sender.collectDue(2, sink);

        assertThat(sent).hasSize(fragments);
        assertThat(sent.get(0).sequence()).isZero();
        assertThat(sent.get(0).offset()).isZero();
        assertThat(data.toByteArray()).isEqualTo(EventFrameCodec.encodeBody(event));
        assertThat(sender.queued()).isEqualTo(1);
        sender.onAck(Epoch.next(EPOCH), fragments, 3);
        assertThat(receipt.acknowledged).containsExactly("bob");
    }

    // Goal: an event that times out fails once, not once per fragment. Method: never acknowledge; expire.
    @Test
    void shouldFailTheEventOnceWhenItsFragmentsTimeOut() {
        sender.enqueue(WireTestData.event("ada", "f".repeat(5000)), receipt, 0);
        sender.collectDue(0, sink);
        sender.expire(10_000_000_000L, 1_000_000_000L);
        assertThat(receipt.failed).hasSize(1);
        assertThat(sender.queued()).isZero();
    }
}
