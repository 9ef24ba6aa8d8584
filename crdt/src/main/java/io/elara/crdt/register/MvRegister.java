package io.elara.crdt.register;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.DotStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A multi-value register: a write replaces every value its writer has seen, so concurrent writes all survive until a
 * later write (which has seen them) replaces them. Built on a {@link DotStore}: each value is tagged with the dot of
 * its write, and overwritten values leave only their dot in the causal context, so no tombstones accumulate.
 *
 * <p>Immutable; mutators return a delta to merge into the state.
 *
 * @param <T> value type, immutable
 */
public final class MvRegister<T> {
    private final DotStore<T> store;

    private MvRegister(DotStore<T> store) {
        this.store = store;
    }

    public static <T> MvRegister<T> empty() {
        return new MvRegister<>(DotStore.empty());
    }

    public static <T> MvRegister<T> of(DotStore<T> store) {
        return new MvRegister<>(store);
    }

    /** The delta of writing {@code value} on {@code replica}: a new dot for it, replacing every value seen. */
    public MvRegister<T> write(T value, long replica) {
        Dot dot = store.context().next(replica);
        CausalContext replaced =
                CausalContext.empty().addAll(store.entries().keySet()).add(dot);
        return new MvRegister<>(DotStore.of(Map.of(dot, Objects.requireNonNull(value, "value")), replaced));
    }

    /** The delta of clearing the register: every value seen is replaced by none. */
    public MvRegister<T> clear() {
        return new MvRegister<>(DotStore.of(
                Map.of(), CausalContext.empty().addAll(store.entries().keySet())));
    }

    /** The current values, one per concurrent write, in dot order. */
    public List<T> values() {
        return new ArrayList<>(store.entries().values());
    }

    public DotStore<T> store() {
        return store;
    }

    public MvRegister<T> merge(MvRegister<T> other) {
        return new MvRegister<>(store.merge(other.store));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MvRegister<?> register && store.equals(register.store);
    }

    @Override
    public int hashCode() {
        return store.hashCode();
    }

    @Override
    public String toString() {
        return "MvRegister" + store.entries().values();
    }
}
