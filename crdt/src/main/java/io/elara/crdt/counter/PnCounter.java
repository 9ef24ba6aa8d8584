package io.elara.crdt.counter;

import io.elara.crdt.clock.VersionVector;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A positive-negative counter: per replica, the total of its increments and the total of its decrements, both only
 * growing; merge takes the larger of each. The value is the sum of increments minus the sum of decrements.
 *
 * <p>Immutable; mutators return a one-replica delta to merge into the state. At most
 * {@link VersionVector#REPLICAS_MAX} replicas; each total is at most {@link #TOTAL_MAX}, so a replica's progress
 * (increments plus decrements, its {@link #digest} entry) always fits a long, even after merging totals from
 * different writers; going beyond is refused.
 */
public final class PnCounter {
    /** Largest increment or decrement total of one replica: half the long range, so their sum cannot overflow. */
    public static final long TOTAL_MAX = Long.MAX_VALUE / 2;

    /** One replica's totals, each from 0 to {@link #TOTAL_MAX}. */
    public record Totals(long increments, long decrements) {
        public Totals {
            if (increments < 0 || decrements < 0) {
                throw new IllegalArgumentException("totals only grow from 0: " + increments + ", " + decrements);
            }
            if (increments > TOTAL_MAX || decrements > TOTAL_MAX) {
                throw new IllegalArgumentException(
                        "a total beyond " + TOTAL_MAX + ": " + increments + ", " + decrements);
            }
        }

        /** True for a replica that has neither added nor subtracted anything: the same as no entry. */
        public boolean isZero() {
            return increments == 0 && decrements == 0;
        }

        Totals max(Totals other) {
            return new Totals(Math.max(increments, other.increments), Math.max(decrements, other.decrements));
        }
    }

    private static final PnCounter EMPTY = new PnCounter(new TreeMap<>());

    private final NavigableMap<Long, Totals> totals;

    private PnCounter(NavigableMap<Long, Totals> totals) {
        this.totals = totals;
    }

    public static PnCounter empty() {
        return EMPTY;
    }

    /**
     * A counter with these totals. A replica whose totals are both 0 is the same as an absent one and is left out, so
     * that equal counters have equal maps (and equal encodings).
     */
    public static PnCounter of(Map<Long, Totals> totals) {
        if (totals.size() > VersionVector.REPLICAS_MAX) {
            throw new IllegalArgumentException("more than " + VersionVector.REPLICAS_MAX + " replicas");
        }
        TreeMap<Long, Totals> held = new TreeMap<>(totals);
        held.values().removeIf(Totals::isZero);
        return new PnCounter(held);
    }

    /** The delta of adding {@code amount} (not negative) on {@code replica}. */
    public PnCounter increment(long replica, long amount) {
        Totals current = totalsOf(replica);
        return single(
                replica, new Totals(Math.addExact(current.increments(), checkAmount(amount)), current.decrements()));
    }

    /** The delta of subtracting {@code amount} (not negative) on {@code replica}. */
    public PnCounter decrement(long replica, long amount) {
        Totals current = totalsOf(replica);
        return single(
                replica, new Totals(current.increments(), Math.addExact(current.decrements(), checkAmount(amount))));
    }

    /** Sum of increments minus sum of decrements, wrapping like {@code long} arithmetic. */
    public long value() {
        long value = 0;
        for (Totals replicaTotals : totals.values()) {
            value += replicaTotals.increments() - replicaTotals.decrements();
        }
        return value;
    }

    /** Replica → totals, in replica order, unmodifiable. */
    public NavigableMap<Long, Totals> totals() {
        return Collections.unmodifiableNavigableMap(totals);
    }

    public Totals totalsOf(long replica) {
        return totals.getOrDefault(replica, new Totals(0, 0));
    }

    /**
     * What this counter knows, as replica → number of operations' worth of progress (increments plus decrements).
     * Both totals only grow, so a larger digest entry means newer totals.
     */
    public VersionVector digest() {
        TreeMap<Long, Long> progress = new TreeMap<>();
        totals.forEach((replica, replicaTotals) ->
                progress.put(replica, Math.addExact(replicaTotals.increments(), replicaTotals.decrements())));
        return VersionVector.of(progress);
    }

    /** The totals {@code seen} (another replica's {@link #digest}) lacks: the delta that brings it up to date. */
    public PnCounter deltaSince(VersionVector seen) {
        TreeMap<Long, Totals> newer = new TreeMap<>();
        totals.forEach((replica, replicaTotals) -> {
            if (replicaTotals.increments() + replicaTotals.decrements() > seen.get(replica)) {
                newer.put(replica, replicaTotals);
            }
        });
        return new PnCounter(newer);
    }

    public PnCounter merge(PnCounter other) {
        if (other.totals.isEmpty()) {
            return this;
        }
        TreeMap<Long, Totals> merged = new TreeMap<>(totals);
        other.totals.forEach((replica, replicaTotals) -> merged.merge(replica, replicaTotals, Totals::max));
        if (merged.size() > VersionVector.REPLICAS_MAX) {
            throw new IllegalStateException("more than " + VersionVector.REPLICAS_MAX + " replicas after merge");
        }
        return new PnCounter(merged);
    }

    private static PnCounter single(long replica, Totals replicaTotals) {
        if (replicaTotals.isZero()) {
            return EMPTY; // adding 0 changes nothing, and an entry of zeros would make equal counters differ
        }
        TreeMap<Long, Totals> one = new TreeMap<>();
        one.put(replica, replicaTotals);
        return new PnCounter(one);
    }

    private static long checkAmount(long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amount);
        }
        return amount;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PnCounter counter && totals.equals(counter.totals);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(totals);
    }

    @Override
    public String toString() {
        return "PnCounter" + totals;
    }
}
