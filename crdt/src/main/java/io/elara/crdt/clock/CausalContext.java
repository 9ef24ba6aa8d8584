package io.elara.crdt.clock;

import java.util.Collection;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The set of dots a replica has seen, stored compactly: a {@link VersionVector} for each replica's contiguous prefix
 * plus a "dot cloud" of the dots seen out of order. Every instance is fully compacted (no cloud dot is covered by or
 * adjacent to the vector), so two contexts holding the same dots are equal and encode to the same bytes. Once the gaps
 * fill, the cloud shrinks back to nothing: a replica that has seen everything carries one counter per replica.
 *
 * <p>Immutable; every operation returns a new context.
 */
public final class CausalContext {
    /** Out-of-order dots a context may hold; more means a peer skipped far ahead, which we treat as corrupt input. */
    public static final int CLOUD_DOTS_MAX = 65_536;

    private static final CausalContext EMPTY = new CausalContext(VersionVector.empty(), new TreeSet<>());

    private final VersionVector compact;
    private final NavigableSet<Dot> cloud;

    private CausalContext(VersionVector compact, NavigableSet<Dot> cloud) {
        this.compact = compact;
        this.cloud = cloud;
    }

    public static CausalContext empty() {
        return EMPTY;
    }

    /** The context holding every dot of {@code vector} and every dot of {@code dots}, compacted. */
    public static CausalContext of(VersionVector vector, Collection<Dot> dots) {
        TreeMap<Long, Long> counters = new TreeMap<>(vector.counters());
        TreeSet<Dot> cloud = new TreeSet<>();
        // Sorted by replica then counter, so one pass folds every run that continues a prefix into the vector: a dot
        // kept in the cloud is followed only by larger counters of its replica, which cannot close its gap.
        for (Dot dot : new TreeSet<>(dots)) {
            long seen = counters.getOrDefault(dot.replica(), 0L);
            if (dot.counter() == seen + 1) {
                counters.put(dot.replica(), dot.counter());
            } else if (dot.counter() > seen) {
                cloud.add(dot);
            }
        }
        if (cloud.size() > CLOUD_DOTS_MAX) {
            throw new IllegalStateException("more than " + CLOUD_DOTS_MAX + " out-of-order dots");
        }
        return new CausalContext(VersionVector.of(counters), cloud);
    }

    public static CausalContext of(VersionVector vector) {
        return of(vector, Collections.emptyList());
    }

    public boolean contains(Dot dot) {
        return compact.contains(dot) || cloud.contains(dot);
    }

    /** The contiguous prefix of each replica's dots. */
    public VersionVector versionVector() {
        return compact;
    }

    /** Dots seen out of order, sorted, unmodifiable; empty once every gap has filled. */
    public NavigableSet<Dot> cloud() {
        return Collections.unmodifiableNavigableSet(cloud);
    }

    /** The largest counter seen for {@code replica}, in the prefix or the cloud; 0 when none. */
    public long max(long replica) {
        Dot last = cloud.floor(new Dot(replica, Long.MAX_VALUE));
        long fromCloud = last != null && last.replica() == replica ? last.counter() : 0;
        return Math.max(compact.get(replica), fromCloud);
    }

    /** The dot a local event of {@code replica} takes next: one past every counter seen for it. */
    public Dot next(long replica) {
        return new Dot(replica, max(replica) + 1);
    }

    public CausalContext add(Dot dot) {
        if (contains(dot)) {
            return this;
        }
        TreeSet<Dot> dots = new TreeSet<>(cloud);
        dots.add(dot);
        return of(compact, dots);
    }

    public CausalContext addAll(Collection<Dot> dots) {
        TreeSet<Dot> all = new TreeSet<>(cloud);
        all.addAll(dots);
        return of(compact, all);
    }

    /** The union: every dot either context has seen. */
    public CausalContext merge(CausalContext other) {
        if (other.equals(EMPTY)) {
            return this;
        }
        TreeSet<Dot> dots = new TreeSet<>(cloud);
        dots.addAll(other.cloud);
        return of(compact.merge(other.compact), dots);
    }

    /** True when this context has seen every dot {@code other} has seen. */
    public boolean dominates(CausalContext other) {
        if (!compact.dominates(other.compact)) {
            // A counter of the other's prefix beyond ours can only be covered if our cloud has every missing dot.
            for (var entry : other.compact.counters().entrySet()) {
                for (long counter = compact.get(entry.getKey()) + 1; counter <= entry.getValue(); counter++) {
                    if (!cloud.contains(new Dot(entry.getKey(), counter))) {
                        return false;
                    }
                }
            }
        }
        for (Dot dot : other.cloud) {
            if (!contains(dot)) {
                return false;
            }
        }
        return true;
    }

    /** Total number of dots stored explicitly (the cloud), the context's only part that grows with gaps. */
    public int cloudSize() {
        return cloud.size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CausalContext context && compact.equals(context.compact) && cloud.equals(context.cloud);
    }

    @Override
    public int hashCode() {
        return Objects.hash(compact, cloud);
    }

    @Override
    public String toString() {
        return "CausalContext{" + compact.counters() + ", cloud=" + cloud + '}';
    }
}
