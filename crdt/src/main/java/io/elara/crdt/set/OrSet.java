package io.elara.crdt.set;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.DotStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An add-wins observed-remove set, in its optimized form (Bieniusa et al. 2012; Almeida et al. 2018): each add tags the
 * element with a fresh dot; a remove drops the dots it has observed and records nothing but those dots in the causal
 * context. An add concurrent with a remove carries a dot the remover never saw, so the add wins. Removed elements
 * leave no tombstone: the metadata is the live entries plus the compacted causal context, one counter per replica once
 * delivery has caught up.
 *
 * <p>Immutable; mutators return a delta to merge into the state. Finding an element's dots scans the live entries, so
 * add and remove cost O(live entries): fit for membership-sized sets.
 *
 * @param <E> element type, immutable with value equality
 */
public final class OrSet<E> {
    private final DotStore<E> store;

    private OrSet(DotStore<E> store) {
        this.store = store;
    }

    public static <E> OrSet<E> empty() {
        return new OrSet<>(DotStore.empty());
    }

    public static <E> OrSet<E> of(DotStore<E> store) {
        return new OrSet<>(store);
    }

    /** The delta of adding {@code element} on {@code replica}; it also retires the element's older dots. */
    public OrSet<E> add(E element, long replica) {
        Dot dot = store.context().next(replica);
        CausalContext context = CausalContext.empty().addAll(dotsOf(element)).add(dot);
        return new OrSet<>(DotStore.of(Map.of(dot, Objects.requireNonNull(element, "element")), context));
    }

    /** The delta of removing {@code element}: the dots of it observed here, and no entry. */
    public OrSet<E> remove(E element) {
        return new OrSet<>(DotStore.of(Map.of(), CausalContext.empty().addAll(dotsOf(element))));
    }

    public boolean contains(E element) {
        return store.entries().containsValue(element);
    }

    /** The elements, in the order of their first dot. */
    public Set<E> elements() {
        return new LinkedHashSet<>(store.entries().values());
    }

    public DotStore<E> store() {
        return store;
    }

    public OrSet<E> merge(OrSet<E> other) {
        return new OrSet<>(store.merge(other.store));
    }

    private List<Dot> dotsOf(E element) {
        List<Dot> dots = new ArrayList<>();
        store.entries().forEach((dot, value) -> {
            if (value.equals(element)) {
                dots.add(dot);
            }
        });
        return dots;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OrSet<?> set && store.equals(set.store);
    }

    @Override
    public int hashCode() {
        return store.hashCode();
    }

    @Override
    public String toString() {
        return "OrSet" + elements();
    }
}
