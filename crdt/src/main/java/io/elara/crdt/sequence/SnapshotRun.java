package io.elara.crdt.sequence;

import java.util.Objects;

/**
 * One run of a snapshot, in document order: ids {@code (replica, start .. start+length-1)}, whether they are deleted,
 * the first character's left origin and the run's right origin (null: document start or end), and the text (null
 * for deleted runs, whose characters are not kept in a snapshot).
 */
record SnapshotRun(long replica, long start, int length, boolean deleted, ItemId left, ItemId right, String text) {
    /** This run and {@code next} as one run, if {@code next} continues it exactly; otherwise null. */
    SnapshotRun mergedWith(SnapshotRun next) {
        boolean continues = replica == next.replica
                && deleted == next.deleted
                && start + length == next.start
                && Objects.equals(right, next.right)
                && next.left != null
                && next.left.replica() == replica
                && next.left.sequence() == start + length - 1
                && (long) length + next.length <= TextDocument.RUN_LENGTH_MAX;
        if (!continues) {
            return null;
        }
        return new SnapshotRun(
                replica, start, length + next.length, deleted, left, right, deleted ? null : text + next.text);
    }
}
