package io.elara.crdt.sequence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A collaborative plain-text document: a sequence CRDT whose order is FugueMax (Weidner and Kleppmann, "The Art of the
 * Fugue", 2023) in its list form, so concurrent insertions at one place never interleave character by character.
 *
 * <p>Characters are kept in runs: consecutive characters inserted by one replica, each right after the previous one,
 * share one {@code Run} (an id range, two origins and a slice of that replica's character log). Deletion marks runs
 * as tombstones, splitting them where a range starts or ends inside. Runs live in blocks of at most
 * {@link #BLOCK_RUNS_MAX}, each caching its visible and total length, so a position is found by skipping whole blocks;
 * a per-replica tree from sequence number to run finds the run holding an id during remote merges.
 *
 * <p>Single-threaded and deterministic: no clocks, no randomness, no I/O. Not thread-safe; the owning loop calls it.
 */
public final class TextDocument {
    /** The largest sequence number a replica may use (sequence numbers index an in-memory character log). */
    public static final long SEQUENCE_MAX = Integer.MAX_VALUE - 16L;
    /** The most characters one run, one local edit or one deleted range may carry. */
    public static final int RUN_LENGTH_MAX = 1 << 24;
    /** The most characters (visible and deleted) one document may hold. */
    public static final long ITEMS_MAX = 1L << 28;
    /** The most inserted plus deleted characters buffered while waiting for their causal dependencies. */
    public static final long PENDING_ITEMS_MAX = 1L << 20;
    /** The most distinct replicas one document may know. */
    public static final int REPLICAS_MAX = 1 << 16;

    static final int BLOCK_RUNS_MAX = 128;

    private final long replicaId;
    private final ArrayList<Block> blocks = new ArrayList<>();
    private final HashMap<Long, ReplicaLog> replicas = new HashMap<>();
    private int visibleLength;
    private long totalItems;
    private final ArrayList<InsertedRun> pendingInserts = new ArrayList<>();
    private final ArrayList<DeletedRange> pendingDeletes = new ArrayList<>();
    private long pendingItems;
    /** Visible characters deleted by elided runs during the current merge. */
    private long drainDeleted;

    /** Scratch result of {@link #locateVisible}: the run holding a visible position and the offset inside it. */
    private Run foundRun;

    private int foundOffset;

    /** The run the last remote integration created or grew: the usual left origin of the next one. */
    private Run lastIntegrated;

    /**
     * A cached block index and the visible characters before it, so that edits near the previous one (the common case
     * in real typing) find their position without summing every block; -1 when unknown.
     */
    private int cursorBlock = -1;

    private long cursorVisibleBefore;

    /** An empty document edited locally as {@code replicaId}; the caller keeps replica ids unique per editor. */
    public TextDocument(long replicaId) {
        this.replicaId = replicaId;
    }

    /** The replica id local edits are made under. */
    public long replicaId() {
        return replicaId;
    }

    /** The number of visible characters. */
    public int length() {
        return visibleLength;
    }

    /** The number of characters held, visible and deleted. */
    public long itemCount() {
        return totalItems;
    }

    /** The number of runs held: the unit of memory use. */
    public int runCount() {
        int count = 0;
        for (Block block : blocks) {
            count += block.count;
        }
        return count;
    }

    /** The number of buffered inserted plus deleted characters waiting for their causal dependencies. */
    public long pendingItems() {
        return pendingItems;
    }

    /** The visible text. */
    public String text() {
        StringBuilder builder = new StringBuilder(visibleLength);
        for (Block block : blocks) {
            for (int i = 0; i < block.count; i++) {
                Run run = block.runs[i];
                if (!run.deleted) {
                    builder.append(run.log.chars, (int) run.start, run.length);
                }
            }
        }
        return builder.toString();
    }

    /** The state vector: how many characters of each replica this document holds. */
    public TextVersion version() {
        TreeMap<Long, Long> next = new TreeMap<>();
        for (ReplicaLog log : replicas.values()) {
            next.put(log.replica, (long) log.next);
        }
        return new TextVersion(next);
    }

    // ------------------------------------------------------------------ local edits

    /**
     * Inserts {@code text} so that its first character ends up at visible {@code position}; returns the delta to send.
     *
     * @throws IndexOutOfBoundsException if {@code position} is outside {@code 0 .. length()}
     * @throws IllegalArgumentException if the text is longer than {@link #RUN_LENGTH_MAX} or the document would exceed
     *     its bounds
     */
    public TextDelta insert(int position, String text) {
        Objects.checkIndex(position, visibleLength + 1);
        if (text.isEmpty()) {
            return TextDelta.EMPTY;
        }
        int length = text.length();
        ReplicaLog own = logFor(replicaId);
        if (length > RUN_LENGTH_MAX || totalItems + length > ITEMS_MAX || own.next + (long) length - 1 > SEQUENCE_MAX) {
            throw new IllegalArgumentException("insert of " + length + " characters exceeds the document bounds");
        }
        long start = own.next;
        ItemId left;
        ItemId right;
        Run after;
        if (position == 0) {
            left = null;
            after = null;
            Run first = firstRun();
            right = first == null ? null : first.firstId();
        } else {
            locateVisible(position - 1);
            Run run = foundRun;
            int offset = foundOffset;
            left = run.idAt(offset);
            if (offset < run.length - 1) {
                Run rest = split(run, offset + 1);
                right = rest.firstId();
            } else {
                Run next = nextRun(run);
                right = next == null ? null : next.firstId();
                if (run.log == own && run.start + run.length == start && Objects.equals(run.right, right)) {
                    // Typing on at the end of our own run: the run grows, no new object (memory tracks the document).
                    own.append(text);
                    run.length += length;
                    addVisible(run.block, length);
                    run.block.total += length;
                    visibleLength += length;
                    totalItems += length;
                    return new TextDelta(List.of(new InsertedRun(replicaId, start, left, right, text)), List.of());
                }
            }
            after = run;
        }
        own.append(text);
        Run inserted = new Run(own, start, length, false, left, right);
        own.runs.put(start, inserted);
        insertAfter(after, inserted);
        visibleLength += length;
        totalItems += length;
        return new TextDelta(List.of(new InsertedRun(replicaId, start, left, right, text)), List.of());
    }

    /**
     * Deletes {@code length} visible characters starting at {@code position}; returns the delta to send.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code 0 .. length()}
     */
    public TextDelta delete(int position, int length) {
        Objects.checkFromIndexSize(position, length, visibleLength);
        if (length == 0) {
            return TextDelta.EMPTY;
        }
        ArrayList<DeletedRange> ranges = new ArrayList<>();
        int remaining = length;
        while (remaining > 0) {
            locateVisible(position);
            Run run = foundRun;
            if (foundOffset > 0) {
                run = split(run, foundOffset);
            }
            if (run.length > remaining) {
                split(run, remaining);
            }
            remaining -= run.length;
            addRange(ranges, run.log.replica, run.start, run.length);
            markDeleted(run);
        }
        return new TextDelta(List.of(), ranges);
    }

    private static void addRange(List<DeletedRange> ranges, long replica, long start, int length) {
        if (!ranges.isEmpty()) {
            DeletedRange last = ranges.get(ranges.size() - 1);
            if (last.replica() == replica && last.endSequence() == start && last.length() + length <= RUN_LENGTH_MAX) {
                ranges.set(ranges.size() - 1, new DeletedRange(replica, last.startSequence(), last.length() + length));
                return;
            }
            if (last.replica() == replica
                    && start + length == last.startSequence()
                    && last.length() + length <= RUN_LENGTH_MAX) {
                ranges.set(ranges.size() - 1, new DeletedRange(replica, start, last.length() + length));
                return;
            }
        }
        ranges.add(new DeletedRange(replica, start, length));
    }

    // ------------------------------------------------------------------ merging

    /**
     * Merges a delta from any replica (or a whole state, as a delta since {@link TextVersion#EMPTY}). Idempotent,
     * commutative and associative. Inserted runs whose dependencies are missing — the same replica's earlier
     * characters, or an origin — and deletions of characters not yet here are buffered (at most
     * {@link #PENDING_ITEMS_MAX} characters) and applied as soon as a later merge brings what they wait for.
     *
     * @throws TextRejectedException with {@link TextRejectReason#PENDING_LIMIT} when buffering could exceed the bound;
     *     the document is then unchanged
     */
    public MergeOutcome merge(TextDelta delta) throws TextRejectedException {
        long incoming = delta.itemCount();
        if (pendingItems + incoming > PENDING_ITEMS_MAX && !fullyIntegrable(delta)) {
            throw new TextRejectedException(
                    TextRejectReason.PENDING_LIMIT,
                    "delta of " + incoming + " items with " + pendingItems + " already pending");
        }
        for (InsertedRun run : delta.inserts()) {
            if (replicas.size() >= REPLICAS_MAX && !replicas.containsKey(run.replica())) {
                throw new TextRejectedException(
                        TextRejectReason.OUT_OF_RANGE, "more than " + REPLICAS_MAX + " replicas");
            }
            if (!originsPrecede(run)) {
                // Found by fuzzing: such a run integrated, and the document then refused its own snapshot.
                throw new TextRejectedException(
                        TextRejectReason.INCONSISTENT_STATE,
                        "an origin is not older than the run it anchors (replica " + run.replica() + ", sequence "
                                + run.startSequence() + ")");
            }
        }
        pendingInserts.addAll(delta.inserts());
        pendingDeletes.addAll(delta.deletes());
        drainDeleted = 0;
        long integrated = drainInserts();
        long deleted = drainDeletes() + drainDeleted;
        recountPending();
        return new MergeOutcome(integrated, deleted, pendingItems);
    }

    /** Merges another replica's whole state into this one. */
    public MergeOutcome merge(TextDocument other) throws TextRejectedException {
        return merge(other.deltaSince(TextVersion.EMPTY));
    }

    /**
     * An origin existed before the characters it anchors, so an origin of the same replica has a lower sequence number
     * than the run's first character, and the two origins are different characters.
     */
    private static boolean originsPrecede(InsertedRun run) {
        ItemId left = run.originLeft();
        ItemId right = run.originRight();
        if (left != null && left.replica() == run.replica() && left.sequence() >= run.startSequence()) {
            return false;
        }
        if (right != null && right.replica() == run.replica() && right.sequence() >= run.startSequence()) {
            return false;
        }
        return left == null || !left.equals(right);
    }

    /**
     * Whether a delta too large for the pending buffer would integrate completely here, in order (then it never needs
     * the buffer). Conservative: a run is counted as integrable only if its dependencies are here or earlier in it.
     */
    private boolean fullyIntegrable(TextDelta delta) {
        HashMap<Long, Long> next = new HashMap<>();
        for (ReplicaLog log : replicas.values()) {
            next.put(log.replica, (long) log.next);
        }
        for (InsertedRun run : delta.inserts()) {
            long have = next.getOrDefault(run.replica(), 0L);
            if (have < run.startSequence() || !present(next, run.originLeft()) || !present(next, run.originRight())) {
                return false;
            }
            next.put(run.replica(), Math.max(have, run.endSequence()));
        }
        for (DeletedRange range : delta.deletes()) {
            if (next.getOrDefault(range.replica(), 0L) < range.endSequence()) {
                return false;
            }
        }
        return true;
    }

    private static boolean present(Map<Long, Long> next, ItemId id) {
        return id == null || id.sequence() < next.getOrDefault(id.replica(), 0L);
    }

    private boolean present(ItemId id) {
        if (id == null) {
            return true;
        }
        ReplicaLog log = replicas.get(id.replica());
        return log != null && id.sequence() < log.next;
    }

    private long nextOf(long replica) {
        ReplicaLog log = replicas.get(replica);
        return log == null ? 0 : log.next;
    }

    private long drainInserts() {
        long integrated = 0;
        boolean progress = true;
        while (progress && !pendingInserts.isEmpty()) {
            progress = false;
            ArrayList<InsertedRun> waiting = new ArrayList<>();
            for (InsertedRun run : pendingInserts) {
                long have = nextOf(run.replica());
                if (have > run.startSequence() && run.isElided()) {
                    // An elided run says its characters are deleted: delete the part already held here.
                    long heldEnd = Math.min(have, run.endSequence());
                    drainDeleted +=
                            deleteIds(run.replica(), run.startSequence(), (int) (heldEnd - run.startSequence()));
                }
                if (have >= run.endSequence()) {
                    progress = true;
                    continue;
                }
                if (have < run.startSequence()) {
                    waiting.add(run);
                    continue;
                }
                // Part of this run may already be here: keep the rest, whose left origin is the last character held.
                InsertedRun rest = have > run.startSequence() ? run.suffix((int) (have - run.startSequence())) : run;
                if (!present(rest.originLeft()) || !present(rest.originRight())) {
                    waiting.add(rest);
                    continue;
                }
                progress = true;
                if (totalItems + rest.length() <= ITEMS_MAX && integrate(rest)) {
                    integrated += rest.length();
                }
            }
            pendingInserts.clear();
            pendingInserts.addAll(waiting);
        }
        return integrated;
    }

    private void recountPending() {
        long count = 0;
        for (InsertedRun run : pendingInserts) {
            count += run.length();
        }
        for (DeletedRange range : pendingDeletes) {
            count += range.length();
        }
        pendingItems = count;
    }

    private long drainDeletes() {
        long deleted = 0;
        ArrayList<DeletedRange> waiting = new ArrayList<>();
        for (DeletedRange range : pendingDeletes) {
            long have = nextOf(range.replica());
            long presentEnd = Math.min(have, range.endSequence());
            if (presentEnd > range.startSequence()) {
                deleted +=
                        deleteIds(range.replica(), range.startSequence(), (int) (presentEnd - range.startSequence()));
            }
            if (presentEnd < range.endSequence()) {
                long start = Math.max(presentEnd, range.startSequence());
                DeletedRange rest = new DeletedRange(range.replica(), start, (int) (range.endSequence() - start));
                waiting.add(rest);
            }
        }
        pendingDeletes.clear();
        pendingDeletes.addAll(waiting);
        return deleted;
    }

    /** Deletes the held characters {@code (replica, start .. start+length-1)}; returns how many were visible. */
    private long deleteIds(long replica, long start, int length) {
        ReplicaLog log = replicas.get(replica);
        long deleted = 0;
        long sequence = start;
        long end = start + length;
        while (sequence < end) {
            Run run = log.runs.floorEntry(sequence).getValue();
            if (run.deleted) {
                sequence = run.start + run.length;
                continue;
            }
            if (run.start < sequence) {
                run = split(run, (int) (sequence - run.start));
            }
            if (run.start + run.length > end) {
                split(run, (int) (end - run.start));
            }
            sequence = run.start + run.length;
            deleted += run.length;
            markDeleted(run);
        }
        return deleted;
    }

    /**
     * Integrates a run whose dependencies are all here and whose first sequence number is its replica's next one: the
     * list form of FugueMax. Returns false, integrating nothing, if the run's origins contradict the order held here
     * (the right origin not after the left one), which only a faulty or hostile replica produces.
     */
    private boolean integrate(InsertedRun inserted) {
        Run leftRun = null;
        if (inserted.originLeft() != null) {
            // A causally ordered update mostly continues right after the run integrated just before: no index lookup.
            ItemId origin = inserted.originLeft();
            Run last = lastIntegrated;
            leftRun = last != null
                            && last.log.replica == origin.replica()
                            && origin.sequence() >= last.start
                            && origin.sequence() < last.start + last.length
                    ? last
                    : runContaining(origin);
            int offset = (int) (inserted.originLeft().sequence() - leftRun.start);
            if (offset < leftRun.length - 1) {
                split(leftRun, offset + 1);
            }
        }
        Run rightRun = null;
        if (inserted.originRight() != null) {
            ItemId origin = inserted.originRight();
            Run next = leftRun == null ? firstRun() : nextRun(leftRun);
            rightRun = next != null && next.log.replica == origin.replica() && next.start == origin.sequence()
                    ? next
                    : runContaining(origin);
            int offset = (int) (inserted.originRight().sequence() - rightRun.start);
            if (offset > 0) {
                rightRun = split(rightRun, offset);
            }
            if (leftRun != null && inserted.originLeft().sequence() >= leftRun.start + leftRun.length) {
                // The right origin lay inside the left origin's run, before it: the split cut the left origin off.
                // Only a contradictory delta does that (found by fuzzing); its run is dropped. Splits do not show in
                // the encoding, so the document is as before.
                return false;
            }
        }
        Run first = leftRun == null ? firstRun() : nextRun(leftRun);
        Run after = leftRun;
        if (first != rightRun) {
            long leftIndex = leftRun == null ? -1 : indexOf(leftRun) + leftRun.length - 1;
            long rightIndex = rightRun == null ? totalItems : indexOf(rightRun);
            if (rightIndex <= leftIndex) {
                return false;
            }
            // Scan the runs between the origins (Fugue paper, list form of FugueMax; the same decisions as the
            // YjsMod integration of Gentle's reference CRDTs). Only a run's first character can decide: every later
            // one has its predecessor, which lies inside the scanned range, as left origin.
            boolean scanning = false;
            Run previous = leftRun;
            Run other = first;
            while (other != null && other != rightRun) {
                if (!scanning) {
                    after = previous;
                }
                long otherLeft = other.left == null ? -1 : indexOfItem(other.left);
                if (otherLeft < leftIndex) {
                    break;
                }
                if (otherLeft == leftIndex) {
                    long otherRight = other.right == null ? totalItems : indexOfItem(other.right);
                    if (otherRight < rightIndex) {
                        scanning = true;
                    } else if (otherRight == rightIndex) {
                        if (inserted.replica() < other.log.replica) {
                            break;
                        }
                        scanning = false;
                    } else {
                        scanning = false;
                    }
                }
                previous = other;
                other = nextRun(other);
            }
            if ((other == null || other == rightRun) && !scanning) {
                after = previous;
            }
        }
        ReplicaLog log = logFor(inserted.replica());
        int length = inserted.length();
        long start = inserted.startSequence();
        boolean deleted = inserted.isElided();
        if (deleted) {
            // Characters that arrive already deleted: their text never travelled and is never shown.
            log.skip(length);
        } else {
            log.append(inserted.text());
            visibleLength += length;
        }
        totalItems += length;
        if (after != null
                && after == leftRun
                && after.log == log
                && after.deleted == deleted
                && after.start + after.length == start
                && Objects.equals(after.right, inserted.originRight())) {
            after.length += length;
            if (!deleted) {
                addVisible(after.block, length);
            }
            after.block.total += length;
            lastIntegrated = after;
            return true;
        }
        Run run = new Run(log, start, length, deleted, inserted.originLeft(), inserted.originRight());
        log.runs.put(start, run);
        insertAfter(after, run);
        lastIntegrated = run;
        return true;
    }

    // ------------------------------------------------------------------ deltas for sync

    /**
     * What a replica at {@code version} is missing: every held character it lacks, in an order where each run's
     * dependencies come first (so the receiver never buffers), deleted ones as elided runs (ids, origins and length,
     * no text); the deletions of characters the version already holds, as ranges; and deletions still waiting here
     * for their characters. Deterministic: depends on the state, not on the order it arrived in.
     */
    public TextDelta deltaSince(TextVersion version) {
        ArrayList<InsertedRun> inserts = new ArrayList<>();
        List<ReplicaLog> logs = sortedLogs();
        HashMap<Long, Long> frontier = new HashMap<>();
        for (ReplicaLog log : logs) {
            frontier.put(log.replica, 0L);
        }
        boolean done = false;
        while (!done) {
            done = true;
            boolean progress = false;
            for (ReplicaLog log : logs) {
                long sequence = frontier.get(log.replica);
                long from = version.nextSequence(log.replica);
                while (sequence < log.next) {
                    Run run = log.runs.get(sequence);
                    if (!present(frontier, run.left) || !present(frontier, run.right)) {
                        break;
                    }
                    if (run.start + run.length > from) {
                        long pieceStart = Math.max(from, run.start);
                        ItemId left = pieceStart == run.start ? run.left : new ItemId(log.replica, pieceStart - 1);
                        int pieceLength = (int) (run.start + run.length - pieceStart);
                        // Deleted characters travel as a length only: the receiver integrates them as deleted.
                        String text = run.deleted ? null : new String(log.chars, (int) pieceStart, pieceLength);
                        appendInsert(
                                inserts, new InsertedRun(log.replica, pieceStart, left, run.right, pieceLength, text));
                    }
                    sequence = run.start + run.length;
                    frontier.put(log.replica, sequence);
                    progress = true;
                }
                if (sequence < log.next) {
                    done = false;
                }
            }
            if (!done && !progress) {
                throw new IllegalStateException("causal order of held runs has a cycle");
            }
        }
        // Deletions of characters the other side already holds; those it lacks arrived above as elided runs.
        ArrayList<DeletedRange> deletes = new ArrayList<>();
        for (ReplicaLog log : logs) {
            long held = version.nextSequence(log.replica);
            for (Run run : log.runs.headMap(held, false).values()) {
                if (run.deleted) {
                    addRange(deletes, log.replica, run.start, (int)
                            (Math.min(held, run.start + run.length) - run.start));
                }
            }
        }
        deletes.addAll(pendingDeletes);
        return new TextDelta(inserts, deletes);
    }

    private static void appendInsert(List<InsertedRun> inserts, InsertedRun piece) {
        if (!inserts.isEmpty()) {
            InsertedRun last = inserts.get(inserts.size() - 1);
            if (last.replica() == piece.replica()
                    && last.isElided() == piece.isElided()
                    && last.endSequence() == piece.startSequence()
                    && Objects.equals(last.originRight(), piece.originRight())
                    && Objects.equals(piece.originLeft(), last.idAt(last.length() - 1))
                    && last.length() + piece.length() <= RUN_LENGTH_MAX) {
                inserts.set(
                        inserts.size() - 1,
                        new InsertedRun(
                                last.replica(),
                                last.startSequence(),
                                last.originLeft(),
                                last.originRight(),
                                last.length() + piece.length(),
                                last.isElided() ? null : last.text() + piece.text()));
                return;
            }
        }
        inserts.add(piece);
    }

    private List<ReplicaLog> sortedLogs() {
        ArrayList<ReplicaLog> logs = new ArrayList<>(replicas.values());
        logs.sort((a, b) -> Long.compare(a.replica, b.replica));
        return logs;
    }

    // ------------------------------------------------------------------ encoding

    /** The whole state, canonical: replicas holding the same characters and deletions produce the same bytes. */
    public byte[] encodeSnapshot() {
        ArrayList<SnapshotRun> runs = new ArrayList<>();
        for (Block block : blocks) {
            for (int i = 0; i < block.count; i++) {
                Run run = block.runs[i];
                SnapshotRun piece = new SnapshotRun(
                        run.log.replica,
                        run.start,
                        run.length,
                        run.deleted,
                        run.left,
                        run.right,
                        run.deleted ? null : new String(run.log.chars, (int) run.start, run.length));
                if (!runs.isEmpty()) {
                    SnapshotRun merged = runs.get(runs.size() - 1).mergedWith(piece);
                    if (merged != null) {
                        runs.set(runs.size() - 1, merged);
                        continue;
                    }
                }
                runs.add(piece);
            }
        }
        return TextCodec.encodeSnapshot(runs);
    }

    /**
     * Rebuilds a document from {@link #encodeSnapshot} bytes, to be edited locally as {@code replicaId}. Strict: only
     * the canonical encoding of a state loads, so two different byte strings never load as one state (a snapshot can
     * be named by its hash).
     *
     * @throws TextRejectedException if the bytes are malformed, describe an inconsistent state, or are not canonical
     */
    public static TextDocument decodeSnapshot(byte[] snapshot, long replicaId) throws TextRejectedException {
        List<SnapshotRun> runs = TextCodec.decodeSnapshot(snapshot);
        TextDocument document = new TextDocument(replicaId);
        document.load(runs);
        // Canonical means "what this state encodes to": comparing with the state's own encoding checks every rule at
        // once (run joins, empty runs, unused replicas) and cannot drift from the encoder.
        if (!Arrays.equals(document.encodeSnapshot(), snapshot)) {
            throw new TextRejectedException(
                    TextRejectReason.NOT_CANONICAL, "the snapshot is not the canonical encoding of its state");
        }
        return document;
    }

    /** Encodes a delta (local edit, delta since a version, or whole state) in the versioned binary format. */
    public static byte[] encodeDelta(TextDelta delta) {
        return TextCodec.encodeDelta(delta);
    }

    /**
     * Decodes {@link #encodeDelta} bytes.
     *
     * @throws TextRejectedException if the bytes are malformed
     */
    public static TextDelta decodeDelta(byte[] encoded) throws TextRejectedException {
        return TextCodec.decodeDelta(encoded);
    }

    /**
     * Decodes and merges an encoded delta; on any rejection the document is unchanged.
     *
     * @throws TextRejectedException if the bytes are malformed or the pending buffer would overflow
     */
    public MergeOutcome mergeEncoded(byte[] encodedDelta) throws TextRejectedException {
        return merge(TextCodec.decodeDelta(encodedDelta));
    }

    /** Encodes a state vector, for asking a peer for what this replica is missing. */
    public static byte[] encodeVersion(TextVersion version) {
        return TextCodec.encodeVersion(version);
    }

    /**
     * Decodes {@link #encodeVersion} bytes.
     *
     * @throws TextRejectedException if the bytes are malformed
     */
    public static TextVersion decodeVersion(byte[] encoded) throws TextRejectedException {
        return TextCodec.decodeVersion(encoded);
    }

    private void load(List<SnapshotRun> runs) throws TextRejectedException {
        // First check that each replica's runs tile 0 .. next-1 exactly, before building anything.
        HashMap<Long, TreeMap<Long, SnapshotRun>> byReplica = new HashMap<>();
        long total = 0;
        for (SnapshotRun run : runs) {
            total += run.length();
            SnapshotRun previous = byReplica
                    .computeIfAbsent(run.replica(), replica -> new TreeMap<>())
                    .put(run.start(), run);
            if (previous != null) {
                throw new TextRejectedException(TextRejectReason.INCONSISTENT_STATE, "two runs start at one id");
            }
        }
        if (total > ITEMS_MAX || byReplica.size() > REPLICAS_MAX) {
            throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, "snapshot exceeds the document bounds");
        }
        HashMap<Long, Long> next = new HashMap<>();
        for (Map.Entry<Long, TreeMap<Long, SnapshotRun>> entry : byReplica.entrySet()) {
            long expected = 0;
            for (SnapshotRun run : entry.getValue().values()) {
                if (run.start() != expected) {
                    throw new TextRejectedException(
                            TextRejectReason.INCONSISTENT_STATE, "sequence gap or overlap at " + run.start());
                }
                expected += run.length();
            }
            next.put(entry.getKey(), expected);
        }
        for (SnapshotRun run : runs) {
            if (!present(next, run.left()) || !present(next, run.right())) {
                throw new TextRejectedException(TextRejectReason.INCONSISTENT_STATE, "origin of a run is not held");
            }
        }
        for (Map.Entry<Long, Long> entry : next.entrySet()) {
            ReplicaLog log = logFor(entry.getKey());
            log.chars = new char[(int) Math.max(16, entry.getValue())];
        }
        int fill = BLOCK_RUNS_MAX * 3 / 4;
        Block block = null;
        for (SnapshotRun piece : runs) {
            ReplicaLog log = replicas.get(piece.replica());
            if (piece.text() != null) {
                piece.text().getChars(0, piece.length(), log.chars, (int) piece.start());
            }
            log.next = (int) Math.max(log.next, piece.start() + piece.length());
            Run run = new Run(log, piece.start(), piece.length(), piece.deleted(), piece.left(), piece.right());
            log.runs.put(piece.start(), run);
            if (block == null || block.count == fill) {
                block = new Block();
                block.index = blocks.size();
                blocks.add(block);
            }
            run.position = block.count;
            block.runs[block.count++] = run;
            run.block = block;
            block.total += run.length;
            totalItems += run.length;
            if (!run.deleted) {
                block.visible += run.length;
                visibleLength += run.length;
            }
        }
        // Each origin must lie on the correct side of its run, or later merges would see a contradictory order.
        long index = 0;
        HashMap<Run, Long> indexOfRun = new HashMap<>();
        for (Block each : blocks) {
            for (int i = 0; i < each.count; i++) {
                indexOfRun.put(each.runs[i], index);
                index += each.runs[i].length;
            }
        }
        for (Map.Entry<Run, Long> entry : indexOfRun.entrySet()) {
            Run run = entry.getKey();
            long start = entry.getValue();
            boolean leftWrong = run.left != null && itemIndex(indexOfRun, run.left) >= start;
            boolean rightWrong = run.right != null && itemIndex(indexOfRun, run.right) < start + run.length;
            if (leftWrong || rightWrong) {
                throw new TextRejectedException(TextRejectReason.INCONSISTENT_STATE, "origin on the wrong side");
            }
        }
    }

    private long itemIndex(Map<Run, Long> indexOfRun, ItemId id) {
        Run run = runContaining(id);
        return indexOfRun.get(run) + (id.sequence() - run.start);
    }

    // ------------------------------------------------------------------ the blocked run list

    private ReplicaLog logFor(long replica) {
        return replicas.computeIfAbsent(replica, ReplicaLog::new);
    }

    private Run runContaining(ItemId id) {
        return replicas.get(id.replica()).runs.floorEntry(id.sequence()).getValue();
    }

    /** Finds the run holding visible character {@code position} into {@link #foundRun} and {@link #foundOffset}. */
    private void locateVisible(int position) {
        if (position < 0 || position >= visibleLength) {
            throw new IllegalStateException("position " + position + " outside the visible length " + visibleLength);
        }
        int index = cursorBlock;
        long before = cursorVisibleBefore;
        if (index < 0) {
            index = 0;
            before = 0;
        }
        while (position < before) {
            index--;
            before -= blocks.get(index).visible;
        }
        while (position >= before + blocks.get(index).visible) {
            before += blocks.get(index).visible;
            index++;
        }
        cursorBlock = index;
        cursorVisibleBefore = before;
        Block block = blocks.get(index);
        int remaining = (int) (position - before);
        for (int i = 0; i < block.count; i++) {
            Run run = block.runs[i];
            if (run.deleted) {
                continue;
            }
            if (remaining < run.length) {
                foundRun = run;
                foundOffset = remaining;
                return;
            }
            remaining -= run.length;
        }
        throw new IllegalStateException("block visible length disagrees with its runs");
    }

    /** Changes a block's visible length, keeping the cached cursor's count of visible characters before it right. */
    private void addVisible(Block block, int delta) {
        block.visible += delta;
        if (cursorBlock >= 0 && block.index < cursorBlock) {
            cursorVisibleBefore += delta;
        }
    }

    /** The index of a run's first character among all characters held, visible and deleted. */
    private long indexOf(Run run) {
        long index = 0;
        Block block = run.block;
        for (int i = 0; i < block.index; i++) {
            index += blocks.get(i).total;
        }
        for (int i = 0; i < block.count; i++) {
            Run each = block.runs[i];
            if (each == run) {
                return index;
            }
            index += each.length;
        }
        throw new IllegalStateException("run not in its block");
    }

    private long indexOfItem(ItemId id) {
        Run run = runContaining(id);
        return indexOf(run) + (id.sequence() - run.start);
    }

    private Run firstRun() {
        return blocks.isEmpty() ? null : blocks.get(0).runs[0];
    }

    private Run nextRun(Run run) {
        Block block = run.block;
        int position = positionInBlock(run);
        if (position + 1 < block.count) {
            return block.runs[position + 1];
        }
        return block.index + 1 < blocks.size() ? blocks.get(block.index + 1).runs[0] : null;
    }

    private static int positionInBlock(Run run) {
        assert run.block.runs[run.position] == run;
        return run.position;
    }

    /** Splits {@code run} so it keeps its first {@code offset} characters; returns the new run holding the rest. */
    private Run split(Run run, int offset) {
        assert offset > 0 && offset < run.length;
        Run rest = new Run(
                run.log,
                run.start + offset,
                run.length - offset,
                run.deleted,
                new ItemId(run.log.replica, run.start + offset - 1),
                run.right);
        run.length = offset;
        Block block = run.block;
        block.total -= rest.length;
        if (!rest.deleted) {
            addVisible(block, -rest.length);
        }
        run.log.runs.put(rest.start, rest);
        placeAt(block, positionInBlock(run) + 1, rest);
        return rest;
    }

    /** Puts a new run right after {@code after} (null: at the start), counting its length in the block. */
    private void insertAfter(Run after, Run run) {
        if (after == null) {
            if (blocks.isEmpty()) {
                Block block = new Block();
                block.index = 0;
                blocks.add(block);
            }
            placeAt(blocks.get(0), 0, run);
        } else {
            placeAt(after.block, positionInBlock(after) + 1, run);
        }
    }

    private void placeAt(Block block, int position, Run run) {
        Block target = block;
        int at = position;
        if (block.count == BLOCK_RUNS_MAX) {
            Block upper = splitBlock(block);
            if (at > block.count) {
                at -= block.count;
                target = upper;
            }
        }
        System.arraycopy(target.runs, at, target.runs, at + 1, target.count - at);
        target.runs[at] = run;
        target.count++;
        renumber(target, at);
        run.block = target;
        target.total += run.length;
        if (!run.deleted) {
            addVisible(target, run.length);
        }
    }

    private Block splitBlock(Block block) {
        // The lower half keeps the block's index, so the cursor stays right unless it lies past the split block.
        if (cursorBlock > block.index) {
            cursorBlock++;
        }
        Block upper = new Block();
        int keep = block.count / 2;
        int move = block.count - keep;
        System.arraycopy(block.runs, keep, upper.runs, 0, move);
        Arrays.fill(block.runs, keep, block.count, null);
        block.count = keep;
        upper.count = move;
        for (int i = 0; i < move; i++) {
            Run run = upper.runs[i];
            run.block = upper;
            run.position = i;
            upper.total += run.length;
            block.total -= run.length;
            if (!run.deleted) {
                upper.visible += run.length;
                block.visible -= run.length;
            }
        }
        blocks.add(block.index + 1, upper);
        for (int i = block.index + 1; i < blocks.size(); i++) {
            blocks.get(i).index = i;
        }
        return upper;
    }

    private void markDeleted(Run run) {
        run.deleted = true;
        addVisible(run.block, -run.length);
        visibleLength -= run.length;
        // A deleted run next to a deleted continuation of the same insertion becomes one run again.
        int position = positionInBlock(run);
        Block block = run.block;
        if (position + 1 < block.count && mergeable(run, block.runs[position + 1])) {
            absorb(block, position, position + 1);
        }
        if (position > 0 && mergeable(block.runs[position - 1], run)) {
            absorb(block, position - 1, position);
        }
    }

    private static boolean mergeable(Run first, Run second) {
        return first.log == second.log
                && first.deleted == second.deleted
                && first.start + first.length == second.start
                && Objects.equals(first.right, second.right)
                && second.left != null
                && second.left.replica() == first.log.replica
                && second.left.sequence() == first.start + first.length - 1;
    }

    /** Sets the cached position of every run of {@code block} from {@code from} on. */
    private static void renumber(Block block, int from) {
        for (int i = from; i < block.count; i++) {
            block.runs[i].position = i;
        }
    }

    private static void absorb(Block block, int firstPosition, int secondPosition) {
        Run first = block.runs[firstPosition];
        Run second = block.runs[secondPosition];
        first.length += second.length;
        first.log.runs.remove(second.start);
        System.arraycopy(block.runs, secondPosition + 1, block.runs, secondPosition, block.count - secondPosition - 1);
        block.runs[--block.count] = null;
        renumber(block, secondPosition);
        // The absorbed run is gone: an empty length keeps a cached reference to it from matching any id.
        second.length = 0;
    }

    // ------------------------------------------------------------------ internal types

    /** One replica's characters, indexed by sequence number, and its runs by first sequence number. */
    private static final class ReplicaLog {
        final long replica;
        char[] chars = new char[16];
        int next;
        final TreeMap<Long, Run> runs = new TreeMap<>();

        ReplicaLog(long replica) {
            this.replica = replica;
        }

        void append(String text) {
            reserve(text.length());
            text.getChars(0, text.length(), chars, next);
            next += text.length();
        }

        /** Takes {@code length} sequence numbers whose characters are unknown (deleted before they arrived). */
        void skip(int length) {
            reserve(length);
            next += length;
        }

        private void reserve(int length) {
            if (next + length > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(chars.length * 2, next + length));
            }
        }
    }

    /** Characters {@code start .. start+length-1} of one replica, consecutive in the document. */
    private static final class Run {
        final ReplicaLog log;
        final long start;
        int length;
        boolean deleted;
        /** The first character's left origin; null at the document's start. */
        final ItemId left;
        /** Every character's right origin; null at the document's end. */
        final ItemId right;

        Block block;
        /** This run's index in {@link #block}'s array. */
        int position;

        Run(ReplicaLog log, long start, int length, boolean deleted, ItemId left, ItemId right) {
            this.log = log;
            this.start = start;
            this.length = length;
            this.deleted = deleted;
            this.left = left;
            this.right = right;
        }

        ItemId firstId() {
            return new ItemId(log.replica, start);
        }

        ItemId idAt(int offset) {
            return new ItemId(log.replica, start + offset);
        }
    }

    /** Up to {@link #BLOCK_RUNS_MAX} consecutive runs with their cached visible and total lengths. */
    private static final class Block {
        final Run[] runs = new Run[BLOCK_RUNS_MAX];
        int count;
        int visible;
        long total;
        int index;
    }
}
