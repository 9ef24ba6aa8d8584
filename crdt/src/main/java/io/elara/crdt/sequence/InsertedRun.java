package io.elara.crdt.sequence;

/**
 * Characters inserted one after another by one replica: ids {@code (replica, startSequence + i)} for {@code i < length}.
 * The first character was inserted right after {@code originLeft} (null: the document's start) and every later one
 * right after its predecessor in this run; all of them had {@code originRight} (null: the document's end) as their
 * right neighbour.
 *
 * <p>{@code text} is null when the run is <em>elided</em>: its characters were already deleted where the delta was
 * made, so only the ids, origins and length travel. A receiver integrates an elided run as deleted characters and
 * never shows them; an elided run therefore means "inserted and deleted". Local edits always carry their text.
 */
public record InsertedRun(
        long replica, long startSequence, ItemId originLeft, ItemId originRight, int length, String text) {
    public InsertedRun {
        if (length <= 0 || length > TextDocument.RUN_LENGTH_MAX) {
            throw new IllegalArgumentException("run length out of range: " + length);
        }
        if (text != null && text.length() != length) {
            throw new IllegalArgumentException("text of " + text.length() + " chars for a run of " + length);
        }
        if (startSequence < 0 || startSequence + length - 1 > TextDocument.SEQUENCE_MAX) {
            throw new IllegalArgumentException("sequence out of range: " + startSequence);
        }
    }

    /** A run carrying its text. */
    public InsertedRun(long replica, long startSequence, ItemId originLeft, ItemId originRight, String text) {
        this(replica, startSequence, originLeft, originRight, text.length(), text);
    }

    /** A run of {@code length} characters that are deleted, sent without their text. */
    public static InsertedRun elided(
            long replica, long startSequence, ItemId originLeft, ItemId originRight, int length) {
        return new InsertedRun(replica, startSequence, originLeft, originRight, length, null);
    }

    /** Whether this run's characters are deleted and their text was left out. */
    public boolean isElided() {
        return text == null;
    }

    /** The id of the character at {@code offset} in this run. */
    public ItemId idAt(int offset) {
        return new ItemId(replica, startSequence + offset);
    }

    /** One past the last sequence number of this run. */
    public long endSequence() {
        return startSequence + length;
    }

    /** The characters from {@code offset} on, as a run of their own (left origin: the character before them). */
    InsertedRun suffix(int offset) {
        return new InsertedRun(
                replica,
                startSequence + offset,
                new ItemId(replica, startSequence + offset - 1),
                originRight,
                length - offset,
                text == null ? null : text.substring(offset));
    }
}
