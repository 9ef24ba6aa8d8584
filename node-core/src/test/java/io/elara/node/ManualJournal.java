package io.elara.node;

import io.elara.node.event.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal whose commits happen when a test says so, standing in for the database's writer thread: appended events
 * wait in {@link #pending} until {@link #commit}, which makes them {@link #committed} and reaches the commit points
 * taken meanwhile, in order. {@link #fail} makes it refuse appends, as a full disk does.
 */
final class ManualJournal implements EventJournal {
    final List<Event> pending = new ArrayList<>();
    final List<Event> committed = new ArrayList<>();
    private final List<Committed> waiting = new ArrayList<>();
    private String failure;
    /** When set, every commit point is reached at once, on this clock: a journal whose disk is infinitely fast. */
    private java.util.function.LongSupplier autoCommit;

    @Override
    public boolean append(Event event, boolean local, String receivedFrom) {
        if (failure != null) {
            return false;
        }
        pending.add(event);
        return true;
    }

    @Override
    public void whenCommitted(Committed then) {
        waiting.add(then);
        if (autoCommit != null) {
            commit(autoCommit.getAsLong());
        }
    }

    /** From now on commits at once, reporting {@code clock}'s time. */
    void autoCommit(java.util.function.LongSupplier clock) {
        autoCommit = clock;
    }

    @Override
    public String failure() {
        return failure;
    }

    /** Commits everything appended so far and reports every commit point taken meanwhile. */
    void commit(long nowNs) {
        committed.addAll(pending);
        pending.clear();
        List<Committed> reached = new ArrayList<>(waiting);
        waiting.clear();
        for (Committed point : reached) {
            point.committed(true, nowNs);
        }
    }

    /** From now on appends are refused with {@code reason}; null makes it work again. */
    void fail(String reason) {
        failure = reason;
    }

    List<String> committedTexts() {
        return committed.stream().map(Event::text).toList();
    }
}
