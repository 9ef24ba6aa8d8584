package io.elara.crdt.clock;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The kernel of the dot-based CRDTs (Almeida, Shoker and Baquero, "Delta State Replicated Data Types", 2018): live
 * values, each tagged with the dot of the event that wrote it, plus the causal context of every dot ever seen. A dot in
 * the context but absent from the entries was removed (or overwritten); that is why removes need no tombstones.
 *
 * <p>Joining two stores keeps an entry when both have it, or when the other side has never seen its dot. The join is
 * idempotent, commutative and associative. Immutable; values must be immutable too (or never mutated once stored).
 *
 * @param <V> the value type, compared with {@code equals}
 */
public final class DotStore<V> {
    private static final DotStore<Object> EMPTY = new DotStore<>(new TreeMap<>(), CausalContext.empty());

    private final NavigableMap<Dot, V> entries;
    private final CausalContext context;

    private DotStore(NavigableMap<Dot, V> entries, CausalContext context) {
        this.entries = entries;
        this.context = context;
    }

    @SuppressWarnings("unchecked") // The empty store holds no value, so it is one for every value type.
    public static <V> DotStore<V> empty() {
        return (DotStore<V>) EMPTY;
    }

    /**
     * A store from its parts.
     *
     * @throws IllegalArgumentException when an entry's dot is not in the context (decoders check this first)
     */
    public static <V> DotStore<V> of(Map<Dot, V> entries, CausalContext context) {
        TreeMap<Dot, V> copy = new TreeMap<>();
        entries.forEach((dot, value) -> {
            if (!context.contains(dot)) {
                throw new IllegalArgumentException("entry dot " + dot + " is outside the causal context");
            }
            copy.put(dot, Objects.requireNonNull(value, "value"));
        });
        return new DotStore<>(copy, context);
    }

    /** Live entries, dot → value, in dot order, unmodifiable. */
    public NavigableMap<Dot, V> entries() {
        return Collections.unmodifiableNavigableMap(entries);
    }

    public CausalContext context() {
        return context;
    }

    /** The join of two stores (see the class comment). */
    public DotStore<V> merge(DotStore<V> other) {
        TreeMap<Dot, V> joined = new TreeMap<>();
        entries.forEach((dot, value) -> {
            if (other.entries.containsKey(dot) || !other.context.contains(dot)) {
                joined.put(dot, value);
            }
        });
        other.entries.forEach((dot, value) -> {
            if (!context.contains(dot)) {
                joined.put(dot, value);
            }
        });
        return new DotStore<>(joined, context.merge(other.context));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DotStore<?> store && entries.equals(store.entries) && context.equals(store.context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, context);
    }

    @Override
    public String toString() {
        return "DotStore{" + entries + ", " + context + '}';
    }
}
