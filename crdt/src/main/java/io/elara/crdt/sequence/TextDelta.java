package io.elara.crdt.sequence;

import java.util.List;

/**
 * A change to a text document: inserted runs (in an order where every run's origins come before it or are already
 * known to the receiver) and deleted ranges. A delta from a local edit is small; a delta since a version carries what
 * the other side is missing; a delta since {@link TextVersion#EMPTY} is the whole state.
 */
public record TextDelta(List<InsertedRun> inserts, List<DeletedRange> deletes) {
    /** The delta that changes nothing. */
    public static final TextDelta EMPTY = new TextDelta(List.of(), List.of());

    public TextDelta {
        inserts = List.copyOf(inserts);
        deletes = List.copyOf(deletes);
    }

    /** Whether this delta carries nothing. */
    public boolean isEmpty() {
        return inserts.isEmpty() && deletes.isEmpty();
    }

    /** The number of characters inserted plus the number deleted: the bounded quantity of merge buffers. */
    public long itemCount() {
        long count = 0;
        for (InsertedRun run : inserts) {
            count += run.length();
        }
        for (DeletedRange range : deletes) {
            count += range.length();
        }
        return count;
    }
}
