package io.elara.crdt.clock;

import java.util.Comparator;

/**
 * One event of one replica: the replica's id and its event counter, counting from 1. Dots order by replica, then by
 * counter, which is the order every encoding uses, so equal states encode to equal bytes.
 */
public record Dot(long replica, long counter) implements Comparable<Dot> {
    private static final Comparator<Dot> ORDER =
            Comparator.comparingLong(Dot::replica).thenComparingLong(Dot::counter);

    public Dot {
        if (counter < 1) {
            throw new IllegalArgumentException("dot counters start at 1: " + counter);
        }
    }

    @Override
    public int compareTo(Dot other) {
        return ORDER.compare(this, other);
    }
}
