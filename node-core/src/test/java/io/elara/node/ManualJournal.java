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

    /** This node's own events not yet reported stored, by destination: the mailbox. */
    final java.util.Map<String, java.util.LinkedHashMap<io.elara.node.event.EventId, Event>> mailbox =
            new java.util.TreeMap<>();

    @Override
    public boolean appendOutgoing(Event event, List<String> destinations) {
        if (!append(event, true, null)) {
            return false;
        }
        for (String destination : destinations) {
            mailbox.computeIfAbsent(destination, d -> new java.util.LinkedHashMap<>())
                    .put(event.id(), event);
        }
        return true;
    }

    @Override
    public void delivered(io.elara.node.event.EventId id, String destination) {
        java.util.Map<io.elara.node.event.EventId, Event> waiting = mailbox.get(destination);
        if (waiting != null) {
            waiting.remove(id);
        }
    }

    @Override
    public void undelivered(int limit, java.util.function.Consumer<List<Undelivered>> then) {
        List<Undelivered> entries = new ArrayList<>();
        mailbox.forEach(
                (destination, events) -> events.values().forEach(e -> entries.add(new Undelivered(e, destination))));
        then.accept(entries.subList(0, Math.min(limit, entries.size())));
    }

    /** Events waiting in the mailbox for {@code destination}. */
    int waitingFor(String destination) {
        java.util.Map<io.elara.node.event.EventId, Event> waiting = mailbox.get(destination);
        return waiting == null ? 0 : waiting.size();
    }

    @Override
    public void whenCommitted(Committed then) {
        waiting.add(then);
        if (autoCommit != null) {
            commit(autoCommit.getAsLong());
        }
    }

    /** The committed events of {@code session} in {@code ranges}: what the database returns. */
    @Override
    public void numbered(
            io.elara.node.event.SessionId session,
            List<io.elara.crdt.sync.DotRange> ranges,
            int limit,
            java.util.function.Consumer<List<Event>> then) {
        List<Event> found = new java.util.ArrayList<>();
        for (io.elara.crdt.sync.DotRange range : ranges) {
            committed.stream()
                    .filter(event -> event.session().equals(session)
                            && event.author().leadingLong() == range.replica()
                            && event.counter() >= range.first()
                            && event.counter() <= range.last())
                    .sorted(java.util.Comparator.comparingLong(Event::counter))
                    .forEach(found::add);
        }
        then.accept(found.size() > limit ? found.subList(0, limit) : found);
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
