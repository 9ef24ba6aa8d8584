package io.elara.crdt.sync;

import io.elara.crdt.codec.CrdtDecodeException;
import java.util.Random;

/** What the convergence simulation needs of a CRDT type. No method may modify its arguments. */
public interface ReplicatedType<S> {
    S empty();

    /** The delta of one random local operation on {@code state} by {@code replica} at {@code hlc}. */
    S randomDelta(S state, long replica, long hlc, Random random);

    S merge(S left, S right);

    byte[] encode(S state);

    S decode(byte[] bytes) throws CrdtDecodeException;

    /** The user-visible value, compared across converged replicas. */
    Object value(S state);
}
