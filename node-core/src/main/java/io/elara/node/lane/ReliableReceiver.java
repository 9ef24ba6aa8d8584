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
        Arrays.fill(window, null);
        return change;
    }

    /**
     * Takes sequence number {@code sequence} of the current epoch, carrying {@code event}, or null when the event was
     * well framed but rejected. Hands every event that is now in order to {@code deliver}. Returns false when the
     * sequence number is beyond the window (the sender broke the protocol) and nothing changed.
     */
    public boolean onEvent(long sequence, Event event, Consumer<Event> deliver) {
        // Every event frame earns an acknowledgement, even one beyond the window: the acknowledgement carries this
        // node's lane epoch, which is how a peer that kept numbering learns this side started over.
        ackPending = true;
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
        return true;
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
