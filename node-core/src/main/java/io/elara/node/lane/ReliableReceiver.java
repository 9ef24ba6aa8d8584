package io.elara.node.lane;

import io.elara.node.event.Event;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The receiving half of the reliable lane from one peer: takes numbered events in any order, hands them on in
 * sequence exactly once, and remembers what to acknowledge. Holds at most {@link ReliableSender#WINDOW_EVENTS} events
 * out of order. Loop thread only.
 */
public final class ReliableReceiver {
    /** Outcome of {@link #onEpoch}. */
    public enum EpochChange {
        /** The epoch in use. */
        SAME,
        /** The first epoch heard from this peer. */
        FIRST,
        /** The peer's lane started over (a new generation); the peer itself kept running. */
        NEW_GENERATION,
        /** The peer restarted (a new incarnation): it lost its lane state, so lanes towards it must start over too. */
        RESTARTED,
        /** An epoch this receiver moved past: a late packet from an earlier incarnation. */
        STALE
    }

    private static final int WINDOW = ReliableSender.WINDOW_EVENTS;
    private static final int REMEMBERED_EPOCHS = 4;
    /** Marks a sequence number whose event was rejected: it is consumed but not delivered. */
    private static final Object REJECTED = new Object();

    private final Object[] window = new Object[WINDOW];
    private final long[] pastEpochs = new long[REMEMBERED_EPOCHS];
    private int pastEpochCount;
    private boolean hasEpoch;
    private long epoch;
    private long nextExpected;
    private boolean ackPending;
    /** When the earliest event frame not yet acknowledged arrived: the start of the ack delay. */
    private long ackPendingSinceNs;
    /** One past the highest sequence number held out of order, or {@link #nextExpected} when none is held. */
    private long heldEnd;

    private long duplicates;

    /** Classifies the epoch in a packet's header, and adopts it when it is new. */
    public EpochChange onEpoch(long packetEpoch) {
        if (hasEpoch && packetEpoch == epoch) {
            return EpochChange.SAME;
        }
        for (int i = 0; i < pastEpochCount; i++) {
            if (pastEpochs[i] == packetEpoch) {
                return EpochChange.STALE;
            }
        }
        EpochChange change;
        if (!hasEpoch) {
            change = EpochChange.FIRST;
        } else if (Epoch.incarnation(packetEpoch) == Epoch.incarnation(epoch)) {
            // Generations of one incarnation only move forward (compared modulo 2^16), so a packet from an older
            // generation is late, however long ago that generation was left.
            if ((short) (Epoch.generation(packetEpoch) - Epoch.generation(epoch)) < 0) {
                return EpochChange.STALE;
            }
            change = EpochChange.NEW_GENERATION;
        } else {
            change = EpochChange.RESTARTED;
        }
        if (hasEpoch) {
            System.arraycopy(pastEpochs, 0, pastEpochs, 1, REMEMBERED_EPOCHS - 1);
            pastEpochs[0] = epoch;
            pastEpochCount = Math.min(pastEpochCount + 1, REMEMBERED_EPOCHS);
        }
        hasEpoch = true;
        epoch = packetEpoch;
        nextExpected = 0;
        heldEnd = 0;
        Arrays.fill(window, null);
        return change;
    }

    /**
     * Takes sequence number {@code sequence} of the current epoch, arrived at {@code nowNs}, carrying {@code event},
     * or null when the event was well framed but rejected. Hands every event that is now in order to {@code deliver}.
     * Returns false when the sequence number is beyond the window (the sender broke the protocol) and nothing changed.
     */
    public boolean onEvent(long sequence, Event event, Consumer<Event> deliver, long nowNs) {
        // Every event frame earns an acknowledgement, even one beyond the window: the acknowledgement carries this
        // node's lane epoch, which is how a peer that kept numbering learns this side started over.
        if (!ackPending) {
            ackPending = true;
            ackPendingSinceNs = nowNs;
        }
        if (sequence < nextExpected) {
            duplicates++;
            return true;
        }
        if (sequence >= nextExpected + WINDOW) {
            return false;
        }
        int slot = (int) (sequence % WINDOW);
        if (window[slot] == null) {
            window[slot] = event == null ? REJECTED : event;
            heldEnd = Math.max(heldEnd, sequence + 1);
        } else {
            duplicates++;
        }
        int head = (int) (nextExpected % WINDOW);
        while (window[head] != null) {
            Object taken = window[head];
            window[head] = null;
            nextExpected++;
            if (taken != REJECTED) {
                deliver.accept((Event) taken);
            }
            head = (int) (nextExpected % WINDOW);
        }
        heldEnd = Math.max(heldEnd, nextExpected);
        return true;
    }

    /**
     * Writes the ranges of sequence numbers held out of order above {@link #nextExpected} into {@code starts} and
     * {@code ends} (range {@code i} is {@code [starts[i], ends[i])}), in increasing order, and returns how many. When
     * more than {@code max} ranges are held, only the {@code max} highest are written: the most recent arrivals are
     * what the sender's loss detection needs. Allocates nothing; at most one pass over the window.
     */
    public int ackRanges(long[] starts, long[] ends, int max) {
        // Walk down from the highest held sequence number, so that the ranges kept are the highest.
        int count = 0;
        long sequence = heldEnd - 1;
        while (sequence > nextExpected && count < max) {
            if (window[(int) (sequence % WINDOW)] == null) {
                sequence--;
                continue;
            }
            long end = sequence + 1;
            while (sequence > nextExpected && window[(int) (sequence % WINDOW)] != null) {
                sequence--;
            }
            starts[count] = sequence + 1;
            ends[count] = end;
            count++;
        }
        // Written highest first; the frame lists them lowest first.
        for (int i = 0, j = count - 1; i < j; i++, j--) {
            long start = starts[i];
            starts[i] = starts[j];
            starts[j] = start;
            long end = ends[i];
            ends[i] = ends[j];
            ends[j] = end;
        }
        return count;
    }

    /**
     * The ack delay of an acknowledgement written at {@code nowNs}: how long the earliest event frame it is the first to
     * acknowledge has waited, 0 when nothing is pending.
     */
    public long ackDelayNs(long nowNs) {
        return ackPending ? Math.max(0, nowNs - ackPendingSinceNs) : 0;
    }

    public boolean hasEpoch() {
        return hasEpoch;
    }

    public long epoch() {
        return epoch;
    }

    public long nextExpected() {
        return nextExpected;
    }

    /** True when an acknowledgement should be sent at the next flush. */
    public boolean ackPending() {
        return ackPending;
    }

    public void ackSent() {
        ackPending = false;
    }

    /** Events received again after they were already taken (retransmissions whose acknowledgement was lost). */
    public long duplicates() {
        return duplicates;
    }
}
