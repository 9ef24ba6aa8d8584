package io.elara.crdt.sync;

import io.elara.crdt.clock.Dot;

/** The dots {@code replica:first} to {@code replica:last}, both included. */
public record DotRange(long replica, long first, long last) {
    public DotRange {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("empty or invalid range " + first + ".." + last);
        }
    }

    public long length() {
        return last - first + 1;
    }

    public boolean contains(Dot dot) {
        return dot.replica() == replica && dot.counter() >= first && dot.counter() <= last;
    }
}
