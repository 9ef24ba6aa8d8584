package io.elara.node.lane;

import io.elara.node.event.Event;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * The receiving half of the reliable lane from one peer: takes numbered events in any order, hands them on in
 * sequence exactly once, and remembers what to acknowledge. Holds at most {@link ReliableSender#WINDOW_EVENTS} events
 * out of order. Loop thread only.
 */
public final class ReliableReceiver {
    /** Where in-order events, reassembled bodies and rejected fragments go. */
    public interface Delivery extends Reassembler.Sink {
        void event(Event event);
    }

    /** Outcome of {@link #onFragment}. */
    public enum FragmentOutcome {
        /** Taken (or a duplicate): it will be acknowledged. */
        TAKEN,
        /** Beyond the receive window: the sender broke the protocol. */
        OUT_OF_WINDOW,
        /** Refused for now, reassembly memory being at its limit: not acknowledged, so the sender sends it again. */
        REFUSED
    }

    /** A fragment held out of order: a copy of its body, and the bytes it holds in the budget. */
    private static final class HeldFragment {
        final byte[] body;
        final long cost;

        HeldFragment(byte[] body, long cost) {
            this.body = body;
            this.cost = cost;
        }
    }

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
    private final Reassembler reassembler;
    /** Whether what is delivered counts as stored only once {@link #stored} says so (a node with a database). */
    private boolean storing;
    /** With {@link #storing}: every sequence number below it is durable. */
    private long storedBelow;
    /** Set by {@link #holdStored}; cleared by a new epoch. */
    private boolean storedHeld;

    /** A receiver whose reassembly memory has no limit worth the name: for tests of the lane alone. */
    public ReliableReceiver() {
        this(new Reassembler(new ReassemblyBudget(
                ReassemblyBudget.UNBOUNDED,
                ReassemblyBudget.UNBOUNDED,
                io.elara.node.wire.EventFrameCodec.bodyLengthMax(0xFFFF))));
    }

    public ReliableReceiver(Reassembler reassembler) {
        this.reassembler = reassembler;
    }

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
        storedBelow = 0;
        storedHeld = false;
        heldEnd = 0;
        discard();
        return change;
    }

    /**
     * Drops everything held out of order and the reassembly in progress, releasing their memory: the peer's lane
     * started over, or the peer is forgotten.
     */
    public void discard() {
        for (int i = 0; i < WINDOW; i++) {
            if (window[i] instanceof HeldFragment held) {
                reassembler.release(held.cost);
            }
            window[i] = null;
        }
        reassembler.abandon();
    }

    /** Bytes held for reassembly from this peer: the reassembly in progress and fragments held out of order. */
    public long reassemblyBytes() {
        return reassembler.bytes();
    }

    /**
     * Takes sequence number {@code sequence} of the current epoch, arrived at {@code nowNs}, carrying {@code event},
     * or null when the event was well framed but rejected. Hands every event that is now in order to {@code deliver}.
     * Returns false when the sequence number is beyond the window (the sender broke the protocol) and nothing changed.
     */
    public boolean onEvent(long sequence, Event event, Consumer<Event> deliver, long nowNs) {
        return onEvent(
                sequence,
                event,
                new Delivery() {
                    @Override
                    public void event(Event delivered) {
                        deliver.accept(delivered);
                    }

                    @Override
                    public void reassembled(ByteBuf body) {
                        throw new IllegalStateException("no fragments expected");
                    }

                    @Override
                    public void rejected(io.elara.node.event.RejectReason reason) {
                        throw new IllegalStateException("no fragments expected");
                    }
                },
                nowNs);
    }

    /** Like {@link #onEvent(long, Event, Consumer, long)}, handing fragments held before it to the reassembler. */
    public boolean onEvent(long sequence, Event event, Delivery delivery, long nowNs) {
        markAckPending(nowNs);
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
        drain(delivery);
        return true;
    }

    /**
     * Takes the FRAGMENT body (checked by {@code FragmentFrameFlyweight.check}) of {@code length} bytes at {@code
     * offset}, sequence number {@code sequence} of the current epoch. In order, it goes straight to the reassembler;
     * out of order, a copy is held, if the reassembly limits allow. Hands everything now in order to {@code delivery}.
     */
    public FragmentOutcome onFragment(
            long sequence, ByteBuf buffer, int offset, int length, Delivery delivery, long nowNs) {
        markAckPending(nowNs);
        if (sequence < nextExpected) {
            duplicates++;
            return FragmentOutcome.TAKEN;
        }
        if (sequence >= nextExpected + WINDOW) {
            return FragmentOutcome.OUT_OF_WINDOW;
        }
        int slot = (int) (sequence % WINDOW);
        if (window[slot] != null) {
            duplicates++;
            return FragmentOutcome.TAKEN;
        }
        if (sequence == nextExpected) {
            if (!reassembler.takeInOrder(buffer, offset, length, delivery)) {
                return FragmentOutcome.REFUSED;
            }
            nextExpected++;
            drain(delivery);
            return FragmentOutcome.TAKEN;
        }
        long cost = reassembler.holdCost(buffer, offset, length);
        if (!reassembler.tryHold(cost)) {
            return FragmentOutcome.REFUSED;
        }
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        window[slot] = new HeldFragment(copy, cost);
        heldEnd = Math.max(heldEnd, sequence + 1);
        return FragmentOutcome.TAKEN;
    }

    private void markAckPending(long nowNs) {
        // Every event frame earns an acknowledgement, even one beyond the window: the acknowledgement carries this
        // node's lane epoch, which is how a peer that kept numbering learns this side started over.
        if (!ackPending) {
            ackPending = true;
            ackPendingSinceNs = nowNs;
        }
    }

    /** Hands on everything now in sequence. */
    private void drain(Delivery delivery) {
        int head = (int) (nextExpected % WINDOW);
        while (window[head] != null) {
            Object taken = window[head];
            window[head] = null;
            nextExpected++;
            if (taken instanceof HeldFragment held) {
                reassembler.takeHeld(held.body, held.cost, delivery);
            } else if (taken != REJECTED) {
                delivery.event((Event) taken);
            }
            head = (int) (nextExpected % WINDOW);
        }
        heldEnd = Math.max(heldEnd, nextExpected);
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

    /**
     * From now on, delivered events count as durable only once {@link #stored} reports them so; until then the ACK's
     * Stored Below stays behind and the sender's receipts wait. Off (the default), delivered is durable.
     */
    public void storing(boolean on) {
        storing = on;
        storedBelow = nextExpected;
    }

    public boolean storing() {
        return storing;
    }

    /**
     * Something delivered since {@link #storedBelow} could not be stored: Stored Below stays where it is until the
     * next epoch, so the sender never counts that event as stored.
     */
    public void holdStored() {
        storedHeld = true;
    }

    /**
     * Like {@link #holdStored()}, for a packet whose first sequence number was {@code packetStart}: a receiver that
     * keeps no store counts everything below the packet as stored and holds there; one that stores keeps its own
     * durable point.
     */
    public void holdStored(long packetStart) {
        if (!storing && !storedHeld) {
            storedBelow = Math.min(packetStart, nextExpected);
        }
        storedHeld = true;
    }

    /** Every sequence number below this is durable: the ACK's Stored Below. */
    public long storedBelow() {
        return storing || storedHeld ? storedBelow : nextExpected;
    }

    /**
     * Everything delivered below {@code upTo} in epoch {@code markEpoch} is now durable (its store transaction
     * committed). A report for an earlier epoch changes nothing. An advance earns an acknowledgement, which tells the
     * sender.
     */
    public void stored(long markEpoch, long upTo, long nowNs) {
        if (!storing || storedHeld || !hasEpoch || markEpoch != epoch) {
            return;
        }
        long advanced = Math.min(upTo, nextExpected);
        if (advanced > storedBelow) {
            storedBelow = advanced;
            markAckPending(nowNs);
        }
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
