package io.elara.crdt.sync;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.DotStore;
import io.elara.crdt.sequence.ChatLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a replica has: the causal context of every event it has seen, and a fingerprint of the dots still live. The
 * context alone says which events the other side lacks; the fingerprint catches what the context cannot, a remove
 * applied on one side only (removes create no dots). For a grow-only log every seen dot is live, and the fingerprint
 * is 0. A digest costs one counter per replica once delivery has caught up.
 *
 * @param seen every dot the replica has seen
 * @param liveFingerprint an order-independent 64-bit hash of the live dots (sum of mixed dots)
 */
public record Digest(CausalContext seen, long liveFingerprint) {
    /** The digest of a chat log: its entry ids. */
    public static Digest of(ChatLog log) {
        return new Digest(log.ids(), 0);
    }

    /** The digest of a dot store (OR-Set, multi-value register). */
    public static Digest of(DotStore<?> store) {
        return new Digest(store.context(), fingerprint(store.entries().keySet()));
    }

    /** Order-independent hash of a set of dots; a sum, so it can be taken over any subset. */
    public static long fingerprint(Collection<Dot> dots) {
        long sum = 0;
        for (Dot dot : dots) {
            sum += mix(dot.replica() * 0x9E3779B97F4A7C15L + dot.counter());
        }
        return sum;
    }

    /** True when both sides have seen the same events and kept the same of them live. */
    public boolean inSyncWith(Digest other) {
        return seen.equals(other.seen) && liveFingerprint == other.liveFingerprint;
    }

    /**
     * The dots this side has seen and {@code other} has not, as ranges in replica then counter order. Its size is
     * bounded by the replicas plus both clouds, not by the number of missing dots.
     */
    public List<DotRange> missingFrom(Digest other) {
        List<DotRange> ranges = new ArrayList<>();
        CausalContext theirs = other.seen;
        for (Map.Entry<Long, Long> entry : seen.versionVector().counters().entrySet()) {
            long replica = entry.getKey();
            long start = theirs.versionVector().get(replica) + 1;
            long end = entry.getValue();
            if (start > end) {
                continue;
            }
            // Their out-of-order dots inside the gap split it.
            for (Dot held : theirs.cloud().subSet(new Dot(replica, start), true, new Dot(replica, end), true)) {
                if (held.counter() > start) {
                    ranges.add(new DotRange(replica, start, held.counter() - 1));
                }
                start = held.counter() + 1;
            }
            if (start <= end) {
                ranges.add(new DotRange(replica, start, end));
            }
        }
        for (Dot dot : seen.cloud()) {
            if (!theirs.contains(dot)) {
                DotRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && last.replica() == dot.replica() && last.last() + 1 == dot.counter()) {
                    ranges.set(ranges.size() - 1, new DotRange(dot.replica(), last.first(), dot.counter()));
                } else {
                    ranges.add(new DotRange(dot.replica(), dot.counter(), dot.counter()));
                }
            }
        }
        ranges.sort((left, right) -> left.replica() != right.replica()
                ? Long.compare(left.replica(), right.replica())
                : Long.compare(left.first(), right.first()));
        return ranges;
    }

    private static long mix(long value) {
        // SplitMix64's finaliser: every input bit affects every output bit.
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
