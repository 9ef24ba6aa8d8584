package io.elara.node.lane;

import io.elara.node.event.Event;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The sending half of the reliable lane towards one peer: numbers events, keeps up to {@link #WINDOW_EVENTS} in flight,
 * retransmits on a timeout estimated from measured round trips (RFC 6298, with Karn's rule), and gives up after the
 * delivery timeout. Loop thread only; every method takes the time as an argument.
 */
public final class ReliableSender {
    /** Events in flight (sent, not yet acknowledged) at most; the rest wait in order. */
    public static final int WINDOW_EVENTS = 256;

    static final long RTO_INITIAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    static final long RTO_MIN_NS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long RTO_MAX_NS = TimeUnit.SECONDS.toNanos(4);
    private static final long CLOCK_GRANULARITY_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Receives frames due for (re)transmission. */
    @FunctionalInterface
    public interface FrameSink {
        void event(long sequence, Event event);
    }

    private final String peer;
    private final ArrayDeque<Outgoing> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    private long epoch;
    private long nextSequence;
    private long retransmitDueNs = Long.MAX_VALUE;
    private long srttNs;
    private long rttVarianceNs;
    private long rtoNs = RTO_INITIAL_NS;
    private long transmissions;
    private long retransmissions;

    /**
     * @param peer the peer's name for receipts
     * @param epoch this lane's first epoch; {@link #reset} moves to the next one
     */
    public ReliableSender(String peer, long epoch) {
        this.peer = peer;
        this.epoch = epoch;
    }

    public long epoch() {
        return epoch;
    }

    /** Events sent and waiting, not yet acknowledged. */
    public int queued() {
        return inFlight.size() + waiting.size();
    }

    /** Adds {@code event} at the end of the lane; it is due for sending at once. The caller bounds {@link #queued}. */
    public void enqueue(Event event, SendReceipt receipt, long nowNs) {
        waiting.add(new Outgoing(nextSequence++, event, receipt, nowNs));
    }

    /**
     * Hands every frame due at {@code nowNs} to {@code sink}: retransmissions first, then new events while the window
     * has room. Returns how many frames it handed over.
     */
    public int collectDue(long nowNs, FrameSink sink) {
        int count = 0;
        if (nowNs >= retransmitDueNs) {
            long nextDueNs = Long.MAX_VALUE;
            for (Outgoing outgoing : inFlight) {
                if (outgoing.dueNs <= nowNs) {
                    sink.event(outgoing.sequence, outgoing.event);
                    retransmissions++;
                    transmissions++;
                    outgoing.transmissions++;
                    outgoing.dueNs = nowNs + backoff(outgoing.transmissions);
                    count++;
                }
                nextDueNs = Math.min(nextDueNs, outgoing.dueNs);
            }
            retransmitDueNs = nextDueNs;
        }
        while (!waiting.isEmpty() && inFlight.size() < WINDOW_EVENTS) {
            Outgoing outgoing = waiting.poll();
            sink.event(outgoing.sequence, outgoing.event);
            transmissions++;
            outgoing.transmissions = 1;
            outgoing.sentNs = nowNs;
            outgoing.dueNs = nowNs + rtoNs;
            retransmitDueNs = Math.min(retransmitDueNs, outgoing.dueNs);
            inFlight.add(outgoing);
            count++;
        }
        return count;
    }

    /**
     * The peer has processed every sequence number below {@code nextExpected} of lane epoch {@code ackedEpoch}.
     * Acknowledgements of an earlier epoch are ignored. Returns how many events this acknowledged.
     */
    public int onAck(long ackedEpoch, long nextExpected, long nowNs) {
        if (ackedEpoch != epoch) {
            return 0;
        }
        int acknowledged = 0;
        while (!inFlight.isEmpty() && inFlight.peek().sequence < nextExpected) {
            Outgoing outgoing = inFlight.poll();
            if (outgoing.transmissions == 1) {
                sampleRtt(nowNs - outgoing.sentNs);
            }
            outgoing.receipt.acknowledged(peer);
            acknowledged++;
        }
        if (acknowledged > 0) {
            retransmitDueNs = Long.MAX_VALUE;
            for (Outgoing outgoing : inFlight) {
                retransmitDueNs = Math.min(retransmitDueNs, outgoing.dueNs);
            }
        }
        return acknowledged;
    }

    /**
     * Fails every event that has waited longer than {@code deliveryTimeoutNs} for its acknowledgement, together with
     * everything queued behind it (the lane is ordered, so they could not be delivered either), and starts a new epoch.
     * Returns how many events failed.
     */
    public int expire(long nowNs, long deliveryTimeoutNs) {
        Outgoing oldest = !inFlight.isEmpty() ? inFlight.peek() : waiting.peek();
        if (oldest == null || nowNs - oldest.queuedNs < deliveryTimeoutNs) {
            return 0;
        }
        String reason = "no acknowledgement from " + peer + " within "
                + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNs) + " ms";
        int failed = queued();
        failAll(reason);
        epoch = Epoch.next(epoch);
        nextSequence = 0;
        return failed;
    }

    /**
     * The peer lost its lane state (it restarted): move to a new epoch and renumber everything not yet acknowledged
     * from zero, so the peer's fresh receiver can take it in order. Nothing is lost; events the peer may already have
     * seen are recognised by their event ids.
     */
    public void reset() {
        epoch = Epoch.next(epoch);
        nextSequence = 0;
        ArrayDeque<Outgoing> all = new ArrayDeque<>(inFlight);
        all.addAll(waiting);
        inFlight.clear();
        waiting.clear();
        retransmitDueNs = Long.MAX_VALUE;
        for (Outgoing outgoing : all) {
            waiting.add(new Outgoing(nextSequence++, outgoing.event, outgoing.receipt, outgoing.queuedNs));
        }
        rtoNs = Math.max(rtoNs, RTO_INITIAL_NS);
    }

    /**
     * Everything in flight is due again at {@code nowNs}, with no backoff: the path to the peer changed (a new secure
     * session after the old one went unanswered), so what was sent over the old one is presumed lost.
     */
    public void retransmitNow(long nowNs) {
        for (Outgoing outgoing : inFlight) {
            outgoing.dueNs = nowNs;
        }
        if (!inFlight.isEmpty()) {
            retransmitDueNs = nowNs;
        }
    }

    /** Fails everything queued, for shutdown. */
    public void failAll(String reason) {
        for (Iterator<Outgoing> it = inFlight.iterator(); it.hasNext(); ) {
            it.next().receipt.failed(peer, reason);
            it.remove();
        }
        for (Iterator<Outgoing> it = waiting.iterator(); it.hasNext(); ) {
            it.next().receipt.failed(peer, reason);
            it.remove();
        }
        retransmitDueNs = Long.MAX_VALUE;
    }

    /** When {@link #collectDue} next has work: now if events wait for window room, else the next retransmission. */
    public long nextDueNs(long nowNs) {
        if (!waiting.isEmpty() && inFlight.size() < WINDOW_EVENTS) {
            return nowNs;
        }
        return retransmitDueNs;
    }

    /** When the oldest unacknowledged event was queued, or {@link Long#MAX_VALUE} if none. */
    public long oldestQueuedNs() {
        Outgoing oldest = !inFlight.isEmpty() ? inFlight.peek() : waiting.peek();
        return oldest == null ? Long.MAX_VALUE : oldest.queuedNs;
    }

    /** Smoothed round-trip time, 0 before the first sample. */
    public long srttNs() {
        return srttNs;
    }

    public long rtoNs() {
        return rtoNs;
    }

    public long transmissions() {
        return transmissions;
    }

    public long retransmissions() {
        return retransmissions;
    }

    private void sampleRtt(long sampleNs) {
        long rtt = Math.max(sampleNs, 0);
        if (srttNs == 0) {
            srttNs = rtt;
            rttVarianceNs = rtt / 2;
        } else {
            rttVarianceNs = (3 * rttVarianceNs + Math.abs(srttNs - rtt)) / 4;
            srttNs = (7 * srttNs + rtt) / 8;
        }
        rtoNs = Math.min(RTO_MAX_NS, Math.max(RTO_MIN_NS, srttNs + Math.max(CLOCK_GRANULARITY_NS, 4 * rttVarianceNs)));
    }

    private long backoff(int transmissionCount) {
        int doublings = Math.min(transmissionCount - 1, 8);
        return Math.min(RTO_MAX_NS, rtoNs << doublings);
    }

    private static final class Outgoing {
        final long sequence;
        final Event event;
        final SendReceipt receipt;
        final long queuedNs;
        long sentNs;
        long dueNs;
        int transmissions;

        Outgoing(long sequence, Event event, SendReceipt receipt, long queuedNs) {
            this.sequence = sequence;
            this.event = event;
            this.receipt = receipt;
            this.queuedNs = queuedNs;
        }
    }
}
