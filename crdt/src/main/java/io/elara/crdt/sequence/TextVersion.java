package io.elara.crdt.sequence;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A state vector: for each replica, how many of its inserted characters a document holds (they always form a prefix
 * {@code 0 .. next-1}, because a replica's characters are integrated in sequence order). Deletions are not counted
 * here; a delta since a version carries the whole (range-compressed) delete set.
 */
public record TextVersion(SortedMap<Long, Long> nextSequenceByReplica) {
    /** The version of an empty document. */
    public static final TextVersion EMPTY = new TextVersion(new TreeMap<>());

    public TextVersion {
        nextSequenceByReplica = Collections.unmodifiableSortedMap(new TreeMap<>(nextSequenceByReplica));
        for (Map.Entry<Long, Long> entry : nextSequenceByReplica.entrySet()) {
            if (entry.getValue() < 0 || entry.getValue() > TextDocument.SEQUENCE_MAX + 1) {
                throw new IllegalArgumentException("next sequence out of range: " + entry);
            }
        }
    }

    /** How many characters of {@code replica} this version holds. */
    public long nextSequence(long replica) {
        return nextSequenceByReplica.getOrDefault(replica, 0L);
    }

    /** Whether this version holds everything {@code other} holds. */
    public boolean covers(TextVersion other) {
        for (Map.Entry<Long, Long> entry : other.nextSequenceByReplica.entrySet()) {
            if (nextSequence(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }
}
