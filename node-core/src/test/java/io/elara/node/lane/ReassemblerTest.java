package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.event.Event;
import io.elara.node.event.RejectReason;
import io.elara.node.lane.ReliableReceiver.FragmentOutcome;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.elara.node.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reassembler behind the reliable lane: order, duplicates, malformed fragments and the memory limits. */
class ReassemblerTest {
    private static final long EPOCH = Epoch.first(42);
    /** Longest body accepted: an event with 1,024 bytes of text. */
    private static final int BODY_MAX = EventFrameCodec.bodyLengthMax(1024);

    /** Records what a receiver hands on. */
    private static final class Recorder implements ReliableReceiver.Delivery {
        final List<byte[]> bodies = new ArrayList<>();
        final List<RejectReason> rejects = new ArrayList<>();

        @Override
        public void event(Event event) {
            throw new AssertionError("no events in these tests");
        }

        @Override
        public void reassembled(ByteBuf body) {
            bodies.add(ByteBufUtil.getBytes(body));
        }

        @Override
        public void rejected(RejectReason reason) {
            rejects.add(reason);
        }
    }

    private static byte[] body(int length, int seed) {
        byte[] body = new byte[length];
        new Random(seed).nextBytes(body);
        return body;
    }

    private static FragmentOutcome offer(
            ReliableReceiver receiver, Recorder recorder, long sequence, byte[] body, int offset, int length) {
        ByteBuf frame = Unpooled.buffer();
        try {
            FragmentFrameFlyweight.encode(frame, sequence, body, offset, length);
            return receiver.onFragment(
                    sequence,
                    frame,
                    FrameType.HEADER_LENGTH,
                    frame.readableBytes() - FrameType.HEADER_LENGTH,
                    recorder,
                    0);
        } finally {
            frame.release();
        }
    }

    /** Offers {@code body} cut in {@code chunk}-byte fragments from {@code firstSequence}; returns the next sequence. */
    private static long offerAll(
            ReliableReceiver receiver, Recorder recorder, long firstSequence, byte[] body, int chunk) {
        long sequence = firstSequence;
        for (int at = 0; at < body.length; at += chunk) {
            assertThat(offer(receiver, recorder, sequence++, body, at, Math.min(chunk, body.length - at)))
                    .isEqualTo(FragmentOutcome.TAKEN);
        }
        return sequence;
    }

    // Goal: a body arrives whole, once, whatever the order and duplication of its fragments. Method: 1,500 bytes in
    // 100-byte fragments, shuffled, every third twice; then the budget is empty again.
    @Test
    void shouldReassembleTheBodyOnceWhenFragmentsArriveShuffledAndDuplicated() {
        ReassemblyBudget budget = new ReassemblyBudget(1 << 20, 16 << 20, BODY_MAX);
        ReliableReceiver receiver = new ReliableReceiver(new Reassembler(budget));
        receiver.onEpoch(EPOCH);
        Recorder recorder = new Recorder();
        byte[] body = body(1500, 1);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            order.add(i);
            if (i % 3 == 0) {
                order.add(i);
            }
        }
        Collections.shuffle(order, new Random(3));
        for (int i : order) {
            assertThat(offer(receiver, recorder, i, body, i * 100, 100)).isEqualTo(FragmentOutcome.TAKEN);
        }
        assertThat(recorder.bodies).hasSize(1);
        assertThat(recorder.bodies.get(0)).isEqualTo(body);
        assertThat(recorder.rejects).isEmpty();
        assertThat(receiver.duplicates()).isEqualTo(5);
        assertThat(receiver.nextExpected()).isEqualTo(15);
        assertThat(budget.bytes()).isZero();
    }

    // Goal: bodies in a row, and a body in one fragment, come out in order. Method: three bodies back to back.
    @Test
    void shouldReassembleConsecutiveBodiesInOrder() {
        ReliableReceiver receiver = new ReliableReceiver();
        receiver.onEpoch(EPOCH);
        Recorder recorder = new Recorder();
        long next = offerAll(receiver, recorder, 0, body(300, 1), 128);
        next = offerAll(receiver, recorder, next, body(90, 2), 128);
        offerAll(receiver, recorder, next, body(700, 3), 128);
        assertThat(recorder.bodies).containsExactly(body(300, 1), body(90, 2), body(700, 3));
    }

    // Goal: an event longer than this node accepts is skipped, every fragment counted, and the lane goes on. Method:
    // a body one byte over the limit, then a good one; also a Total Length too short for any event.
    @Test
    void shouldCountFragmentLengthWhenTheTotalLengthIsOutOfBounds() {
        ReliableReceiver receiver =
                new ReliableReceiver(new Reassembler(new ReassemblyBudget(1 << 20, 16 << 20, BODY_MAX)));
        receiver.onEpoch(EPOCH);
        Recorder recorder = new Recorder();
        long next = offerAll(receiver, recorder, 0, body(BODY_MAX + 1, 1), 1000);
        assertThat(recorder.rejects).containsExactly(RejectReason.FRAGMENT_LENGTH, RejectReason.FRAGMENT_LENGTH);
        next = offerAll(receiver, recorder, next, body(Reassembler.BODY_LENGTH_MIN - 1, 2), 1000);
        assertThat(recorder.rejects).hasSize(3).allMatch(r -> r == RejectReason.FRAGMENT_LENGTH);
        offerAll(receiver, recorder, next, body(BODY_MAX, 3), 1000);
        assertThat(recorder.bodies).containsExactly(body(BODY_MAX, 3));
    }

    // Goal: fragments that do not continue their event are counted and drop it. Method: a continuation with nothing
    // in progress; a gap in offsets; a first fragment that interrupts an event.
    @Test
    void shouldCountFragmentMalformedWhenAFragmentDoesNotContinueItsEvent() {
        ReliableReceiver receiver = new ReliableReceiver();
        receiver.onEpoch(EPOCH);
        Recorder recorder = new Recorder();
        byte[] body = body(300, 1);
        assertThat(offer(receiver, recorder, 0, body, 100, 100)).isEqualTo(FragmentOutcome.TAKEN); // orphan
        assertThat(offer(receiver, recorder, 1, body, 0, 100)).isEqualTo(FragmentOutcome.TAKEN);
        assertThat(offer(receiver, recorder, 2, body, 150, 100)).isEqualTo(FragmentOutcome.TAKEN); // gap
        assertThat(offer(receiver, recorder, 3, body, 0, 100)).isEqualTo(FragmentOutcome.TAKEN);
        assertThat(offer(receiver, recorder, 4, body(500, 2), 0, 100)).isEqualTo(FragmentOutcome.TAKEN); // interrupts
        assertThat(recorder.rejects)
                .containsExactly(
                        RejectReason.FRAGMENT_MALFORMED,
                        RejectReason.FRAGMENT_MALFORMED,
                        RejectReason.FRAGMENT_MALFORMED);
        assertThat(recorder.bodies).isEmpty();
    }

    // Goal: one peer cannot hold more than its limit, and what it is refused comes again later and completes (nothing
    // lost), while another peer sharing the budget is unaffected. Method: a per-peer limit of two bodies; peer A's
    // fragments arrive all but the first, so they are held out of order until the hold limit refuses them.
    @Test
    void shouldRefuseFragmentsOverThePerPeerLimitAndTakeThemWhenTheySendAgain() {
        ReassemblyBudget budget = new ReassemblyBudget(2L * BODY_MAX, 16 << 20, BODY_MAX);
        ReliableReceiver a = new ReliableReceiver(new Reassembler(budget));
        ReliableReceiver b = new ReliableReceiver(new Reassembler(budget));
        a.onEpoch(EPOCH);
        b.onEpoch(EPOCH);
        Recorder fromA = new Recorder();
        Recorder fromB = new Recorder();
        byte[] first = body(BODY_MAX, 1);
        byte[] second = body(BODY_MAX, 2);
        int chunk = 100;
        int perBody = (BODY_MAX + chunk - 1) / chunk;
        List<Long> refused = new ArrayList<>();
        // Everything but sequence 0, out of order: holds may take the per-peer limit less one body.
        for (int i = 1; i < 2 * perBody; i++) {
            byte[] body = i < perBody ? first : second;
            int at = (i % perBody) * chunk;
            FragmentOutcome outcome = offer(a, fromA, i, body, at, Math.min(chunk, body.length - at));
            assertThat(outcome).isIn(FragmentOutcome.TAKEN, FragmentOutcome.REFUSED);
            if (outcome == FragmentOutcome.REFUSED) {
                refused.add((long) i);
            }
            assertThat(a.reassemblyBytes()).isLessThanOrEqualTo(budget.perPeerMax() - BODY_MAX);
        }
        assertThat(refused).isNotEmpty();

        // Peer B, same budget, is not held back by A.
        offerAll(b, fromB, 0, body(BODY_MAX, 9), chunk);
        assertThat(fromB.bodies).containsExactly(body(BODY_MAX, 9));

        // A's first fragment always fits: it completes the first body and frees room.
        assertThat(offer(a, fromA, 0, first, 0, chunk)).isEqualTo(FragmentOutcome.TAKEN);
        assertThat(a.reassemblyBytes()).isLessThanOrEqualTo(budget.perPeerMax());
        // The sender sends the refused ones again (retransmission), and now they fit.
        for (long s : refused) {
            byte[] body = s < perBody ? first : second;
            int at = (int) (s % perBody) * chunk;
            assertThat(offer(a, fromA, s, body, at, Math.min(chunk, body.length - at)))
                    .isEqualTo(FragmentOutcome.TAKEN);
        }
        assertThat(fromA.bodies).containsExactly(first, second);
        assertThat(fromA.rejects).isEmpty();
        assertThat(budget.bytes()).isZero();
    }

    // Goal: all peers together stay under the global limit; a peer refused for it gets in once others finish.
    // Method: global limit = per-peer limit = two bodies; A starts a reassembly; B holds a fragment out of order, so
    // its first fragment, which reserves a whole body, is refused until A completes.
    @Test
    void shouldRefuseAFirstFragmentOverTheGlobalLimitUntilAnotherPeerFinishes() {
        ReassemblyBudget budget = new ReassemblyBudget(2L * BODY_MAX, 2L * BODY_MAX, BODY_MAX);
        ReliableReceiver a = new ReliableReceiver(new Reassembler(budget));
        ReliableReceiver b = new ReliableReceiver(new Reassembler(budget));
        a.onEpoch(EPOCH);
        b.onEpoch(EPOCH);
        Recorder fromA = new Recorder();
        Recorder fromB = new Recorder();
        byte[] bodyA = body(BODY_MAX, 1);
        byte[] bodyB = body(BODY_MAX, 2);
        int chunk = 200;
        assertThat(offer(a, fromA, 0, bodyA, 0, chunk)).isEqualTo(FragmentOutcome.TAKEN); // reserves a body
        // B holds one fragment out of order.
        assertThat(offer(b, fromB, 1, bodyB, chunk, chunk)).isEqualTo(FragmentOutcome.TAKEN);
        assertThat(budget.bytes()).isLessThanOrEqualTo(budget.globalMax());
        assertThat(offer(b, fromB, 0, bodyB, 0, chunk)).isEqualTo(FragmentOutcome.REFUSED);
        assertThat(budget.bytes()).isLessThanOrEqualTo(budget.globalMax());

        offerAll(a, fromA, 0, bodyA, chunk); // the rest of A (sequence 0 again is a duplicate)
        assertThat(fromA.bodies).containsExactly(bodyA);
        assertThat(offer(b, fromB, 0, bodyB, 0, chunk)).isEqualTo(FragmentOutcome.TAKEN);
        long next = 2;
        for (int at = 2 * chunk; at < bodyB.length; at += chunk) {
            offer(b, fromB, next++, bodyB, at, Math.min(chunk, bodyB.length - at));
        }
        assertThat(fromB.bodies).containsExactly(bodyB);
        assertThat(budget.bytes()).isZero();
    }

    // Goal: a lane that starts over releases what it held. Method: hold fragments, then a new epoch.
    @Test
    void shouldReleaseHeldMemoryWhenThePeersLaneStartsOver() {
        ReassemblyBudget budget = new ReassemblyBudget(1 << 20, 16 << 20, BODY_MAX);
        ReliableReceiver receiver = new ReliableReceiver(new Reassembler(budget));
        receiver.onEpoch(EPOCH);
        Recorder recorder = new Recorder();
        byte[] body = body(1000, 1);
        offer(receiver, recorder, 0, body, 0, 100);
        offer(receiver, recorder, 5, body, 500, 100);
        assertThat(budget.bytes()).isPositive();
        receiver.onEpoch(Epoch.next(EPOCH));
        assertThat(budget.bytes()).isZero();
    }
}
