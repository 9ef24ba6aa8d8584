package io.elara.crdt.register;

import java.util.Objects;
import java.util.Optional;

/**
 * A last-writer-wins register. Each write carries a timestamp: the writer's HLC (see {@code io.elara.crdt.clock.Hlc},
 * compared as an unsigned long) with the writer's replica id as tiebreak. The write with the larger timestamp wins.
 * A cleared register keeps its timestamp and no value, which is how {@link LwwMap} records deletes.
 *
 * <p>Immutable. Writers must never issue the same (HLC, replica) timestamp twice with different values;
 * {@code HlcClock} guarantees this for one replica, so merge is idempotent, commutative and associative.
 *
 * @param <T> the value type, immutable
 */
public final class LwwRegister<T> {
    private static final LwwRegister<Object> EMPTY = new LwwRegister<>(null, 0, 0);

    private final T value; // null when never written or cleared
    private final long hlc;
    private final long replica;

    private LwwRegister(T value, long hlc, long replica) {
        this.value = value;
        this.hlc = hlc;
        this.replica = replica;
    }

    /** The register before any write: timestamp (0, 0), which every write beats. */
    @SuppressWarnings("unchecked") // Holds no value, so it serves every value type.
    public static <T> LwwRegister<T> empty() {
        return (LwwRegister<T>) EMPTY;
    }

    /** A register holding {@code value} (or nothing, when {@code value} is empty) written at (hlc, replica). */
    public static <T> LwwRegister<T> of(Optional<T> value, long hlc, long replica) {
        return new LwwRegister<>(value.orElse(null), hlc, replica);
    }

    /** The delta of writing {@code value} at HLC {@code hlc} on {@code replica}; merge it into the state. */
    public LwwRegister<T> set(T value, long hlc, long replica) {
        return new LwwRegister<>(Objects.requireNonNull(value, "value"), checkHlc(hlc), replica);
    }

    /** The delta of clearing the register at HLC {@code hlc} on {@code replica}; merge it into the state. */
    public LwwRegister<T> clear(long hlc, long replica) {
        return new LwwRegister<>(null, checkHlc(hlc), replica);
    }

    public Optional<T> value() {
        return Optional.ofNullable(value);
    }

    public long hlc() {
        return hlc;
    }

    public long replica() {
        return replica;
    }

    /** True when this register's timestamp is later than {@code other}'s. */
    public boolean isNewerThan(LwwRegister<?> other) {
        int byTime = Long.compareUnsigned(hlc, other.hlc);
        return byTime != 0 ? byTime > 0 : Long.compare(replica, other.replica) > 0;
    }

    /** The later of the two writes. */
    public LwwRegister<T> merge(LwwRegister<T> other) {
        return other.isNewerThan(this) ? other : this;
    }

    private static long checkHlc(long hlc) {
        if (hlc == 0) {
            throw new IllegalArgumentException("HLC 0 is the empty register's; writes need a clock value");
        }
        return hlc;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LwwRegister<?> register
                && hlc == register.hlc
                && replica == register.replica
                && Objects.equals(value, register.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, hlc, replica);
    }

    @Override
    public String toString() {
        return "LwwRegister{" + value + " @" + Long.toUnsignedString(hlc) + "/" + replica + '}';
    }
}
