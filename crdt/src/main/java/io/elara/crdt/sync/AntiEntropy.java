package io.elara.crdt.sync;

import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.DotStore;
import io.elara.crdt.counter.PnCounter;
import io.elara.crdt.register.MvRegister;
import io.elara.crdt.sequence.ChatLog;
import io.elara.crdt.set.OrSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Given the other side's digest, the delta that brings it up to date with this replica. Merging the returned delta
 * into the other side's state yields the join of both states, as a full-state exchange would.
 *
 * <ul>
 *   <li>Chat log: exactly the entries whose ids the other side has not seen.
 *   <li>PN-counter: the totals of the replicas whose progress the other side lacks ({@link PnCounter#deltaSince}).
 *   <li>OR-Set and multi-value register: nothing when the digests match; otherwise the full state, which has no
 *       tombstones and so is the size of the live data plus one counter per replica. A smaller delta would need the
 *       dots the other side holds live, which is what the state itself carries.
 * </ul>
 */
public final class AntiEntropy {
    private AntiEntropy() {}

    public static ChatLog deltaFor(ChatLog mine, Digest theirs) {
        return mine.deltaSince(theirs.seen());
    }

    public static <E> OrSet<E> deltaFor(OrSet<E> mine, Digest theirs) {
        return needsState(mine.store(), theirs) ? mine : OrSet.empty();
    }

    public static <T> MvRegister<T> deltaFor(MvRegister<T> mine, Digest theirs) {
        return needsState(mine.store(), theirs) ? mine : MvRegister.empty();
    }

    /**
     * False when the other side has already seen every dot here and holds live exactly the dots live here that it has
     * seen: then the state teaches it nothing.
     */
    private static boolean needsState(DotStore<?> store, Digest theirs) {
        if (!theirs.seen().dominates(store.context())) {
            return true;
        }
        List<Dot> liveHere = new ArrayList<>(store.entries().keySet());
        return Digest.fingerprint(liveHere) != theirs.liveFingerprint();
    }
}
