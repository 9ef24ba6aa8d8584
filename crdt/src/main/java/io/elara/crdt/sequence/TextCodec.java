package io.elara.crdt.sequence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The versioned binary format of text deltas, snapshots and versions. All integers are unsigned LEB128 varints unless
 * said otherwise.
 *
 * <pre>
 * message   = version:u8 (= 1)  kind:u8 (1 delta, 2 snapshot, 3 version)  replicas  body
 * replicas  = count:varint  replica:u64 big-endian × count          (strictly ascending; ids below are indexes)
 * delta     = runCount:varint  run × runCount  deleteCount:varint  (replica:varint start:varint length:varint) × …
 *             (causal order; a DELETED run is elided: inserted and deleted, no chars)
 * snapshot  = runCount:varint  run × runCount                       (document order)
 * version   = next:varint × replicas.count
 * run       = replica:varint  start:varint  length:varint  flags:u8  [left:id]  [right:id]  [char:varint × length]
 * flags     = bit0 LEFT (has a left origin), bit1 LEFT_PREVIOUS (left origin is (replica, start-1), not written),
 *             bit2 RIGHT (has a right origin), bit3 DELETED (the run's characters are deleted; no chars follow)
 * id        = replica:varint  sequence:varint
 * </pre>
 *
 * <p>Before elided delta runs, encoders set DELETED only in snapshots and decoders refused it in deltas; allowing it
 * in deltas kept version 1, since every earlier delta still decodes to the same value (an older build refuses a delta
 * with an elided run as {@code out_of_range}, unchanged).
 *
 * <p>Decoders check every field against its bound and return nothing but a value or a {@link TextRejectedException}.
 */
final class TextCodec {
    static final byte VERSION = 1;
    static final byte KIND_DELTA = 1;
    static final byte KIND_SNAPSHOT = 2;
    static final byte KIND_VERSION = 3;

    private static final int FLAG_LEFT = 1;
    private static final int FLAG_LEFT_PREVIOUS = 1 << 1;
    private static final int FLAG_RIGHT = 1 << 2;
    private static final int FLAG_DELETED = 1 << 3;
    private static final int FLAGS_KNOWN = FLAG_LEFT | FLAG_LEFT_PREVIOUS | FLAG_RIGHT | FLAG_DELETED;
    private static final int VARINT_BYTES_MAX = 10;

    private TextCodec() {}

    // ------------------------------------------------------------------ encoding

    static byte[] encodeDelta(TextDelta delta) {
        TreeSet<Long> replicaSet = new TreeSet<>();
        for (InsertedRun run : delta.inserts()) {
            addReplicas(replicaSet, run.replica(), run.originLeft(), run.originRight());
        }
        for (DeletedRange range : delta.deletes()) {
            replicaSet.add(range.replica());
        }
        Writer writer = new Writer();
        Map<Long, Integer> table = header(writer, KIND_DELTA, replicaSet);
        writer.varint(delta.inserts().size());
        for (InsertedRun run : delta.inserts()) {
            writeRun(
                    writer,
                    table,
                    run.replica(),
                    run.startSequence(),
                    run.length(),
                    run.isElided(),
                    run.originLeft(),
                    run.originRight(),
                    run.text());
        }
        writer.varint(delta.deletes().size());
        for (DeletedRange range : delta.deletes()) {
            writer.varint(table.get(range.replica()));
            writer.varint(range.startSequence());
            writer.varint(range.length());
        }
        return writer.toByteArray();
    }

    static byte[] encodeSnapshot(List<SnapshotRun> runs) {
        TreeSet<Long> replicaSet = new TreeSet<>();
        for (SnapshotRun run : runs) {
            addReplicas(replicaSet, run.replica(), run.left(), run.right());
        }
        Writer writer = new Writer();
        Map<Long, Integer> table = header(writer, KIND_SNAPSHOT, replicaSet);
        writer.varint(runs.size());
        for (SnapshotRun run : runs) {
            writeRun(
                    writer,
                    table,
                    run.replica(),
                    run.start(),
                    run.length(),
                    run.deleted(),
                    run.left(),
                    run.right(),
                    run.text());
        }
        return writer.toByteArray();
    }

    static byte[] encodeVersion(TextVersion version) {
        Writer writer = new Writer();
        header(
                writer,
                KIND_VERSION,
                new TreeSet<>(version.nextSequenceByReplica().keySet()));
        for (long next : version.nextSequenceByReplica().values()) {
            writer.varint(next);
        }
        return writer.toByteArray();
    }

    private static void addReplicas(Set<Long> replicas, long replica, ItemId left, ItemId right) {
        replicas.add(replica);
        if (left != null) {
            replicas.add(left.replica());
        }
        if (right != null) {
            replicas.add(right.replica());
        }
    }

    private static Map<Long, Integer> header(Writer writer, byte kind, Set<Long> replicas) {
        writer.u8(VERSION);
        writer.u8(kind);
        writer.varint(replicas.size());
        TreeMap<Long, Integer> table = new TreeMap<>();
        for (long replica : replicas) {
            table.put(replica, table.size());
            writer.u64(replica);
        }
        return table;
    }

    private static void writeRun(
            Writer writer,
            Map<Long, Integer> table,
            long replica,
            long start,
            int length,
            boolean deleted,
            ItemId left,
            ItemId right,
            String text) {
        boolean leftPrevious = left != null && left.replica() == replica && left.sequence() == start - 1;
        int flags = (left != null ? FLAG_LEFT : 0)
                | (leftPrevious ? FLAG_LEFT_PREVIOUS : 0)
                | (right != null ? FLAG_RIGHT : 0)
                | (deleted ? FLAG_DELETED : 0);
        writer.varint(table.get(replica));
        writer.varint(start);
        writer.varint(length);
        writer.u8(flags);
        if (left != null && !leftPrevious) {
            writer.varint(table.get(left.replica()));
            writer.varint(left.sequence());
        }
        if (right != null) {
            writer.varint(table.get(right.replica()));
            writer.varint(right.sequence());
        }
        if (!deleted) {
            for (int i = 0; i < length; i++) {
                writer.varint(text.charAt(i));
            }
        }
    }

    // ------------------------------------------------------------------ decoding

    static TextDelta decodeDelta(byte[] bytes) throws TextRejectedException {
        Reader reader = new Reader(bytes);
        long[] replicas = header(reader, KIND_DELTA);
        int runCount = reader.count(4);
        ArrayList<InsertedRun> inserts = new ArrayList<>(runCount);
        for (int i = 0; i < runCount; i++) {
            RawRun run = readRun(reader, replicas);
            inserts.add(new InsertedRun(run.replica, run.start, run.left, run.right, run.length, run.text));
        }
        int deleteCount = reader.count(3);
        ArrayList<DeletedRange> deletes = new ArrayList<>(deleteCount);
        for (int i = 0; i < deleteCount; i++) {
            long replica = replicas[reader.index(replicas.length)];
            long start = reader.bounded(TextDocument.SEQUENCE_MAX);
            int length = (int) reader.bounded(TextDocument.RUN_LENGTH_MAX);
            if (length == 0 || start + length - 1 > TextDocument.SEQUENCE_MAX) {
                throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, "deleted range " + start + "+" + length);
            }
            deletes.add(new DeletedRange(replica, start, length));
        }
        reader.end();
        return new TextDelta(inserts, deletes);
    }

    static List<SnapshotRun> decodeSnapshot(byte[] bytes) throws TextRejectedException {
        Reader reader = new Reader(bytes);
        long[] replicas = header(reader, KIND_SNAPSHOT);
        int runCount = reader.count(4);
        ArrayList<SnapshotRun> runs = new ArrayList<>(runCount);
        for (int i = 0; i < runCount; i++) {
            RawRun run = readRun(reader, replicas);
            runs.add(new SnapshotRun(run.replica, run.start, run.length, run.deleted, run.left, run.right, run.text));
        }
        reader.end();
        return runs;
    }

    static TextVersion decodeVersion(byte[] bytes) throws TextRejectedException {
        Reader reader = new Reader(bytes);
        long[] replicas = header(reader, KIND_VERSION);
        TreeMap<Long, Long> next = new TreeMap<>();
        for (long replica : replicas) {
            next.put(replica, reader.bounded(TextDocument.SEQUENCE_MAX + 1));
        }
        reader.end();
        return new TextVersion(next);
    }

    private static long[] header(Reader reader, byte kind) throws TextRejectedException {
        int version = reader.u8();
        if (version != VERSION) {
            throw new TextRejectedException(TextRejectReason.UNKNOWN_VERSION, "version " + version);
        }
        int actualKind = reader.u8();
        if (actualKind != kind) {
            throw new TextRejectedException(TextRejectReason.UNKNOWN_KIND, "kind " + actualKind + ", expected " + kind);
        }
        int count = reader.count(8);
        if (count > TextDocument.REPLICAS_MAX) {
            throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, count + " replicas");
        }
        long[] replicas = new long[count];
        for (int i = 0; i < count; i++) {
            replicas[i] = reader.u64();
            if (i > 0 && replicas[i] <= replicas[i - 1]) {
                throw new TextRejectedException(TextRejectReason.DUPLICATE_REPLICA, "replica table not ascending");
            }
        }
        return replicas;
    }

    private static RawRun readRun(Reader reader, long[] replicas) throws TextRejectedException {
        RawRun run = new RawRun();
        run.replica = replicas[reader.index(replicas.length)];
        run.start = reader.bounded(TextDocument.SEQUENCE_MAX);
        run.length = (int) reader.bounded(TextDocument.RUN_LENGTH_MAX);
        if (run.length == 0 || run.start + run.length - 1 > TextDocument.SEQUENCE_MAX) {
            throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, "run " + run.start + "+" + run.length);
        }
        int flags = reader.u8();
        if ((flags & ~FLAGS_KNOWN) != 0 || ((flags & FLAG_LEFT_PREVIOUS) != 0 && (flags & FLAG_LEFT) == 0)) {
            throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, "run flags " + flags);
        }
        if ((flags & FLAG_LEFT_PREVIOUS) != 0) {
            if (run.start == 0) {
                throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, "previous of sequence 0");
            }
            run.left = new ItemId(run.replica, run.start - 1);
        } else if ((flags & FLAG_LEFT) != 0) {
            run.left = readId(reader, replicas);
        }
        if ((flags & FLAG_RIGHT) != 0) {
            run.right = readId(reader, replicas);
        }
        run.deleted = (flags & FLAG_DELETED) != 0;
        if (!run.deleted) {
            if (run.length > reader.remaining()) {
                throw new TextRejectedException(TextRejectReason.TRUNCATED, "run text of " + run.length + " chars");
            }
            char[] chars = new char[run.length];
            for (int i = 0; i < run.length; i++) {
                chars[i] = reader.character();
            }
            run.text = new String(chars);
        }
        return run;
    }

    private static ItemId readId(Reader reader, long[] replicas) throws TextRejectedException {
        long replica = replicas[reader.index(replicas.length)];
        return new ItemId(replica, reader.bounded(TextDocument.SEQUENCE_MAX));
    }

    /** A run as read, before it becomes a record. */
    private static final class RawRun {
        long replica;
        long start;
        int length;
        boolean deleted;
        ItemId left;
        ItemId right;
        String text;
    }

    /** Reads fields with a bound check before every byte. */
    private static final class Reader {
        private final byte[] bytes;
        private int offset;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int remaining() {
            return bytes.length - offset;
        }

        int u8() throws TextRejectedException {
            if (offset >= bytes.length) {
                throw new TextRejectedException(TextRejectReason.TRUNCATED, "at byte " + offset);
            }
            return bytes[offset++] & 0xFF;
        }

        long u64() throws TextRejectedException {
            if (remaining() < 8) {
                throw new TextRejectedException(TextRejectReason.TRUNCATED, "u64 at byte " + offset);
            }
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (bytes[offset++] & 0xFF);
            }
            return value;
        }

        long varint() throws TextRejectedException {
            long value = 0;
            for (int i = 0; i < VARINT_BYTES_MAX; i++) {
                int b = u8();
                if (i == VARINT_BYTES_MAX - 1 && b > 1) {
                    throw new TextRejectedException(TextRejectReason.MALFORMED_VARINT, "overflow at byte " + offset);
                }
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (b == 0 && i > 0) {
                        // Overlong (a final zero group): one value, two encodings; only the shortest is accepted.
                        throw new TextRejectedException(
                                TextRejectReason.MALFORMED_VARINT, "overlong at byte " + (offset - 1));
                    }
                    return value;
                }
            }
            throw new TextRejectedException(TextRejectReason.MALFORMED_VARINT, "too long at byte " + offset);
        }

        /** A character as a varint; one byte for ASCII, the common case, without the general varint loop. */
        char character() throws TextRejectedException {
            if (offset < bytes.length && bytes[offset] >= 0) {
                return (char) bytes[offset++];
            }
            return (char) bounded(Character.MAX_VALUE);
        }

        /** A varint in {@code 0 .. max}. */
        long bounded(long max) throws TextRejectedException {
            long value = varint();
            if (value < 0 || value > max) {
                throw new TextRejectedException(TextRejectReason.OUT_OF_RANGE, value + " > " + max);
            }
            return value;
        }

        /** An element count, each element taking at least {@code bytesEach} bytes of what is left. */
        int count(int bytesEach) throws TextRejectedException {
            long count = varint();
            if (count < 0 || count > remaining() / bytesEach) {
                throw new TextRejectedException(TextRejectReason.TRUNCATED, "count " + count + " at byte " + offset);
            }
            return (int) count;
        }

        int index(int size) throws TextRejectedException {
            long index = varint();
            if (index < 0 || index >= size) {
                throw new TextRejectedException(TextRejectReason.UNKNOWN_REPLICA, "replica index " + index);
            }
            return (int) index;
        }

        void end() throws TextRejectedException {
            if (offset != bytes.length) {
                throw new TextRejectedException(TextRejectReason.TRAILING_BYTES, remaining() + " bytes");
            }
        }
    }

    /** A growable byte array. */
    private static final class Writer {
        private byte[] bytes = new byte[256];
        private int length;

        void u8(int value) {
            ensure(1);
            bytes[length++] = (byte) value;
        }

        void u64(long value) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                bytes[length++] = (byte) (value >>> (8 * i));
            }
        }

        void varint(long value) {
            ensure(VARINT_BYTES_MAX);
            long rest = value;
            while ((rest & ~0x7FL) != 0) {
                bytes[length++] = (byte) ((rest & 0x7F) | 0x80);
                rest >>>= 7;
            }
            bytes[length++] = (byte) rest;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }
    }
}
