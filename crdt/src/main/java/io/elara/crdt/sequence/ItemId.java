package io.elara.crdt.sequence;

/**
 * The identity of one inserted character: the replica that inserted it and that replica's sequence number for it.
 * Sequence numbers of one replica count its inserted characters from zero without gaps.
 */
public record ItemId(long replica, long sequence) {
    public ItemId {
        if (sequence < 0 || sequence > TextDocument.SEQUENCE_MAX) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
    }
}
