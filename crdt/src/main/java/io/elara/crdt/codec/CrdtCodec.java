package io.elara.crdt.codec;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.DotStore;
import io.elara.crdt.clock.Hlc;
import io.elara.crdt.clock.HlcBound;
import io.elara.crdt.clock.VersionVector;
import io.elara.crdt.codec.CrdtDecodeException.Reason;
import io.elara.crdt.counter.PnCounter;
import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crdt.register.MvRegister;
import io.elara.crdt.sequence.ChatLog;
import io.elara.crdt.sequence.ChatLogEntry;
import io.elara.crdt.set.OrSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The binary encoding of every CRDT, used alike for deltas and snapshots (a delta is a state of the same type):
 *
 * <pre>
 *  0        1        2                      n-4               n
 * +--------+--------+----------- ... ------+--------+--------+
 * |version | type   | body                 | CRC-32C (big end.)|
 * +--------+--------+----------- ... ------+--------+--------+
 * </pre>
 *
 * Integers are unsigned LEB128 varints in their shortest form (replica ids as their 64 raw bits); signed element
 * values are zig-zag. Every collection is written in a canonical order (dots and replicas ascending, chat entries in
 * log order, map keys by their encoded bytes), so equal states encode to equal bytes. Counts are bounded by the
 * constants named below and by the bytes left. The CRC-32C trailer catches every single-bit and burst corruption of
 * up to 32 bits. Decoders are stateless and throw only {@link CrdtDecodeException}; callers merge only what decoded,
 * so a refused input leaves the replica unchanged.
 *
 * <p>The types that carry HLC timestamps (LWW register, LWW map, chat log) also have decoders taking an
 * {@link HlcBound}: input holding a timestamp beyond it is refused as {@link Reason#HLC_FUTURE}. Input from other
 * replicas should always be decoded with the bound of the moment ({@code HlcClock.bound(wallMs)}); the overloads
 * without one accept any timestamp and suit only trusted input, such as the replica's own snapshot.
 */
public final class CrdtCodec {
    /** The encoding version this build writes and reads. */
    public static final int VERSION = 1;
    /** Most entries one encoded state or delta may carry. */
    public static final int ENTRIES_MAX = 1 << 20;

    static final int CHECKSUM_LENGTH = 4;
    static final int HEADER_LENGTH = 2;

    /** The type byte of each encoding. */
    public enum Type {
        VERSION_VECTOR(1),
        CAUSAL_CONTEXT(2),
        LWW_REGISTER(3),
        LWW_MAP(4),
        MV_REGISTER(5),
        OR_SET(6),
        PN_COUNTER(7),
        CHAT_LOG(8);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private CrdtCodec() {}

    // ---- encoders

    public static byte[] encode(VersionVector vector) {
        ByteWriter out = header(Type.VERSION_VECTOR);
        writeVector(vector, out);
        return seal(out);
    }

    public static byte[] encode(CausalContext context) {
        ByteWriter out = header(Type.CAUSAL_CONTEXT);
        writeContext(context, out);
        return seal(out);
    }

    public static <T> byte[] encode(LwwRegister<T> register, ElementCodec<T> values) {
        ByteWriter out = header(Type.LWW_REGISTER);
        writeRegister(register, values, out);
        return seal(out);
    }

    public static <K, V> byte[] encode(LwwMap<K, V> map, ElementCodec<K> keys, ElementCodec<V> values) {
        ByteWriter out = header(Type.LWW_MAP);
        // Keys have no order of their own; their encodings do, which makes the bytes canonical.
        List<Map.Entry<byte[], LwwRegister<V>>> sorted = new ArrayList<>();
        map.entries().forEach((key, register) -> {
            ByteWriter keyBytes = new ByteWriter();
            keys.encode(key, keyBytes);
            sorted.add(Map.entry(keyBytes.toByteArray(), register));
        });
        sorted.sort((left, right) -> Arrays.compareUnsigned(left.getKey(), right.getKey()));
        out.writeUnsignedVarint(sorted.size());
        for (Map.Entry<byte[], LwwRegister<V>> entry : sorted) {
            out.writeBytes(entry.getKey());
            writeRegister(entry.getValue(), values, out);
        }
        return seal(out);
    }

    public static <T> byte[] encode(MvRegister<T> register, ElementCodec<T> values) {
        ByteWriter out = header(Type.MV_REGISTER);
        writeStore(register.store(), values, out);
        return seal(out);
    }

    public static <E> byte[] encode(OrSet<E> set, ElementCodec<E> elements) {
        ByteWriter out = header(Type.OR_SET);
        writeStore(set.store(), elements, out);
        return seal(out);
    }

    public static byte[] encode(PnCounter counter) {
        ByteWriter out = header(Type.PN_COUNTER);
        out.writeUnsignedVarint(counter.totals().size());
        counter.totals()
                .forEach((replica, totals) -> out.writeUnsignedVarint(replica)
                        .writeUnsignedVarint(totals.increments())
                        .writeUnsignedVarint(totals.decrements()));
        return seal(out);
    }

    public static byte[] encode(ChatLog log) {
        ByteWriter out = header(Type.CHAT_LOG);
        out.writeUnsignedVarint(log.size());
        for (ChatLogEntry entry : log.entries()) {
            out.writeUnsignedVarint(entry.author())
                    .writeUnsignedVarint(entry.sequence())
                    .writeUnsignedVarint(entry.hlc())
                    .writeLengthPrefixed(entry.payload());
        }
        return seal(out);
    }

    // ---- decoders

    public static VersionVector decodeVersionVector(byte[] bytes) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.VERSION_VECTOR);
        VersionVector vector = readVector(in);
        in.expectEnd();
        return vector;
    }

    public static CausalContext decodeCausalContext(byte[] bytes) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.CAUSAL_CONTEXT);
        CausalContext context = readContext(in);
        in.expectEnd();
        return context;
    }

    /** Decodes a register, accepting any timestamp: only for trusted input. */
    public static <T> LwwRegister<T> decodeLwwRegister(byte[] bytes, ElementCodec<T> values)
            throws CrdtDecodeException {
        return decodeLwwRegister(bytes, values, HlcBound.UNBOUNDED);
    }

    /** Decodes a register, refusing a timestamp beyond {@code bound} as {@link Reason#HLC_FUTURE}. */
    public static <T> LwwRegister<T> decodeLwwRegister(byte[] bytes, ElementCodec<T> values, HlcBound bound)
            throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.LWW_REGISTER);
        LwwRegister<T> register = readRegister(in, values, bound);
        in.expectEnd();
        return register;
    }

    /** Decodes a map, accepting any timestamp: only for trusted input. */
    public static <K, V> LwwMap<K, V> decodeLwwMap(byte[] bytes, ElementCodec<K> keys, ElementCodec<V> values)
            throws CrdtDecodeException {
        return decodeLwwMap(bytes, keys, values, HlcBound.UNBOUNDED);
    }

    /** Decodes a map, refusing any entry's timestamp beyond {@code bound} as {@link Reason#HLC_FUTURE}. */
    public static <K, V> LwwMap<K, V> decodeLwwMap(
            byte[] bytes, ElementCodec<K> keys, ElementCodec<V> values, HlcBound bound) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.LWW_MAP);
        int count = in.readCount(LwwMap.KEYS_MAX, 4);
        Map<K, LwwRegister<V>> entries = new HashMap<>();
        byte[] previousKey = null;
        for (int i = 0; i < count; i++) {
            int keyStart = in.position();
            K key = keys.decode(in);
            // Keys are written in the order of their encodings; any other order is not this encoder's output.
            byte[] keyBytes = in.readSince(keyStart);
            if (previousKey != null && Arrays.compareUnsigned(previousKey, keyBytes) >= 0) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "keys out of order");
            }
            previousKey = keyBytes;
            if (entries.put(key, readRegister(in, values, bound)) != null) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "key repeated");
            }
        }
        in.expectEnd();
        return LwwMap.of(entries);
    }

    public static <T> MvRegister<T> decodeMvRegister(byte[] bytes, ElementCodec<T> values) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.MV_REGISTER);
        DotStore<T> store = readStore(in, values);
        in.expectEnd();
        return MvRegister.of(store);
    }

    public static <E> OrSet<E> decodeOrSet(byte[] bytes, ElementCodec<E> elements) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.OR_SET);
        DotStore<E> store = readStore(in, elements);
        in.expectEnd();
        return OrSet.of(store);
    }

    public static PnCounter decodePnCounter(byte[] bytes) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.PN_COUNTER);
        int count = in.readCount(VersionVector.REPLICAS_MAX, 3);
        TreeMap<Long, PnCounter.Totals> totals = new TreeMap<>();
        Long previous = null;
        for (int i = 0; i < count; i++) {
            long replica = in.readUnsignedVarint();
            previous = checkAscending(previous, replica);
            long increments = in.readUnsignedVarint();
            long decrements = in.readUnsignedVarint();
            // Beyond TOTAL_MAX, increments plus decrements (the digest) could overflow once merged.
            if (increments < 0
                    || decrements < 0
                    || increments > PnCounter.TOTAL_MAX
                    || decrements > PnCounter.TOTAL_MAX) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "total beyond " + PnCounter.TOTAL_MAX);
            }
            if (increments == 0 && decrements == 0) {
                // Not canonical: a replica with nothing counted is written as no entry at all.
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "a replica with both totals 0");
            }
            totals.put(replica, new PnCounter.Totals(increments, decrements));
        }
        in.expectEnd();
        return PnCounter.of(totals);
    }

    /** Decodes a chat log, accepting any timestamp: only for trusted input. */
    public static ChatLog decodeChatLog(byte[] bytes) throws CrdtDecodeException {
        return decodeChatLog(bytes, HlcBound.UNBOUNDED);
    }

    /** Decodes a chat log, refusing any entry's timestamp beyond {@code bound} as {@link Reason#HLC_FUTURE}. */
    public static ChatLog decodeChatLog(byte[] bytes, HlcBound bound) throws CrdtDecodeException {
        ByteReader in = open(bytes, Type.CHAT_LOG);
        int count = in.readCount(ENTRIES_MAX, 4);
        List<ChatLogEntry> entries = new ArrayList<>(count);
        TreeSet<Dot> ids = new TreeSet<>();
        ChatLogEntry previous = null;
        for (int i = 0; i < count; i++) {
            long author = in.readUnsignedVarint();
            long sequence = in.readUnsignedVarint();
            long hlc = checkHlc(in.readUnsignedVarint(), bound);
            byte[] payload = in.readLengthPrefixed(ChatLog.PAYLOAD_LENGTH_MAX);
            if (sequence < 1) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "sequence number 0");
            }
            ChatLogEntry entry = new ChatLogEntry(author, sequence, hlc, payload);
            if (previous != null && ChatLogEntry.ORDER.compare(previous, entry) >= 0) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "entries out of log order");
            }
            if (!ids.add(entry.id())) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "entry id repeated: " + entry.id());
            }
            entries.add(entry);
            previous = entry;
        }
        in.expectEnd();
        checkCloud(ids);
        return ChatLog.of(entries);
    }

    // ---- envelope

    private static ByteWriter header(Type type) {
        return new ByteWriter().writeByte(VERSION).writeByte(type.code());
    }

    private static byte[] seal(ByteWriter out) {
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        long checksum = crc.getValue();
        byte[] sealed = Arrays.copyOf(body, body.length + CHECKSUM_LENGTH);
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            sealed[body.length + i] = (byte) (checksum >>> (8 * (CHECKSUM_LENGTH - 1 - i)));
        }
        return sealed;
    }

    /** Checks length, version, checksum and type; returns a reader over the body. */
    private static ByteReader open(byte[] bytes, Type expected) throws CrdtDecodeException {
        if (bytes.length < 1) {
            throw new CrdtDecodeException(Reason.TRUNCATED, "empty input");
        }
        if ((bytes[0] & 0xFF) != VERSION) {
            throw new CrdtDecodeException(Reason.UNKNOWN_VERSION, "version " + (bytes[0] & 0xFF));
        }
        if (bytes.length < HEADER_LENGTH + CHECKSUM_LENGTH) {
            throw new CrdtDecodeException(Reason.TRUNCATED, bytes.length + " bytes, shorter than header and trailer");
        }
        int bodyEnd = bytes.length - CHECKSUM_LENGTH;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bodyEnd);
        long stated = 0;
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            stated = (stated << 8) | (bytes[bodyEnd + i] & 0xFF);
        }
        if (stated != crc.getValue()) {
            throw new CrdtDecodeException(Reason.CHECKSUM_MISMATCH, "checksum " + Long.toHexString(stated));
        }
        if ((bytes[1] & 0xFF) != expected.code()) {
            throw new CrdtDecodeException(Reason.WRONG_TYPE, "type " + (bytes[1] & 0xFF) + ", expected " + expected);
        }
        return new ByteReader(bytes, HEADER_LENGTH, bodyEnd);
    }

    // ---- parts

    private static void writeVector(VersionVector vector, ByteWriter out) {
        out.writeUnsignedVarint(vector.size());
        vector.counters()
                .forEach((replica, counter) -> out.writeUnsignedVarint(replica).writeUnsignedVarint(counter));
    }

    private static VersionVector readVector(ByteReader in) throws CrdtDecodeException {
        int count = in.readCount(VersionVector.REPLICAS_MAX, 2);
        TreeMap<Long, Long> counters = new TreeMap<>();
        Long previous = null;
        for (int i = 0; i < count; i++) {
            long replica = in.readUnsignedVarint();
            previous = checkAscending(previous, replica);
            counters.put(replica, readCounter(in));
        }
        return VersionVector.of(counters);
    }

    private static void writeContext(CausalContext context, ByteWriter out) {
        writeVector(context.versionVector(), out);
        out.writeUnsignedVarint(context.cloudSize());
        for (Dot dot : context.cloud()) {
            writeDot(dot, out);
        }
    }

    private static CausalContext readContext(ByteReader in) throws CrdtDecodeException {
        VersionVector vector = readVector(in);
        int count = in.readCount(CausalContext.CLOUD_DOTS_MAX, 2);
        TreeSet<Dot> cloud = new TreeSet<>();
        Dot previous = null;
        for (int i = 0; i < count; i++) {
            Dot dot = readDot(in);
            if (previous != null && previous.compareTo(dot) >= 0) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "cloud dots out of order");
            }
            // A cloud dot inside or continuing the prefix would be folded in: not the canonical encoding.
            if (dot.counter() - 1 <= vector.get(dot.replica())) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "cloud dot " + dot + " belongs in the vector");
            }
            cloud.add(dot);
            previous = dot;
        }
        checkCloud(cloud);
        TreeSet<Long> replicas = new TreeSet<>(vector.counters().keySet());
        cloud.forEach(dot -> replicas.add(dot.replica()));
        if (replicas.size() > VersionVector.REPLICAS_MAX) {
            throw new CrdtDecodeException(Reason.COUNT_BEYOND_BOUND, replicas.size() + " replicas");
        }
        return CausalContext.of(vector, cloud);
    }

    private static void writeDot(Dot dot, ByteWriter out) {
        out.writeUnsignedVarint(dot.replica()).writeUnsignedVarint(dot.counter());
    }

    private static Dot readDot(ByteReader in) throws CrdtDecodeException {
        long replica = in.readUnsignedVarint();
        return new Dot(replica, readCounter(in));
    }

    private static long readCounter(ByteReader in) throws CrdtDecodeException {
        long counter = in.readUnsignedVarint();
        if (counter < 1) {
            throw new CrdtDecodeException(Reason.INVALID_VALUE, "counter " + Long.toUnsignedString(counter));
        }
        return counter;
    }

    private static <T> void writeRegister(LwwRegister<T> register, ElementCodec<T> values, ByteWriter out) {
        out.writeUnsignedVarint(register.hlc()).writeUnsignedVarint(register.replica());
        Optional<T> value = register.value();
        out.writeByte(value.isPresent() ? 1 : 0);
        value.ifPresent(present -> values.encode(present, out));
    }

    private static <T> LwwRegister<T> readRegister(ByteReader in, ElementCodec<T> values, HlcBound bound)
            throws CrdtDecodeException {
        long hlc = checkHlc(in.readUnsignedVarint(), bound);
        long replica = in.readUnsignedVarint();
        int present = in.readByte();
        if (present > 1) {
            throw new CrdtDecodeException(Reason.INVALID_VALUE, "presence flag " + present);
        }
        if (hlc == 0 && (replica != 0 || present == 1)) {
            throw new CrdtDecodeException(Reason.INVALID_VALUE, "a write without a clock value");
        }
        return LwwRegister.of(present == 1 ? Optional.of(values.decode(in)) : Optional.empty(), hlc, replica);
    }

    private static <V> void writeStore(DotStore<V> store, ElementCodec<V> values, ByteWriter out) {
        writeContext(store.context(), out);
        out.writeUnsignedVarint(store.entries().size());
        store.entries().forEach((dot, value) -> {
            writeDot(dot, out);
            values.encode(value, out);
        });
    }

    private static <V> DotStore<V> readStore(ByteReader in, ElementCodec<V> values) throws CrdtDecodeException {
        CausalContext context = readContext(in);
        int count = in.readCount(ENTRIES_MAX, 3);
        TreeMap<Dot, V> entries = new TreeMap<>();
        Dot previous = null;
        for (int i = 0; i < count; i++) {
            Dot dot = readDot(in);
            if (previous != null && previous.compareTo(dot) >= 0) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "entries out of dot order");
            }
            if (!context.contains(dot)) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "entry " + dot + " outside the causal context");
            }
            entries.put(dot, values.decode(in));
            previous = dot;
        }
        return DotStore.of(entries, context);
    }

    private static long checkHlc(long hlc, HlcBound bound) throws CrdtDecodeException {
        if (!bound.admits(hlc)) {
            throw new CrdtDecodeException(
                    Reason.HLC_FUTURE,
                    "HLC " + Hlc.format(hlc) + " is beyond the accepted " + Hlc.format(bound.maxAcceptedHlc()));
        }
        return hlc;
    }

    private static Long checkAscending(Long previous, long replica) throws CrdtDecodeException {
        if (previous != null && previous >= replica) {
            throw new CrdtDecodeException(Reason.INVALID_VALUE, "replicas out of order");
        }
        return replica;
    }

    /**
     * Refuses dots whose compacted context would break the cloud or replica bound, so building it cannot throw. The
     * same single pass as {@link CausalContext#of}: sorted by replica then counter, a run continuing a prefix folds in.
     */
    private static void checkCloud(NavigableSet<Dot> dots) throws CrdtDecodeException {
        Map<Long, Long> prefix = new HashMap<>();
        int cloud = 0;
        for (Dot dot : dots) {
            long seen = prefix.getOrDefault(dot.replica(), 0L);
            if (dot.counter() == seen + 1) {
                prefix.put(dot.replica(), dot.counter());
            } else {
                prefix.putIfAbsent(dot.replica(), 0L);
                cloud++;
            }
        }
        if (cloud > CausalContext.CLOUD_DOTS_MAX || prefix.size() > VersionVector.REPLICAS_MAX) {
            throw new CrdtDecodeException(
                    Reason.COUNT_BEYOND_BOUND, cloud + " out-of-order dots over " + prefix.size() + " replicas");
        }
    }
}
