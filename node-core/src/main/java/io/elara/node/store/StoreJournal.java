package io.elara.node.store;

import io.elara.crypto.identity.NodeId;
import io.elara.node.EventJournal;
import io.elara.node.channel.OfferResult;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.SessionId;
import io.elara.node.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link EventJournal} on its SQLite database: events appended on the loop thread are gathered and written
 * by the {@link StoreWriter}'s thread, one transaction for all that waits; a commit point ({@link #whenCommitted})
 * rides on the write of everything appended before it, so its callback means those events are on disk. Loop thread
 * only, apart from the writer's own thread.
 *
 * <p>When a write fails (the disk is full, the database broke), the journal refuses appends, so the node refuses new
 * sends with the reason and counts received events as {@code store_failed}; every {@link #RETRY_NS} it lets one
 * append through to find out whether the disk has room again, and a successful write clears the failure.
 *
 * <p>A delivery reported while no write is under way is written at once; those reported while one is under way go
 * together when it returns. So a mailbox that drains (acknowledgements, no new events) empties on disk too, in few
 * writes, without waiting for the next event or mailbox read to carry the removals.
 *
 * <p>An own event's mailbox entries are written only once it has waited {@link #MAILBOX_DEFER_NS} without every
 * destination reporting it stored: on a working link the reports come within round trips, and the entry would be
 * inserted and deleted again for nothing (with its indexes and the mailbox's count, that was most of a sender's disk
 * work). Until then the event's row keeps its destinations, and each write notes the oldest own event whose entries
 * are not written ({@link NodeStore#deferMailbox}); a start after a crash queues that event and every own event after
 * it for their destinations ({@link NodeStore#recoverDeferredMailbox}). A crash so costs a copy of up to a few
 * seconds of sends to peers that may have them already (they recognise the ids), never a lost entry.
 */
public final class StoreJournal implements EventJournal {
    private static final Logger LOG = LoggerFactory.getLogger(StoreJournal.class);

    /** How long a failed journal refuses appends before it tries a write again. */
    static final long RETRY_NS = TimeUnit.SECONDS.toNanos(5);
    /** Appended events written in one operation at most, even before a commit point asks for them. */
    static final int PENDING_MAX = 512;
    /** Mailbox entries at most: beyond, a send is refused (the mailbox is full) rather than kept without bound. */
    static final int MAILBOX_ENTRIES_MAX = 100_000;
    /** How long an undelivered message waits in the mailbox: a week. */
    public static final long MAILBOX_KEEP_MS = TimeUnit.DAYS.toMillis(7);
    /** How long an own event waits for its destinations' reports before its mailbox entries are written. */
    public static final long MAILBOX_DEFER_NS = TimeUnit.SECONDS.toNanos(2);

    private final StoreWriter writer;
    private final Clock clock;
    private final long deferNs;
    private List<StoredEvent> pending = new ArrayList<>();
    /** Mailbox entries to remove: their destination reported the event stored. */
    private List<MailboxEntry> delivered = new ArrayList<>();
    /**
     * Own events whose mailbox entries are not written (yet), in the order they were appended, with the destinations
     * that have not reported them stored. An event leaves when the last of those reports, or when its entries are
     * written ({@link #submit}), after {@link #deferNs}.
     */
    private final java.util.LinkedHashMap<EventId, Unreported> unreported = new java.util.LinkedHashMap<>();

    /** An own event waiting for reports, and since when (the loop's clock). */
    private static final class Unreported {
        final EventId id;
        final List<String> destinations;
        final long appendedNs;

        Unreported(EventId id, List<String> destinations, long appendedNs) {
            this.id = id;
            this.destinations = destinations;
            this.appendedNs = appendedNs;
        }
    }

    /** What a write did with the mailbox entries it was given: how many events' entries it wrote, and why it stopped. */
    private record Spilled(int events, String full, long mailboxDepth) {}

    private long mailboxDepth = -1;

    @Override
    public long mailboxDepth() {
        return mailboxDepth;
    }

    @Override
    public int writesPending() {
        return writesUnderWay;
    }

    /** Deliveries reported while a mailbox read is under way: the read may still list them. */
    private final java.util.Set<String> deliveredSinceRead = new java.util.HashSet<>();

    private int readsUnderWay;
    /** Writes handed to the writer whose outcome has not come back yet. */
    private int writesUnderWay;
    /** Commit points waiting for the write under way (group commit) or refused by a full writer queue: they ride on the next write. */
    private final List<Committed> deferred = new ArrayList<>();

    private String failure;
    private long failedAtNs;
    private long writes;
    private long failedWrites;

    public StoreJournal(StoreWriter writer, Clock clock) {
        this(writer, clock, MAILBOX_DEFER_NS);
    }

    /** With mailbox entries deferred {@code deferNs} (0: written with their event). */
    public StoreJournal(StoreWriter writer, Clock clock, long deferNs) {
        this.writer = writer;
        this.clock = clock;
        this.deferNs = deferNs;
    }

    @Override
    public boolean append(Event event, boolean local, String receivedFrom) {
        return append(new StoredEvent(event, local, receivedFrom));
    }

    private boolean append(StoredEvent stored) {
        if (failure != null && clock.nowNs() - failedAtNs < RETRY_NS) {
            return false;
        }
        pending.add(stored);
        if (pending.size() >= PENDING_MAX) {
            submit(null);
        }
        return true;
    }

    @Override
    public boolean appendOutgoing(Event event, List<String> destinations) {
        if (!append(new StoredEvent(event, true, null, destinations))) {
            return false;
        }
        if (!destinations.isEmpty()) {
            unreported.put(event.id(), new Unreported(event.id(), new ArrayList<>(destinations), clock.nowNs()));
        }
        return true;
    }

    @Override
    public void delivered(EventId id, String destination) {
        Unreported waiting = unreported.get(id);
        if (waiting != null) {
            // Its entries are not written: nothing to remove on disk.
            waiting.destinations.remove(destination);
            if (waiting.destinations.isEmpty()) {
                unreported.remove(id);
            }
            return;
        }
        delivered.add(new MailboxEntry(id, destination, 0, 0, 0, 0, 0));
        if (readsUnderWay > 0) {
            deliveredSinceRead.add(key(id, destination));
        }
        if (writesUnderWay == 0) {
            // Nothing else would carry the removal soon (a drained mailbox brings acknowledgements, no new events): it
            // goes now, and the removals that arrive while this write runs go together when it returns.
            submit(null);
        }
    }

    @Override
    public void undelivered(int limit, java.util.function.Consumer<List<Undelivered>> then) {
        // Removals the loop already knows of go first, so the read does not see entries delivered long ago; those
        // delivered while the read is under way are filtered out when it returns.
        submit(null);
        deliveredSinceRead.clear();
        readsUnderWay++;
        // Entries past their expiry (MAILBOX_KEEP_MS after they were queued) become dead letters first: they are
        // not sent again, and the dead_letter table says why.
        long nowMs = clock.nowNs() / 1_000_000L;
        OfferResult expiring = writer.submit(store -> store.mailboxExpire(nowMs), (moved, problem) -> {
            if (problem != null) {
                LOG.warn("could not expire old mailbox entries: {}", problem.getMessage());
            } else if (moved != null && moved > 0) {
                expired += moved;
                LOG.info(
                        "{} mailbox entries expired undelivered after {} days; they are in the dead letters",
                        moved,
                        TimeUnit.MILLISECONDS.toDays(MAILBOX_KEEP_MS));
            }
        });
        if (!expiring.accepted()) {
            LOG.debug("mailbox expiry skipped: the store's queue is {}", expiring);
        }
        writer.submit(store -> store.undelivered(limit), (entries, problem) -> {
            readsUnderWay--;
            if (problem == null) {
                List<Undelivered> still = new ArrayList<>(entries.size());
                for (Undelivered entry : entries) {
                    if (!deliveredSinceRead.contains(key(entry.event().id(), entry.destination()))) {
                        still.add(entry);
                    }
                }
                then.accept(still);
            }
            if (readsUnderWay == 0) {
                deliveredSinceRead.clear();
            }
        });
    }

    /**
     * Writes the mailbox entries of the own events that waited {@link #deferNs} for their reports: called by the node's
     * loop on every pass, so that entries are written in time even when nothing else is.
     */
    @Override
    public void tick(long nowNs) {
        if (writesUnderWay == 0 && !unreported.isEmpty()) {
            Unreported oldest = unreported.values().iterator().next();
            if (nowNs - oldest.appendedNs >= deferNs) {
                submit(null);
            }
        }
    }

    private static String key(EventId id, String destination) {
        return id + " " + destination;
    }

    @Override
    public void numbered(
            SessionId session,
            List<io.elara.crdt.sync.DotRange> ranges,
            int limit,
            java.util.function.Consumer<List<Event>> then) {
        submit(null); // what the loop appended goes first, so the read sees it
        OfferResult offered = writer.submit(store -> store.numbered(session, ranges, limit), (events, problem) -> {
            if (problem != null) {
                LOG.warn("could not read the events a member lacks: {}", problem.getMessage());
            } else {
                then.accept(events);
            }
        });
        if (!offered.accepted()) {
            LOG.debug("read for a member skipped: the store's queue is {}", offered);
        }
    }

    @Override
    public void saveSession(SessionId session, String name, long version, byte[] state) {
        submit(null); // the events before it go first
        SessionSnapshot snapshot = new SessionSnapshot(session, name, version, state, clock.nowNs() / 1_000_000L);
        OfferResult offered = writer.submit(store -> store.putSnapshot(snapshot), (kept, problem) -> {
            if (problem != null) {
                LOG.warn("could not keep the state of session '{}': {}", name, problem.getMessage());
            }
        });
        if (!offered.accepted()) {
            LOG.warn("could not keep the state of session '{}': the store's queue is {}", name, offered);
        }
    }

    @Override
    public void savePeer(NodeId node, String name, String address) {
        KnownPeer peer = new KnownPeer(node, name, address, clock.nowNs() / 1_000_000L);
        OfferResult offered = writer.submit(
                store -> {
                    store.upsertPeer(peer);
                    return null;
                },
                (done, problem) -> {
                    if (problem != null) {
                        LOG.warn("could not keep peer '{}': {}", name, problem.getMessage());
                    }
                });
        if (!offered.accepted()) {
            LOG.warn("could not keep peer '{}': the store's queue is {}", name, offered);
        }
    }

    /**
     * Group commit: while a write is under way, a commit point waits, with what was appended before it, for that write
     * to return, and all that waited then goes as one write. A receiver asks for a commit point after every packet that
     * delivered events (its ACK's Stored Below follows the commits); one writer operation and one completion back on
     * the loop per packet cost more than the inserts themselves. A point waits at most one write longer than before.
     */
    @Override
    public void whenCommitted(Committed then) {
        if (writesUnderWay > 0) {
            deferred.add(then);
            return;
        }
        submit(then);
    }

    @Override
    public String failure() {
        if (failure != null && clock.nowNs() - failedAtNs >= RETRY_NS) {
            return null; // time to try again: the next write tells
        }
        return failure;
    }

    /** Mailbox entries that expired undelivered and became dead letters since start. */
    public long expired() {
        return expired;
    }

    private long expired;

    /** Writes that committed, and writes that failed: for status and tests. */
    public long writes() {
        return writes;
    }

    public long failedWrites() {
        return failedWrites;
    }

    /** Hands everything pending to the writer, with {@code then} (may be null) to be told when it is on disk. */
    private void submit(Committed then) {
        List<StoredEvent> batch = pending;
        pending = new ArrayList<>();
        List<MailboxEntry> toRemove = delivered;
        delivered = new ArrayList<>();
        List<Committed> waiting = new ArrayList<>(deferred);
        deferred.clear();
        if (then != null) {
            waiting.add(then);
        }
        long nowNs = clock.nowNs();
        long nowMs = nowNs / 1_000_000L; // the node's clock is wall time, kept monotonic
        // The own events that waited long enough have their entries written now; the oldest of the rest is noted, so
        // that a start after a crash knows from where entries may be missing.
        List<Unreported> toSpill = new ArrayList<>();
        for (java.util.Iterator<Unreported> it = unreported.values().iterator(); it.hasNext(); ) {
            Unreported next = it.next();
            if (nowNs - next.appendedNs < deferNs) {
                break;
            }
            toSpill.add(next);
            it.remove();
        }
        EventId oldestLeft =
                unreported.isEmpty() ? null : unreported.keySet().iterator().next();
        OfferResult offered = writer.submit(
                store -> {
                    if (!batch.isEmpty()) {
                        store.writeEvents(batch, nowMs);
                    }
                    int spilled = 0;
                    String full = null;
                    EventId oldest = oldestLeft;
                    for (Unreported entry : toSpill) {
                        try {
                            for (String destination : entry.destinations) {
                                store.mailboxAdd(
                                        MailboxEntry.queued(entry.id, destination, 0, nowMs, nowMs + MAILBOX_KEEP_MS),
                                        MAILBOX_ENTRIES_MAX);
                            }
                        } catch (MailboxFullException e) {
                            // This event's entries and those after it stay deferred, and the mark stays on them.
                            full = e.getMessage();
                            oldest = entry.id;
                            break;
                        }
                        spilled++;
                    }
                    if (spilled > 0 || !batch.isEmpty() || full != null) {
                        store.deferMailbox(oldest);
                    }
                    for (MailboxEntry entry : toRemove) {
                        store.mailboxAck(entry.eventId(), entry.destination());
                    }
                    // One row kept by triggers: the depth for status and metrics, at the cost of a lookup per write.
                    return new Spilled(spilled, full, store.mailboxSize());
                },
                (outcome, problem) -> committed(waiting, batch, toSpill, outcome, problem));
        if (offered.accepted()) {
            writesUnderWay++;
        } else {
            // The writer is far behind: keep the events, the entries and the commit points for the next write.
            batch.addAll(pending);
            pending = batch;
            toRemove.addAll(delivered);
            delivered = toRemove;
            deferred.addAll(waiting);
            restore(toSpill);
        }
    }

    /** Puts {@code entries}, taken from the front of {@link #unreported}, back in front of it. */
    private void restore(List<Unreported> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Unreported> rest = new ArrayList<>(unreported.values());
        unreported.clear();
        for (Unreported entry : entries) {
            unreported.put(entry.id, entry);
        }
        for (Unreported entry : rest) {
            unreported.put(entry.id, entry);
        }
    }

    /** On the loop thread, after the writer ran a write: records the outcome and reaches its commit points. */
    private void committed(
            List<Committed> waiting,
            List<StoredEvent> batch,
            List<Unreported> toSpill,
            Spilled outcome,
            Exception problem) {
        writesUnderWay--;
        long nowNs = clock.nowNs();
        if (problem == null) {
            writes++;
            failure = outcome.full();
            mailboxDepth = outcome.mailboxDepth();
            if (failure != null) {
                // The events are stored; the entries that did not fit wait, and new sends are refused for a while.
                failedAtNs = nowNs;
                restore(toSpill.subList(outcome.events(), toSpill.size()));
            }
        } else {
            failedWrites++;
            failure = problem.getMessage();
            failedAtNs = nowNs;
            // Nothing was written: the events of this batch were not stored (their sends fail with the commit point),
            // and the entries that were to be written wait for the next write.
            for (StoredEvent stored : batch) {
                if (stored.local()) {
                    unreported.remove(stored.event().id());
                }
            }
            restore(toSpill);
        }
        for (Committed point : waiting) {
            point.committed(problem == null, nowNs);
        }
        if (writesUnderWay == 0 && (!delivered.isEmpty() || !deferred.isEmpty())) {
            // The removals and the commit points (with the events appended before them) that came in while this write
            // ran go together now.
            submit(null);
        }
    }
}
