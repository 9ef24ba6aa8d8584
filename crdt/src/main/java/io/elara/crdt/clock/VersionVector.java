package io.elara.crdt.clock;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * For each replica, the largest counter of the contiguous run of its events seen so far (counters 1 to n). Immutable:
 * every operation returns a new vector, so instances can be shared freely between threads and states. Replicas with
 * counter 0 are never stored, so equal vectors have equal maps and equal encodings.
 */
public final class VersionVector {
    /** Replicas a vector may name; a session's membership is far smaller, so more is a forged or corrupt input. */
    public static final int REPLICAS_MAX = 4096;

    private static final VersionVector EMPTY = new VersionVector(new TreeMap<>());

    private final NavigableMap<Long, Long> counters;

    private VersionVector(NavigableMap<Long, Long> counters) {
        this.counters = counters;
    }

    public static VersionVector empty() {
        return EMPTY;
    }

    /** A vector from replica → counter pairs; zero counters are dropped, negative ones refused. */
    public static VersionVector of(Map<Long, Long> counters) {
        TreeMap<Long, Long> copy = new TreeMap<>();
        counters.forEach((replica, counter) -> {
            if (counter < 0) {
                throw new IllegalArgumentException("negative counter " + counter + " for replica " + replica);
            }
            if (counter > 0) {
                copy.put(replica, counter);
            }
        });
        checkBound(copy.size());
        return new VersionVector(copy);
    }

    /** The counter seen for {@code replica}, 0 when none. */
    public long get(long replica) {
        return counters.getOrDefault(replica, 0L);
    }

    public boolean contains(Dot dot) {
        return dot.counter() <= get(dot.replica());
    }

    /** Number of replicas with a non-zero counter. */
    public int size() {
        return counters.size();
    }

    public boolean isEmpty() {
        return counters.isEmpty();
    }

    /** Replica → counter, in replica order, unmodifiable. */
    public NavigableMap<Long, Long> counters() {
        return Collections.unmodifiableNavigableMap(counters);
    }

    /** This vector with {@code replica}'s counter raised to at least {@code counter}. */
    public VersionVector with(long replica, long counter) {
        if (counter <= get(replica)) {
            return this;
        }
        TreeMap<Long, Long> copy = new TreeMap<>(counters);
        copy.put(replica, counter);
        checkBound(copy.size());
        return new VersionVector(copy);
    }

    /** The pointwise maximum: everything either vector has seen. */
    public VersionVector merge(VersionVector other) {
        if (other.counters.isEmpty()) {
            return this;
        }
        TreeMap<Long, Long> copy = new TreeMap<>(counters);
        other.counters.forEach((replica, counter) -> copy.merge(replica, counter, Math::max));
        checkBound(copy.size());
        return new VersionVector(copy);
    }

    /** True when this vector has seen every event {@code other} has seen. */
    public boolean dominates(VersionVector other) {
        for (Map.Entry<Long, Long> entry : other.counters.entrySet()) {
            if (get(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    public Causality compare(VersionVector other) {
        boolean covers = dominates(other);
        boolean covered = other.dominates(this);
        if (covers && covered) {
            return Causality.EQUAL;
        }
        if (covers) {
            return Causality.AFTER;
        }
        if (covered) {
            return Causality.BEFORE;
        }
        return Causality.CONCURRENT;
    }

    public boolean concurrent(VersionVector other) {
        return compare(other) == Causality.CONCURRENT;
    }

    private static void checkBound(int size) {
        if (size > REPLICAS_MAX) {
            throw new IllegalStateException("more than " + REPLICAS_MAX + " replicas in a version vector");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionVector vector && counters.equals(vector.counters);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(counters);
    }

    @Override
    public String toString() {
        return "VersionVector" + counters;
    }
}
