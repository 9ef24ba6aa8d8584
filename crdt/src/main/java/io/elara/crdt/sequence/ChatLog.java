package io.elara.crdt.sequence;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A session's chat log: a grow-only sequence of {@link ChatLogEntry entries} ordered by (HLC, author, sequence). Every
 * replica holding the same entries shows them in the same order, whatever order they arrived in. An append returns a
 * delta (a log holding just the new entry); merge adds the entries not yet present, so it is idempotent, commutative and
 * associative. The log also keeps the causal context of its entries' ids, the digest anti-entropy compares.
 *
 * <p>Mutable and owned by one thread (the node's loop): append and merge cost O(log n) per entry, and the newest
 * entries are read from the tail in O(k). A delta handed to another replica must not be mutated afterwards; use
 * {@link #copy()} when in doubt. Entry ids must be unique: an author never reuses a sequence number.
 */
public final class ChatLog {
    /** Largest payload of one entry, in bytes. */
    public static final int PAYLOAD_LENGTH_MAX = 65_536;

    private final TreeSet<ChatLogEntry> entries = new TreeSet<>(ChatLogEntry.ORDER);
    private CausalContext ids = CausalContext.empty();

    public ChatLog() {}

    /** A log holding {@code entries}; a repeated id keeps the first occurrence. */
    public static ChatLog of(Collection<ChatLogEntry> entries) {
        ChatLog log = new ChatLog();
        log.addAll(entries);
        return log;
    }

    /**
     * Appends an entry by {@code author} at HLC {@code hlc}, with the author's next sequence number, and returns the
     * delta to send to the other replicas.
     */
    public ChatLog append(long author, long hlc, byte[] payload) {
        ChatLogEntry entry = new ChatLogEntry(author, ids.max(author) + 1, hlc, payload);
        entries.add(entry);
        ids = ids.add(entry.id());
        return of(List.of(entry));
    }

    /** Adds the entries of {@code other} not yet here; returns how many were new. {@code other} is not changed. */
    public int merge(ChatLog other) {
        return addAll(other.entries);
    }

    private int addAll(Collection<ChatLogEntry> incoming) {
        // A set, not a list: a delta of n entries must cost O(n log n), not O(n^2) (a forged one holds up to 2^20).
        Set<Dot> added = new HashSet<>();
        for (ChatLogEntry entry : incoming) {
            if (!ids.contains(entry.id()) && added.add(entry.id())) {
                entries.add(entry);
            }
        }
        if (!added.isEmpty()) {
            ids = ids.addAll(added);
        }
        return added.size();
    }

    /** The entries {@code seen} (another replica's digest) lacks, as a delta. */
    public ChatLog deltaSince(CausalContext seen) {
        ChatLog delta = new ChatLog();
        List<ChatLogEntry> missing = new ArrayList<>();
        for (ChatLogEntry entry : entries) {
            if (!seen.contains(entry.id())) {
                missing.add(entry);
            }
        }
        delta.addAll(missing);
        return delta;
    }

    /** The last {@code count} entries (fewer when the log is shorter), oldest first. */
    public List<ChatLogEntry> tail(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative count: " + count);
        }
        List<ChatLogEntry> tail = new ArrayList<>(Math.min(count, entries.size()));
        Iterator<ChatLogEntry> newestFirst = entries.descendingIterator();
        while (tail.size() < count && newestFirst.hasNext()) {
            tail.add(newestFirst.next());
        }
        Collections.reverse(tail);
        return tail;
    }

    /** The entries after {@code entry} in log order, as a live read-only view. */
    public NavigableSet<ChatLogEntry> after(ChatLogEntry entry) {
        return Collections.unmodifiableNavigableSet(entries.tailSet(entry, false));
    }

    /** Every entry in log order, as a live read-only view. */
    public NavigableSet<ChatLogEntry> entries() {
        return Collections.unmodifiableNavigableSet(entries);
    }

    /** The ids of every entry held: what this replica has, for anti-entropy. */
    public CausalContext ids() {
        return ids;
    }

    public int size() {
        return entries.size();
    }

    /** An independent copy. */
    public ChatLog copy() {
        ChatLog copy = new ChatLog();
        copy.entries.addAll(entries);
        copy.ids = ids;
        return copy;
    }

    @Override
    public String toString() {
        return "ChatLog{" + entries.size() + " entries, " + ids + '}';
    }
}
