package io.elara.node.lane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Flows driven by {@link CongestionWindow} and {@link Pacer} through one bottleneck link with a drop-tail queue, in
 * virtual time: the behaviour a user notices — a second transfer gets its share, the link stays full, a deep queue is
 * not filled to overflowing at start-up. The model: every flow always has data; the receiver acknowledges each
 * datagram at once; the return path has no queue; a datagram is declared lost when one sent three later is
 * acknowledged (RFC 9002's packet threshold).
 */
class CongestionFairnessTest {
    private static final int D = CongestionWindow.DATAGRAM_BYTES;
    private static final long MS = 1_000_000;
    private static final long SECOND = 1_000 * MS;
    /** 10 Mbit/s: one 1,200-byte datagram every 0.96 ms. */
    private static final long SERVICE_NS = 960_000;

    private static final long ONE_WAY_NS = 10 * MS;
    /** Bandwidth × base RTT of 20 ms = 25,000 bytes, about 21 datagrams. */
    private static final int BDP_DATAGRAMS = 21;

    @Test
    void shouldShareBottleneckFairlyWhenSecondFlowJoinsLater() {
        Bottleneck link = new Bottleneck(BDP_DATAGRAMS, List.of(0L, 5 * SECOND));
        link.run(60 * SECOND, 40 * SECOND);

        long first = link.flows.get(0).deliveredInWindow;
        long second = link.flows.get(1).deliveredInWindow;
        double share = (double) first / (first + second);
        double jain =
                Math.pow((double) (first + second), 2) / (2.0 * ((double) first * first + (double) second * second));
        assertThat(share).as("first flow's share of the last 20 s").isBetween(0.4, 0.6);
        assertThat(jain).isGreaterThan(0.96);
        // Utilisation: what both delivered in those 20 s against what the link can carry.
        long capacityBytes = 20 * SECOND / SERVICE_NS * D;
        assertThat((double) (first + second) / capacityBytes).isGreaterThan(0.8);
        assertThat(link.flows.get(0).window.congestionEvents()).isPositive();
        assertThat(link.flows.get(1).window.congestionEvents()).isPositive();
    }

    @Test
    void shouldLeaveSlowStartOnDelayBeforeAnyLossWhenQueueIsDeep() {
        Bottleneck link = new Bottleneck(8 * BDP_DATAGRAMS, List.of(0L));
        link.run(10 * SECOND, 10 * SECOND);

        Flow flow = link.flows.get(0);
        assertThat(flow.lossesWhenSlowStartEnded)
                .as("losses when slow start ended (HyStart++ saw the queue build)")
                .isZero();
        assertThat(flow.window.phase()).isNotEqualTo(CongestionWindow.Phase.SLOW_START);
    }

    private static final class Flow {
        final CongestionWindow window = new CongestionWindow();
        final Pacer pacer = new Pacer();
        final TreeMap<Long, Long> unacked = new TreeMap<>(); // sequence → sent at
        long nextSequence;
        long smoothedRttNs;
        long deliveredInWindow;
        long lossesWhenSlowStartEnded = -1;
        boolean wakeScheduled;
        boolean probeScheduled;
    }

    private static final class Bottleneck {
        final List<Flow> flows = new ArrayList<>();
        final int bufferDatagrams;
        final PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        // {time, kind, flow, sequence, sentNs}; kinds below
        static final int WAKE = 0;
        static final int DEPART = 1;
        static final int ACK = 2;
        static final int PROBE = 3;
        final ArrayDeque<long[]> queue = new ArrayDeque<>(); // {flow, sequence, sentNs}
        boolean serving;

        Bottleneck(int bufferDatagrams, List<Long> startsNs) {
            this.bufferDatagrams = bufferDatagrams;
            for (long start : startsNs) {
                flows.add(new Flow());
                events.add(new long[] {start, WAKE, flows.size() - 1, 0, 0});
            }
        }

        void run(long untilNs, long measureFromNs) {
            while (!events.isEmpty() && events.peek()[0] <= untilNs) {
                long[] event = events.poll();
                long now = event[0];
                Flow flow = flows.get((int) event[2]);
                switch ((int) event[1]) {
                    case WAKE -> {
                        flow.wakeScheduled = false;
                        send(flow, (int) event[2], now);
                    }
                    case DEPART -> {
                        long[] done = queue.poll();
                        events.add(new long[] {now + ONE_WAY_NS, ACK, done[0], done[1], done[2]});
                        if (queue.isEmpty()) {
                            serving = false;
                        } else {
                            events.add(new long[] {now + SERVICE_NS, DEPART, queue.peek()[0], 0, 0});
                        }
                    }
                    case ACK -> {
                        if (now >= measureFromNs) {
                            flow.deliveredInWindow += D;
                        }
                        acknowledge(flow, event[3], event[4], now);
                        send(flow, (int) event[2], now);
                    }
                    case PROBE -> {
                        // The tail of a burst dropped: nothing later is acknowledged to reveal it. Whatever should
                        // have been acknowledged by now (two round trips, no reordering here) is lost.
                        flow.probeScheduled = false;
                        long horizon = now - 2 * Math.max(flow.smoothedRttNs, 2 * ONE_WAY_NS);
                        flow.unacked.values().removeIf(sentAt -> {
                            if (sentAt > horizon) {
                                return false;
                            }
                            flow.window.onLost(D, sentAt, now);
                            return true;
                        });
                        send(flow, (int) event[2], now);
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }

        private void acknowledge(Flow flow, long sequence, long sentNs, long now) {
            long rtt = now - sentNs;
            flow.smoothedRttNs = flow.smoothedRttNs == 0 ? rtt : (7 * flow.smoothedRttNs + rtt) / 8;
            if (flow.unacked.remove(sequence) != null) {
                flow.window.onAcked(D, sentNs, rtt, now);
            }
            while (!flow.unacked.isEmpty() && flow.unacked.firstKey() <= sequence - 3) {
                flow.window.onLost(D, flow.unacked.pollFirstEntry().getValue(), now);
            }
            if (flow.lossesWhenSlowStartEnded < 0 && flow.window.phase() != CongestionWindow.Phase.SLOW_START) {
                flow.lossesWhenSlowStartEnded = flow.window.congestionEvents();
            }
        }

        private void send(Flow flow, int index, long now) {
            while (flow.window.canSend(D)) {
                long at = flow.pacer.sendableAtNs(D, flow.window.windowBytes(), flow.smoothedRttNs, now);
                if (at > now) {
                    if (!flow.wakeScheduled) {
                        flow.wakeScheduled = true;
                        events.add(new long[] {at, WAKE, index, 0, 0});
                    }
                    return;
                }
                long sequence = flow.nextSequence++;
                flow.window.onSent(D, now);
                flow.pacer.onSent(D, flow.window.windowBytes(), flow.smoothedRttNs, now);
                flow.unacked.put(sequence, now);
                if (!flow.probeScheduled) {
                    flow.probeScheduled = true;
                    long probeNs = 3 * Math.max(flow.smoothedRttNs, 2 * ONE_WAY_NS);
                    events.add(new long[] {now + probeNs, PROBE, index, 0, 0});
                }
                if (queue.size() >= bufferDatagrams) {
                    continue; // dropped at the tail of the queue
                }
                queue.add(new long[] {index, sequence, now});
                if (!serving) {
                    serving = true;
                    events.add(new long[] {now + SERVICE_NS, DEPART, index, 0, 0});
                }
            }
        }
    }
}
