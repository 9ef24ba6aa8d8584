package io.elara.node.lane;

import io.elara.node.event.RejectReason;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.FragmentFrameFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Puts one peer's FRAGMENT frames back together into EVENT bodies. The reliable lane hands fragments over in sequence
 * order ({@link ReliableReceiver}), so one reassembly at a time is in progress per peer, and each fragment must start
 * where the previous one ended. The memory it takes is accounted in the shared {@link ReassemblyBudget}: a
 * reassembly reserves its event's Total Length at the first fragment; the lane asks before holding a fragment out of
 * order. A fragment that would pass a limit is refused before the lane takes it, so it is not acknowledged and its
 * sender sends it again later: back-pressure, nothing lost, memory bounded. Loop thread only.
 *
 * <p>Bodies handed to {@link Sink#reassembled} are checked for nothing but their length; the caller decodes them as
 * it decodes EVENT frames.
 */
public final class Reassembler {
    /** Where finished bodies and rejected fragments go. */
    public interface Sink {
        /** A whole EVENT body, readable in {@code body}; valid only during the call. */
        void reassembled(ByteBuf body);

        /** A fragment (or the reassembly it broke) was dropped for {@code reason}. */
        void rejected(RejectReason reason);
    }

    /** The shortest EVENT body: the fixed fields and an unsigned proof. */
    static final int BODY_LENGTH_MIN = EventFrameCodec.FIXED_LENGTH + EventFrameCodec.UNSIGNED_PROOF_LENGTH;

    private final ReassemblyBudget budget;
    /** Bytes of this peer's fragments held out of order. */
    private long held;
    /** Bytes reserved by the reassembly in progress (its Total Length), 0 when none. */
    private long reserved;

    private byte[] body;
    /** Total Length of the event in progress, being reassembled or skipped; 0 when none. */
    private long total;

    private long filled;
    /** Whether the event in progress is being skipped (too long), not reassembled. */
    private boolean skipping;

    private long refused;

    public Reassembler(ReassemblyBudget budget) {
        this.budget = budget;
    }

    /** Bytes this peer holds now: its reservation and its fragments held out of order. */
    public long bytes() {
        return held + reserved;
    }

    /** Fragments refused because a limit would have been passed. */
    public long refused() {
        return refused;
    }

    private boolean acceptable(long totalLength) {
        return totalLength >= BODY_LENGTH_MIN && totalLength <= budget.bodyLengthMax();
    }

    /**
     * What holding the fragment body at {@code offset} out of order costs: a first fragment of an acceptable event
     * takes its Total Length (it becomes the reservation when its turn comes), any other its own length.
     */
    long holdCost(ByteBuf buffer, int offset, int length) {
        long totalLength = buffer.getUnsignedInt(offset + FragmentFrameFlyweight.TOTAL_LENGTH_OFFSET);
        boolean first = buffer.getUnsignedInt(offset + FragmentFrameFlyweight.FRAGMENT_OFFSET_OFFSET) == 0;
        return first && acceptable(totalLength) ? totalLength : length;
    }

    /** Takes {@code cost} bytes for a fragment held out of order, if the limits allow. */
    boolean tryHold(long cost) {
        if (!budget.canHold(held, cost)) {
            refused++;
            return false;
        }
        held += cost;
        budget.hold(cost);
        return true;
    }

    private void unhold(long cost) {
        held -= cost;
        budget.unhold(cost);
    }

    /**
     * Takes the fragment body (checked by {@link FragmentFrameFlyweight#check}) that is next in sequence. Returns false,
     * taking nothing, when it starts a reassembly that the limits have no room for now.
     */
    public boolean takeInOrder(ByteBuf buffer, int offset, int length, Sink sink) {
        long totalLength = buffer.getUnsignedInt(offset + FragmentFrameFlyweight.TOTAL_LENGTH_OFFSET);
        boolean first = buffer.getUnsignedInt(offset + FragmentFrameFlyweight.FRAGMENT_OFFSET_OFFSET) == 0;
        if (first && acceptable(totalLength) && !budget.canReserve(held, reserved, totalLength)) {
            refused++;
            return false;
        }
        process(buffer, offset, length, sink);
        return true;
    }

    /** Takes a fragment held out of order whose turn came, releasing its hold of {@code cost} bytes. */
    void takeHeld(byte[] fragment, long cost, Sink sink) {
        unhold(cost);
        ByteBuf buffer = Unpooled.wrappedBuffer(fragment);
        try {
            process(buffer, 0, fragment.length, sink);
        } finally {
            buffer.release();
        }
    }

    private void process(ByteBuf buffer, int offset, int length, Sink sink) {
        long totalLength = buffer.getUnsignedInt(offset + FragmentFrameFlyweight.TOTAL_LENGTH_OFFSET);
        long fragmentOffset = buffer.getUnsignedInt(offset + FragmentFrameFlyweight.FRAGMENT_OFFSET_OFFSET);
        int dataLength = length - FragmentFrameFlyweight.FIXED_LENGTH;
        int data = offset + FragmentFrameFlyweight.DATA_OFFSET;
        if (fragmentOffset == 0) {
            if (total != 0) {
                // The sender started another event before finishing this one: what was gathered is useless.
                sink.rejected(RejectReason.FRAGMENT_MALFORMED);
                abandon();
            }
            total = totalLength;
            filled = 0;
            if (!acceptable(totalLength)) {
                skipping = true;
            } else {
                reserved = totalLength;
                budget.reserve(totalLength);
                body = new byte[(int) totalLength];
            }
        } else if (total == 0 || totalLength != total || fragmentOffset != filled) {
            // Not the continuation of the event in progress: a fragment from nowhere, or one that breaks it.
            sink.rejected(RejectReason.FRAGMENT_MALFORMED);
            abandon();
            return;
        }
        if (skipping) {
            sink.rejected(RejectReason.FRAGMENT_LENGTH);
        } else {
            buffer.getBytes(data, body, (int) filled, dataLength);
        }
        filled += dataLength;
        if (filled == total) {
            if (!skipping) {
                ByteBuf whole = Unpooled.wrappedBuffer(body);
                try {
                    sink.reassembled(whole);
                } finally {
                    whole.release();
                }
            }
            abandon();
        }
    }

    /** Drops the event in progress, if any, and its reservation. */
    void abandon() {
        if (reserved != 0) {
            budget.unreserve(reserved);
            reserved = 0;
        }
        body = null;
        total = 0;
        filled = 0;
        skipping = false;
    }

    /** Releases a hold of {@code cost} bytes whose fragment the lane dropped (a new epoch). */
    void release(long cost) {
        unhold(cost);
    }
}
