package io.elara.node.lane;

import io.elara.node.event.Event;
import io.elara.node.wire.AckFrameFlyweight;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.elara.node.wire.PacketHeaderFlyweight;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sending half of the reliable lane towards one peer: numbers events, keeps up to {@link #WINDOW_EVENTS} in flight,
 * and recovers losses as QUIC does (RFC 9002), with event sequence numbers in the role of packet numbers:
 *
 * <ul>
 *   <li>RTT: one sample per acknowledgement that newly acknowledges its highest event, only from events sent once
 *       (Karn's rule); the ack delay is subtracted unless that would go below the minimum RTT (RFC 9002 §5).
 *   <li>Loss detection (RFC 9002 §6.1): an unacknowledged event is lost once an event sent at least {@link
 *       #PACKET_THRESHOLD} transmissions after it is acknowledged, or once it is older than 9/8 of max(smoothed RTT,
 *       latest RTT) (at least 1 ms) while an event sent after it is acknowledged; a timer serves the second rule for
 *       the tail. Lost events go out again at the next flush (fast retransmit).
 *   <li>Probe timeout (RFC 9002 §6.2): when nothing has been acknowledged for smoothed RTT + 4 × variance (at least
 *       20 ms, 250 ms before the first sample) since the last transmission, the oldest {@link #PTO_PROBES}
 *       unacknowledged events go out again, and the timeout doubles (up to 4 s) until an acknowledgement arrives.
 *   <li>Thin streams: while fewer than {@link #THIN_STREAM_IN_FLIGHT} events are in flight (a chat's texts, a
 *       presence update), the first {@link #THIN_LINEAR_PROBES} probe timeouts do not double, as Linux's
 *       {@code tcp_thin_linear_timeouts} does. Such a stream has too few events in flight for the fast retransmit
 *       to ever fire, so every loss waits for the probe timeout; at a bottleneck that drops half the packets for a
 *       second, doubling turned four losses of one text into more than a second of waiting. The extra probes are a
 *       handful of small packets.
 *   <li>Selective acknowledgements: an event inside an ACK range is never sent again. It stays in the window until
 *       the cumulative point passes it, and only then is its receipt completed: a receiver holds out-of-order events
 *       in memory only, and one that restarts loses them (it "reneges"), so they are renumbered and sent again by
 *       {@link #reset}, like any event not cumulatively acknowledged.
 * </ul>
 *
 * Gives up after the delivery timeout. Loop thread only; every method takes the time as an argument; nothing is
 * allocated per acknowledgement.
 */
public final class ReliableSender {
    /** Events in flight (sent, not yet cumulatively acknowledged) at most: the receive window. */
    public static final int WINDOW_EVENTS = AckFrameFlyweight.RANGE_SPAN_MAX;

    static final long RTO_INITIAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    static final long RTO_MIN_NS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long RTO_MAX_NS = TimeUnit.SECONDS.toNanos(4);
    /** RFC 9002 §6.1.1 kPacketThreshold: transmissions after a lost one that must be acknowledged. */
    static final int PACKET_THRESHOLD = 3;
    /** Unacknowledged events sent again when the probe timeout fires. */
    static final int PTO_PROBES = 2;
    /** Fewer events than this in flight make a thin stream: its first probe timeouts do not back off. */
    static final int THIN_STREAM_IN_FLIGHT = 4;
    /** Probes of a thin stream sent after the base timeout each; the timeout doubles from the next on. */
    static final int THIN_LINEAR_PROBES = 6;
    /**
     * Shortest wait before a store probe: the oldest event the peer received but has not reported stored is sent again
     * (the peer answers with an ACK carrying its Stored Below). A peer that crashed before storing answers nothing, so
     * the secure link dials it again and its restart is seen, which sends everything unstored again.
     */
    static final long STORE_PROBE_MIN_NS = TimeUnit.SECONDS.toNanos(1);

    private static final long CLOCK_GRANULARITY_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int PTO_DOUBLINGS_MAX = 16;

    /**
     * Longest frame that goes alone in a packet of the smallest datagram every path takes (1,200 bytes, sealed): the
     * frame budget until path MTU discovery confirms more.
     */
    public static final int FRAME_LENGTH_MAX_DEFAULT = PacketHeaderFlyweight.DATAGRAM_LENGTH_TARGET
            - PacketHeaderFlyweight.SEAL_OVERHEAD
            - PacketHeaderFlyweight.HEADER_LENGTH;

    /** Receives frames due for (re)transmission. */
    @FunctionalInterface
    public interface FrameSink {
        void event(long sequence, Event event);

        /** A FRAGMENT frame: bytes {@code [offset, offset + length)} of the EVENT body {@code body}. */
        default void fragment(long sequence, byte[] body, int offset, int length) {
            throw new UnsupportedOperationException("this sink takes no fragments");
        }
    }

    private String peer;
    /** Events in flight by sequence number modulo the window: {@code [cumulative, sentEnd)}. */
    private final Outgoing[] window = new Outgoing[WINDOW_EVENTS];

    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    /**
     * Events the peer has received (cumulatively acknowledged, so out of the window) but not yet stored: their receipts
     * wait for the peer's Stored Below to pass them. In sequence order.
     */
    private final ArrayDeque<Outgoing> unstored = new ArrayDeque<>();
    /** The peer's Stored Below in this epoch: every sequence number below it is durable at the peer. */
    private long storedBelow;
    /** When Stored Below last moved, or the first event became unstored: the store probe's clock starts here. */
    private long storeProgressNs;
    /** Store probes sent since Stored Below last moved: each doubles the wait for the next. */
    private int storeProbes;
    /** Frames longer than this are split into FRAGMENT frames that are not: what a packet to the peer has room for. */
    private int frameLengthMax = FRAME_LENGTH_MAX_DEFAULT;
    /** Fragments in the lane that are not their event's last: {@link #queued} counts events, not frames. */
    private int partialFragments;

    private long epoch;
    private long nextSequence;
    /** The lowest sequence number not cumulatively acknowledged (the left edge of the window). */
    private long cumulative;
    /** One past the highest sequence number sent. */
    private long sentEnd;
    /** Counts transmissions, new and repeated: the lane's stand-in for QUIC's packet numbers. */
    private long transmissionNumber;
    /** The transmission number of the latest transmission known to have arrived, -1 if none. */
    private long largestAckedTransmission = -1;
    /** When that transmission was sent. */
    private long largestAckedSentNs;
    /** Events declared lost and not yet sent again. */
    private int lostPending;

    private long lossTimeNs = Long.MAX_VALUE;
    private long lastSentNs;
    private int ptoCount;

    private long srttNs;
    private long rttVarianceNs;
    private long latestRttNs;
    private long minRttNs = Long.MAX_VALUE;
    private long rtoNs = RTO_INITIAL_NS;
    private long transmissions;
    private long retransmissions;
    private long spuriousRetransmissions;
    /** Packet threshold in force: starts at {@link #PACKET_THRESHOLD}, grows with reordering seen. */
    private long packetThreshold = PACKET_THRESHOLD;

    /**
     * @param peer the peer's name for receipts
     * @param epoch this lane's first epoch; {@link #reset} moves to the next one
     */
    /** Congestion window over the bytes of EVENT frames in flight (NewReno with HyStart++, random losses told apart). */
    private final CongestionWindow congestion = new CongestionWindow();
    /** Spreads new events over the round trip at 1.25 × window ÷ smoothed RTT, in bursts of ten datagrams at most. */
    private final Pacer pacer = new Pacer();

    /** Names the peer differently from now on, in receipts and messages (a stranger became a session member). */
    public void rename(String name) {
        this.peer = name;
    }

    public ReliableSender(String peer, long epoch) {
        this.peer = peer;
        this.epoch = epoch;
    }

    public long epoch() {
        return epoch;
    }

    /** Whether the event {@code id} is in this lane: waiting, in flight, or received and not yet stored. O(queued). */
    public boolean holds(io.elara.node.event.EventId id) {
        for (Outgoing outgoing : unstored) {
            if (outgoing.event.id().equals(id)) {
                return true;
            }
        }
        for (long s = cumulative; s < sentEnd; s++) {
            if (at(s).event.id().equals(id)) {
                return true;
            }
        }
        for (Outgoing outgoing : waiting) {
            if (outgoing.event.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Events sent and waiting, not yet acknowledged as stored by the peer (an event sent in fragments counts once):
     * what a user would call "not yet delivered".
     */
    public int queued() {
        return inFlight() + waiting.size() + unstored.size() - partialFragments;
    }

    /**
     * Sets the longest frame a packet to the peer has room for (the path MTU less the seal and packet header); events
     * enqueued from now on whose EVENT frame is longer go as fragments of that size.
     */
    public void frameLengthMax(int length) {
        if (length <= FragmentFrameFlyweight.FRAME_OVERHEAD) {
            throw new IllegalArgumentException("frame length " + length);
        }
        frameLengthMax = length;
    }

    public int frameLengthMax() {
        return frameLengthMax;
    }

    /**
     * Whether every event not yet acknowledged, waiting or in flight, goes out in frames no longer than the length in
     * force: after the budget shrank (a suspected path MTU black hole) such a lane carries on as it is, and only one
     * holding longer frames must be cut again by {@link #reset()}.
     */
    public boolean fitsFrameLengthMax() {
        for (long s = cumulative; s < sentEnd; s++) {
            Outgoing outgoing = at(s);
            if (!outgoing.selectivelyAcked && outgoing.bytes > frameLengthMax) {
                return false;
            }
        }
        for (Outgoing outgoing : waiting) {
            if (outgoing.bytes > frameLengthMax) {
                return false;
            }
        }
        return true;
    }

    /** Whether an event enqueued now could be sent at once: fewer than a window's worth are in flight or waiting. */
    public boolean hasRoom() {
        return inFlight() + waiting.size() < WINDOW_EVENTS;
    }

    private int inFlight() {
        return (int) (sentEnd - cumulative);
    }

    private Outgoing at(long sequence) {
        return window[(int) (sequence % WINDOW_EVENTS)];
    }

    /** Adds {@code event} at the end of the lane; it is due for sending at once. The caller bounds {@link #queued}. */
    public void enqueue(Event event, SendReceipt receipt, long nowNs) {
        if (EventFrameCodec.frameLength(event) <= frameLengthMax) {
            waiting.add(new Outgoing(nextSequence++, event, receipt, nowNs));
            return;
        }
        // Too long for one packet: the body is encoded once, and each fragment is a slice of it with a sequence number
        // of its own, so acknowledgement, loss recovery and congestion control work per fragment, as for events.
        byte[] body = EventFrameCodec.encodeBody(event);
        addFragments(
                event, body, 0, body.length, frameLengthMax - FragmentFrameFlyweight.FRAME_OVERHEAD, receipt, nowNs);
    }

    /** Queues fragments of {@code body} covering {@code [from, to)}, {@code chunk} bytes each (the last one less). */
    private void addFragments(
            Event event, byte[] body, int from, int to, int chunk, SendReceipt receipt, long queuedNs) {
        for (int at = from; at < to; at += chunk) {
            int length = Math.min(chunk, to - at);
            boolean last = at + length == body.length;
            waiting.add(new Outgoing(
                    nextSequence++, event, last ? receipt : SendReceipt.NONE, queuedNs, body, at, length, chunk));
            if (!last) {
                partialFragments++;
            }
        }
    }

    /**
     * Hands every frame due at {@code nowNs} to {@code sink}: events found lost (by the time threshold, or probes when
     * the probe timeout fired) first, in sequence order, then new events while the window has room. Returns how many
     * frames it handed over.
     */
    public int collectDue(long nowNs, FrameSink sink) {
        if (nowNs >= lossTimeNs) {
            detectLosses(nowNs);
        }
        if (lostPending == 0 && inFlight() > 0 && nowNs >= ptoDueNs()) {
            // RFC 9002 §6.2.4: probe with the oldest unacknowledged events; back off until an ACK arrives.
            ptoCount = Math.min(ptoCount + 1, PTO_DOUBLINGS_MAX);
            int probes = 0;
            for (long s = cumulative; s < sentEnd && probes < PTO_PROBES; s++) {
                Outgoing outgoing = at(s);
                if (!outgoing.selectivelyAcked) {
                    outgoing.lost = true;
                    lostPending++;
                    probes++;
                }
            }
            if (probes == 0) {
                // Everything in flight is held by the peer; only the cumulative acknowledgement went missing. Sending
                // the oldest event again makes the peer acknowledge once more.
                at(cumulative).lost = true;
                lostPending++;
            }
        }
        int count = 0;
        if (inFlight() == 0 && lostPending == 0 && nowNs >= storeProbeDueNs()) {
            // Outside the window and the congestion window: the peer holds it, so the copy only draws an ACK.
            storeProbes++;
            storeProgressNs = nowNs;
            Outgoing probe = unstored.peek();
            if (probe.body == null) {
                sink.event(probe.sequence, probe.event);
            } else {
                sink.fragment(probe.sequence, probe.body, probe.fragmentOffset, probe.fragmentLength);
            }
            transmissions++;
            retransmissions++;
            count++;
        }
        if (lostPending > 0) {
            for (long s = cumulative; s < sentEnd && lostPending > 0; s++) {
                Outgoing outgoing = at(s);
                if (outgoing.lost) {
                    outgoing.lost = false;
                    lostPending--;
                    retransmissions++;
                    transmit(outgoing, nowNs, sink);
                    count++;
                }
            }
        }
        while (!waiting.isEmpty() && inFlight() < WINDOW_EVENTS && congestion.canSend(waiting.peek().bytes)) {
            // When the congestion window is full, an acknowledgement opens it; collectDue runs after every batch.
            // When the pacer holds the next event back, nextDueNs names the instant it may leave.
            if (pacer.sendableAtNs(waiting.peek().bytes, congestion.windowBytes(), srttNs, nowNs) > nowNs) {
                break;
            }
            Outgoing outgoing = waiting.poll();
            pacer.onSent(outgoing.bytes, congestion.windowBytes(), srttNs, nowNs);
            assert outgoing.sequence == sentEnd : "events leave in sequence order";
            window[(int) (outgoing.sequence % WINDOW_EVENTS)] = outgoing;
            sentEnd++;
            transmit(outgoing, nowNs, sink);
            count++;
        }
        return count;
    }

    private void transmit(Outgoing outgoing, long nowNs, FrameSink sink) {
        if (outgoing.body == null) {
            sink.event(outgoing.sequence, outgoing.event);
        } else {
            sink.fragment(outgoing.sequence, outgoing.body, outgoing.fragmentOffset, outgoing.fragmentLength);
        }
        if (!outgoing.inCongestionWindow && !outgoing.selectivelyAcked) {
            // A probe of an event still counted in flight adds nothing; a lost one's bytes were taken out, so they go
            // back in. An event the receiver holds (resent only to draw a cumulative acknowledgement) weighs nothing.
            outgoing.inCongestionWindow = true;
            congestion.onSent(outgoing.bytes, nowNs);
        }
        transmissions++;
        outgoing.transmissions++;
        outgoing.sentNs = nowNs;
        outgoing.transmissionNumber = transmissionNumber++;
        lastSentNs = nowNs;
    }

    /** A cumulative acknowledgement only: see {@link #onAck(long, long, long, long, long[], long[], int, long)}. */
    public int onAck(long ackedEpoch, long nextExpected, long nowNs) {
        return onAck(ackedEpoch, nextExpected, nextExpected, 0, null, null, 0, nowNs);
    }

    /** An acknowledgement from a peer that stores nothing: Stored Below is {@code nextExpected}. */
    public int onAck(
            long ackedEpoch,
            long nextExpected,
            long ackDelayNs,
            long[] starts,
            long[] ends,
            int rangeCount,
            long nowNs) {
        return onAck(ackedEpoch, nextExpected, nextExpected, ackDelayNs, starts, ends, rangeCount, nowNs);
    }

    /**
     * The peer has processed every sequence number below {@code nextExpected} of lane epoch {@code ackedEpoch}, holds
     * those in the ranges {@code [starts[i], ends[i])} for {@code i < rangeCount}, and waited {@code ackDelayNs}
     * before acknowledging. Acknowledgements of another epoch are ignored; old, repeated and reordered ones are
     * harmless. Loss detection, round-trip time and the congestion window follow {@code nextExpected} and the ranges;
     * receipts complete only below {@code storedBelow} (at most {@code nextExpected}), the point below which the peer
     * has made what it received durable, so that "acknowledged" means "survives the peer's crash". Returns how many
     * receipts completed.
     */
    public int onAck(
            long ackedEpoch,
            long nextExpected,
            long storedBelowNow,
            long ackDelayNs,
            long[] starts,
            long[] ends,
            int rangeCount,
            long nowNs) {
        if (ackedEpoch != epoch) {
            return 0;
        }
        long newEnd = Math.min(nextExpected, sentEnd);
        Outgoing largestNewlyAcked = null;
        boolean newlyAcked = false;
        for (int r = 0; r < rangeCount; r++) {
            long from = Math.max(starts[r], Math.max(cumulative, newEnd));
            long to = Math.min(ends[r], sentEnd);
            for (long s = from; s < to; s++) {
                Outgoing outgoing = at(s);
                if (!outgoing.selectivelyAcked) {
                    outgoing.selectivelyAcked = true;
                    if (outgoing.lost) {
                        outgoing.lost = false; // arrived after all: do not send it again
                        lostPending--;
                    }
                    newlyAcked = true;
                    largestNewlyAcked = outgoing;
                    noteArrival(outgoing, nowNs);
                    creditCongestion(outgoing, nowNs);
                }
            }
        }
        int acknowledged = 0;
        while (cumulative < newEnd) {
            Outgoing outgoing = at(cumulative);
            window[(int) (cumulative % WINDOW_EVENTS)] = null;
            cumulative++;
            if (!outgoing.selectivelyAcked) {
                newlyAcked = true;
                if (largestNewlyAcked == null || outgoing.sequence > largestNewlyAcked.sequence) {
                    largestNewlyAcked = outgoing;
                }
                noteArrival(outgoing, nowNs);
            }
            creditCongestion(outgoing, nowNs);
            if (outgoing.lost) {
                outgoing.lost = false;
                lostPending--;
            }
            if (unstored.isEmpty()) {
                storeProgressNs = nowNs;
                storeProbes = 0;
            }
            unstored.add(outgoing);
        }
        long storedBefore = storedBelow;
        storedBelow = Math.max(storedBelow, Math.min(storedBelowNow, cumulative));
        if (storedBelow != storedBefore) {
            storeProgressNs = nowNs;
            storeProbes = 0;
        }
        while (!unstored.isEmpty() && unstored.peek().sequence < storedBelow) {
            Outgoing stored = unstored.poll();
            stored.receipt.acknowledged(peer);
            if (stored.partial()) {
                partialFragments--;
            }
            acknowledged++;
        }
        if (!newlyAcked) {
            return acknowledged;
        }
        // RFC 9002 §5.1: one sample per ACK, from the highest newly acknowledged event, if it was sent once.
        if (largestNewlyAcked.transmissions == 1) {
            sampleRtt(nowNs - largestNewlyAcked.sentNs, ackDelayNs);
            congestion.onRttSample(latestRttNs);
        }
        ptoCount = 0;
        detectLosses(nowNs);
        return acknowledged;
    }

    /**
     * Remembers that some transmission of {@code outgoing} arrived. For an event sent more than once the lane cannot
     * tell which copy arrived; it credits the latest only when that one had time to make the round trip (the minimum
     * RTT), so that a late first copy does not make everything sent since look lost.
     */
    private void noteArrival(Outgoing outgoing, long nowNs) {
        if (outgoing.transmissions > 1 && (minRttNs == Long.MAX_VALUE || nowNs - outgoing.sentNs < minRttNs)) {
            // An earlier copy arrived: the retransmission was not needed. If the packet threshold declared it lost,
            // the network reorders further than the threshold allows; widen it past the distance that misled it
            // (as RFC 9002 §6.1.1 permits, and as TCP implementations adapt their reordering degree).
            spuriousRetransmissions++;
            if (outgoing.reorderDistance > 0) {
                packetThreshold = Math.min(WINDOW_EVENTS, Math.max(packetThreshold, outgoing.reorderDistance + 1));
            }
            return;
        }
        if (outgoing.transmissionNumber > largestAckedTransmission) {
            largestAckedTransmission = outgoing.transmissionNumber;
            largestAckedSentNs = outgoing.sentNs;
        }
    }

    /** An event's first acknowledgement: its bytes leave the congestion window, which may grow. */
    private void creditCongestion(Outgoing outgoing, long nowNs) {
        if (outgoing.inCongestionWindow) {
            outgoing.inCongestionWindow = false;
            congestion.onAcked(outgoing.bytes, outgoing.sentNs, -1, nowNs);
        }
    }

    /** RFC 9002 §6.1: marks lost what the packet or time threshold says is lost, and sets the loss timer. */
    private void detectLosses(long nowNs) {
        lossTimeNs = Long.MAX_VALUE;
        if (largestAckedTransmission < 0) {
            return;
        }
        long lossDelayNs = Math.max(CLOCK_GRANULARITY_NS, 9 * Math.max(srttNs, latestRttNs) / 8);
        for (long s = cumulative; s < sentEnd; s++) {
            Outgoing outgoing = at(s);
            if (outgoing.selectivelyAcked || outgoing.lost || outgoing.transmissionNumber > largestAckedTransmission) {
                continue;
            }
            // The packet threshold counts only transmissions sent after this one in time: the events of one flush
            // leave together, and a network that reorders datagrams within a burst says nothing about loss.
            long distance = largestAckedTransmission - outgoing.transmissionNumber;
            boolean byPackets = distance >= packetThreshold && largestAckedSentNs > outgoing.sentNs;
            if (byPackets || nowNs - outgoing.sentNs >= lossDelayNs) {
                outgoing.reorderDistance = byPackets ? distance : 0;
                outgoing.lost = true;
                lostPending++;
                if (outgoing.inCongestionWindow) {
                    outgoing.inCongestionWindow = false;
                    congestion.onLost(outgoing.bytes, outgoing.sentNs, nowNs);
                }
            } else {
                lossTimeNs = Math.min(lossTimeNs, outgoing.sentNs + lossDelayNs);
            }
        }
    }

    /**
     * When to ask again whether the peer has stored what it received, if nothing is in flight to do it: one
     * probe timeout (at least {@link #STORE_PROBE_MIN_NS}) after Stored Below last moved, doubling with each probe up to
     * {@link #RTO_MAX_NS}. {@link Long#MAX_VALUE} when nothing waits for the peer's store.
     */
    private long storeProbeDueNs() {
        if (unstored.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long waitNs = Math.max(STORE_PROBE_MIN_NS, rtoNs) << Math.min(storeProbes, 8);
        return storeProgressNs + Math.min(RTO_MAX_NS, waitNs);
    }

    private long ptoDueNs() {
        int doublings = inFlight() < THIN_STREAM_IN_FLIGHT
                ? Math.max(0, ptoCount + 1 - THIN_LINEAR_PROBES)
                : Math.min(ptoCount, PTO_DOUBLINGS_MAX);
        long backoffNs = rtoNs << Math.min(doublings, 8);
        return lastSentNs + Math.min(RTO_MAX_NS, backoffNs);
    }

    /**
     * Fails every event that has waited longer than {@code deliveryTimeoutNs} for its acknowledgement, together with
     * everything queued behind it (the lane is ordered, so they could not be delivered either), and starts a new epoch.
     * Returns how many events failed.
     */
    public int expire(long nowNs, long deliveryTimeoutNs) {
        long oldestNs = oldestQueuedNs();
        if (oldestNs == Long.MAX_VALUE || nowNs - oldestNs < deliveryTimeoutNs) {
            return 0;
        }
        String reason = "no acknowledgement from " + peer + " within "
                + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNs) + " ms";
        int failed = queued();
        failAll(reason);
        return failed;
    }

    /**
     * The peer lost its lane state (it restarted): move to a new epoch and renumber everything not yet cumulatively
     * acknowledged from zero, so the peer's fresh receiver can take it in order. Nothing is lost; events the peer may
     * already have seen are recognised by their event ids. Selective acknowledgements are forgotten: the peer lost
     * what it held. A fragmented event goes again from its first byte, and every event is cut to the frame budget in
     * force ({@link #frameLengthMax(int)}), which is also how the lane recovers from a path MTU black hole.
     */
    public void reset() {
        epoch = Epoch.next(epoch);
        nextSequence = 0;
        // Received by the peer but not stored: its restart lost them, so they go again first.
        ArrayDeque<Outgoing> all = new ArrayDeque<>(unstored);
        unstored.clear();
        storedBelow = 0;
        for (long s = cumulative; s < sentEnd; s++) {
            all.add(at(s));
        }
        all.addAll(waiting);
        waiting.clear();
        clearWindow(0);
        partialFragments = 0;
        java.util.List<Outgoing> list = new java.util.ArrayList<>(all);
        int chunk = frameLengthMax - FragmentFrameFlyweight.FRAME_OVERHEAD;
        for (int i = 0; i < list.size(); i++) {
            Outgoing outgoing = list.get(i);
            if (outgoing.body == null && outgoing.bytes <= frameLengthMax) {
                waiting.add(outgoing.renumbered(nextSequence++));
            } else if (outgoing.body == null) {
                // The frame budget shrank (path MTU black hole): this event no longer fits one packet.
                byte[] body = EventFrameCodec.encodeBody(outgoing.event);
                addFragments(outgoing.event, body, 0, body.length, chunk, outgoing.receipt, outgoing.queuedNs);
            } else {
                // A fragmented event goes again whole, from its first byte: the peer lost whatever part of it it
                // had acknowledged with its lane state. It is cut to the budget in force now. Its fragments still in
                // the lane are consecutive; the last of them, its last fragment, carries its receipt.
                int last = i;
                while (last + 1 < list.size() && list.get(last + 1).body == outgoing.body) {
                    last++;
                }
                addFragments(
                        outgoing.event,
                        outgoing.body,
                        0,
                        outgoing.body.length,
                        chunk,
                        list.get(last).receipt,
                        outgoing.queuedNs);
                i = last;
            }
        }
        rtoNs = Math.max(rtoNs, RTO_INITIAL_NS);
    }

    private void clearWindow(long start) {
        java.util.Arrays.fill(window, null);
        cumulative = start;
        sentEnd = start;
        lostPending = 0;
        lossTimeNs = Long.MAX_VALUE;
        largestAckedTransmission = -1;
        ptoCount = 0;
        congestion.onInFlightDiscarded();
    }

    /**
     * Everything in flight and not selectively acknowledged is due again at {@code nowNs}, with no backoff: the path to
     * the peer changed (a new secure session after the old one went unanswered), so what was sent over the old one is
     * presumed lost.
     */
    public void retransmitNow(long nowNs) {
        for (long s = cumulative; s < sentEnd; s++) {
            Outgoing outgoing = at(s);
            if (!outgoing.selectivelyAcked && !outgoing.lost) {
                outgoing.lost = true;
                lostPending++;
            }
        }
    }

    /**
     * Fails everything queued (shutdown, a delivery timeout, a peer nobody answers for) and starts a new epoch,
     * numbered from zero: the receiver may have missed what failed, and a new epoch tells it not to wait for those
     * numbers. The receipts are told after the lane is cleared, so one that enqueues again from its callback finds a
     * consistent lane.
     */
    public void failAll(String reason) {
        List<SendReceipt> receipts = new ArrayList<>(queued());
        for (Outgoing outgoing : unstored) {
            receipts.add(outgoing.receipt);
        }
        unstored.clear();
        storedBelow = 0;
        for (long s = cumulative; s < sentEnd; s++) {
            receipts.add(at(s).receipt);
        }
        clearWindow(sentEnd);
        for (Outgoing outgoing : waiting) {
            receipts.add(outgoing.receipt);
        }
        waiting.clear();
        partialFragments = 0;
        epoch = Epoch.next(epoch);
        nextSequence = 0;
        clearWindow(0);
        for (SendReceipt receipt : receipts) {
            receipt.failed(peer, reason);
        }
    }

    /**
     * When {@link #collectDue} next has work: now if lost events or events waiting for window room can go, else the
     * loss timer or the probe timeout, whichever comes first.
     */
    public long nextDueNs(long nowNs) {
        if (lostPending > 0) {
            return nowNs;
        }
        long pacedNs = Long.MAX_VALUE;
        if (!waiting.isEmpty() && inFlight() < WINDOW_EVENTS && congestion.canSend(waiting.peek().bytes)) {
            pacedNs = pacer.sendableAtNs(waiting.peek().bytes, congestion.windowBytes(), srttNs, nowNs);
            if (pacedNs <= nowNs) {
                return nowNs;
            }
        }
        if (inFlight() == 0) {
            return Math.min(pacedNs, storeProbeDueNs());
        }
        return Math.min(pacedNs, Math.min(lossTimeNs, ptoDueNs()));
    }

    /** When the oldest unacknowledged event was queued, or {@link Long#MAX_VALUE} if none. */
    public long oldestQueuedNs() {
        Outgoing oldest = !unstored.isEmpty() ? unstored.peek() : inFlight() > 0 ? at(cumulative) : waiting.peek();
        return oldest == null ? Long.MAX_VALUE : oldest.queuedNs;
    }

    /** Probe timeouts since the last acknowledgement of anything new. */
    public int consecutiveProbeTimeouts() {
        return ptoCount;
    }

    /** Smoothed round-trip time, 0 before the first sample. */
    public long srttNs() {
        return srttNs;
    }

    /** Smallest round-trip sample, ack delay included; {@link Long#MAX_VALUE} before the first. */
    public long minRttNs() {
        return minRttNs;
    }

    /** The probe timeout before backoff. */
    /** RFC 6298's RTTVAR: how much the round-trip time varies, 0 before the first sample. */
    public long rttVarianceNs() {
        return rttVarianceNs;
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

    /** The peer's congestion window, which the latency-first lane shares ({@link LatencyFirstSender}). */
    public CongestionWindow congestion() {
        return congestion;
    }

    /** The congestion window, in bytes of EVENT frames. */
    public long congestionWindowBytes() {
        return congestion.windowBytes();
    }

    /** Bytes of EVENT frames in flight, as the congestion window counts them. */
    public long bytesInFlight() {
        return congestion.bytesInFlight();
    }

    /** Times a loss cut the congestion window. */
    public long congestionEvents() {
        return congestion.congestionEvents();
    }

    /** Losses the congestion window took for random ones (no queue on the path) and did not answer. */
    public long randomLosses() {
        return congestion.randomLosses();
    }

    /** Acknowledgements of events sent more than once that arrived too soon to be for the latest copy. */
    public long spuriousRetransmissions() {
        return spuriousRetransmissions;
    }

    /** The packet threshold in force (RFC 9002 kPacketThreshold, widened by reordering seen). */
    long packetThreshold() {
        return packetThreshold;
    }

    /** RFC 9002 §5.2-5.3: min RTT from raw samples; the ack delay comes off only down to the min RTT. */
    private void sampleRtt(long sampleNs, long ackDelayNs) {
        long latest = Math.max(sampleNs, 0);
        latestRttNs = latest;
        minRttNs = Math.min(minRttNs, latest);
        long adjusted = latest;
        if (latest >= minRttNs + ackDelayNs) {
            adjusted = latest - ackDelayNs;
        }
        if (srttNs == 0) {
            srttNs = adjusted;
            rttVarianceNs = adjusted / 2;
        } else {
            rttVarianceNs = (3 * rttVarianceNs + Math.abs(srttNs - adjusted)) / 4;
            srttNs = (7 * srttNs + adjusted) / 8;
        }
        rtoNs = Math.min(RTO_MAX_NS, Math.max(RTO_MIN_NS, srttNs + Math.max(CLOCK_GRANULARITY_NS, 4 * rttVarianceNs)));
    }

    private static final class Outgoing {
        final long sequence;
        final Event event;
        final SendReceipt receipt;
        final long queuedNs;
        long sentNs;
        long transmissionNumber;
        int transmissions;
        boolean selectivelyAcked;
        boolean lost;
        /** Transmissions between this one and the acknowledged one that made the packet threshold declare it lost. */
        long reorderDistance;
        /** Its EVENT frame's length: what it weighs in the congestion window. */
        final int bytes;
        /** Whether its bytes are counted in flight in the congestion window. */
        boolean inCongestionWindow;
        /** For a fragment: the event's whole EVENT body, shared by its fragments; null for an EVENT frame. */
        final byte[] body;

        final int fragmentOffset;
        final int fragmentLength;
        /** The fragment size the event was split with (the last fragment may be shorter). */
        final int chunk;

        Outgoing(long sequence, Event event, SendReceipt receipt, long queuedNs) {
            this(sequence, event, receipt, queuedNs, null, 0, 0, 0);
        }

        Outgoing(
                long sequence,
                Event event,
                SendReceipt receipt,
                long queuedNs,
                byte[] body,
                int fragmentOffset,
                int fragmentLength,
                int chunk) {
            this.sequence = sequence;
            this.event = event;
            this.receipt = receipt;
            this.queuedNs = queuedNs;
            this.body = body;
            this.fragmentOffset = fragmentOffset;
            this.fragmentLength = fragmentLength;
            this.chunk = chunk;
            this.bytes = body == null
                    ? EventFrameCodec.frameLength(event)
                    : FragmentFrameFlyweight.frameLength(fragmentLength);
        }

        /** A fragment that is not its event's last. */
        boolean partial() {
            return body != null && fragmentOffset + fragmentLength < body.length;
        }

        Outgoing renumbered(long newSequence) {
            return new Outgoing(newSequence, event, receipt, queuedNs, body, fragmentOffset, fragmentLength, chunk);
        }
    }
}
