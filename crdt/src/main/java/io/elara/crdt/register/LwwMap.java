package io.elara.crdt.register;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A map whose every key is a {@link LwwRegister}. A delete is a write of "no value" (a tombstone) so it can win over an
 * older concurrent put; tombstones therefore stay in the state. The bound: one entry per key ever written, live or
 * deleted, at most {@link #KEYS_MAX}. {@link #pruneTombstones} reclaims tombstones once they are causally stable.
 *
 * <p>Immutable; mutators return a one-key delta to merge into the state.
 *
 * @param <K> key type, immutable with value equality
 * @param <V> value type, immutable
 */
public final class LwwMap<K, V> {
    /** Keys, live or deleted, a map may hold. */
    public static final int KEYS_MAX = 65_536;

    private static final LwwMap<Object, Object> EMPTY = new LwwMap<>(Map.of());

    private final Map<K, LwwRegister<V>> entries;

    private LwwMap(Map<K, LwwRegister<V>> entries) {
        this.entries = entries;
    }

    @SuppressWarnings("unchecked") // Holds no entry, so it serves every key and value type.
    public static <K, V> LwwMap<K, V> empty() {
        return (LwwMap<K, V>) EMPTY;
    }

    /** A map from key → register (tombstones included). */
    public static <K, V> LwwMap<K, V> of(Map<K, LwwRegister<V>> entries) {
        if (entries.size() > KEYS_MAX) {
            throw new IllegalArgumentException("more than " + KEYS_MAX + " keys");
        }
        return new LwwMap<>(Collections.unmodifiableMap(new HashMap<>(entries)));
    }

    /** The delta of putting {@code key → value} at (hlc, replica). */
    public LwwMap<K, V> put(K key, V value, long hlc, long replica) {
        return new LwwMap<>(Map.of(key, LwwRegister.<V>empty().set(value, hlc, replica)));
    }

    /** The delta of deleting {@code key} at (hlc, replica): a tombstone. */
    public LwwMap<K, V> remove(K key, long hlc, long replica) {
        return new LwwMap<>(Map.of(key, LwwRegister.<V>empty().clear(hlc, replica)));
    }

    public Optional<V> get(K key) {
        LwwRegister<V> register = entries.get(key);
        return register == null ? Optional.empty() : register.value();
    }

    /** Live key → value pairs. */
    public Map<K, V> asMap() {
        Map<K, V> live = new LinkedHashMap<>();
        entries.forEach((key, register) -> register.value().ifPresent(value -> live.put(key, value)));
        return live;
    }

    /** Every key's register, tombstones included, unmodifiable. */
    public Map<K, LwwRegister<V>> entries() {
        return entries;
    }

    public int tombstoneCount() {
        return (int) entries.values().stream()
                .filter(register -> register.value().isEmpty())
                .count();
    }

    /** Per key, the later write. */
    public LwwMap<K, V> merge(LwwMap<K, V> other) {
        if (other.entries.isEmpty()) {
            return this;
        }
        Map<K, LwwRegister<V>> merged = new HashMap<>(entries);
        other.entries.forEach((key, register) -> merged.merge(key, register, LwwRegister::merge));
        if (merged.size() > KEYS_MAX) {
            throw new IllegalStateException("more than " + KEYS_MAX + " keys after merge");
        }
        return new LwwMap<>(Collections.unmodifiableMap(merged));
    }

    /**
     * This map without the tombstones older than {@code stableHlc}. Only safe once every replica has seen every write
     * before {@code stableHlc} (causal stability, e.g. the minimum of all members' acknowledged HLCs); pruning earlier
     * could let a delayed older put resurrect the key.
     */
    public LwwMap<K, V> pruneTombstones(long stableHlc) {
        Map<K, LwwRegister<V>> kept = new HashMap<>();
        entries.forEach((key, register) -> {
            if (register.value().isPresent() || Long.compareUnsigned(register.hlc(), stableHlc) >= 0) {
                kept.put(key, register);
            }
        });
        return new LwwMap<>(Collections.unmodifiableMap(kept));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LwwMap<?, ?> map && entries.equals(map.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(entries);
    }

    @Override
    public String toString() {
        return "LwwMap" + entries;
    }
}
