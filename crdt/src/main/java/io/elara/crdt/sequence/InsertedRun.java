package io.elara.crdt.sequence;

import java.util.Objects;

/**
 * Characters inserted one after another by one replica: ids {@code (replica, startSequence + i)}. The first character
 * was inserted right after {@code originLeft} (null: the document's start) and every later one right after its
 * predecessor in this run; all of them had {@code originRight} (null: the document's end) as their right neighbour.
 */
public record InsertedRun(long replica, long startSequence, ItemId originLeft, ItemId originRight, String text) {
    public InsertedRun {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty() || text.length() > TextDocument.RUN_LENGTH_MAX) {
            throw new IllegalArgumentException("run length out of range: " + text.length());
        }
        if (startSequence < 0 || startSequence + text.length() - 1 > TextDocument.SEQUENCE_MAX) {
            throw new IllegalArgumentException("sequence out of range: " + startSequence);
        }
    }

    /** The id of the character at {@code offset} in this run. */
    public ItemId idAt(int offset) {
        return new ItemId(replica, startSequence + offset);
    }

    /** One past the last sequence number of this run. */
    public long endSequence() {
        return startSequence + text.length();
    }
}
