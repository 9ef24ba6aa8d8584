package io.elara.crdt.sequence;

/** Characters {@code (replica, startSequence)} to {@code (replica, startSequence + length - 1)}, deleted. */
public record DeletedRange(long replica, long startSequence, int length) {
    public DeletedRange {
        if (length <= 0 || length > TextDocument.RUN_LENGTH_MAX) {
            throw new IllegalArgumentException("length out of range: " + length);
        }
        if (startSequence < 0 || startSequence + length - 1 > TextDocument.SEQUENCE_MAX) {
            throw new IllegalArgumentException("sequence out of range: " + startSequence);
        }
    }

    /** One past the last sequence number of this range. */
    public long endSequence() {
        return startSequence + length;
    }
}
