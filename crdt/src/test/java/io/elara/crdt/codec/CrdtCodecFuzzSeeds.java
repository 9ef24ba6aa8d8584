package io.elara.crdt.codec;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.Hlc;
import io.elara.crdt.clock.VersionVector;
import io.elara.crdt.counter.PnCounter;
import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crdt.register.MvRegister;
import io.elara.crdt.sequence.ChatLog;
import io.elara.crdt.set.OrSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed corpus of {@link CrdtCodecFuzzTest}: valid encodings of each type without their CRC-32C trailer (the targets
 * seal what they are given), by target method and seed name.
 * {@link CrdtCodecFuzzSeedsTest} checks the committed files still match; to rewrite them, run {@link #main} from the
 * module directory.
 */
final class CrdtCodecFuzzSeeds {
    static final String DIRECTORY = "src/test/resources/io/elara/crdt/codec/CrdtCodecFuzzTestInputs";
    private static final long T = 1_767_225_600_000L;

    private CrdtCodecFuzzSeeds() {}

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        encodings().forEach((name, encoding) -> bodies.put(name, Arrays.copyOf(encoding, encoding.length - 4)));
        return bodies;
    }

    /** Whole encodings, CRC included. */
    static Map<String, byte[]> encodings() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        VersionVector vector = VersionVector.of(Map.of(1L, 3L, 200L, 70_000L));
        seeds.put("fuzzVersionVector/empty", CrdtCodec.encode(VersionVector.of(Map.of())));
        seeds.put("fuzzVersionVector/two-replicas", CrdtCodec.encode(vector));
        CausalContext context = CausalContext.empty()
                .add(new Dot(1, 1))
                .add(new Dot(1, 2))
                .add(new Dot(2, 5))
                .add(new Dot(-1L, 1));
        seeds.put("fuzzCausalContext/prefix-and-cloud", CrdtCodec.encode(context));
        seeds.put("fuzzCausalContext/empty", CrdtCodec.encode(CausalContext.empty()));

        LwwRegister<String> register = LwwRegister.<String>empty().set("héllo", Hlc.pack(T, 3), 9);
        seeds.put("fuzzLwwRegister/written", CrdtCodec.encode(register, ElementCodecs.STRING));
        seeds.put("fuzzLwwRegister/cleared", CrdtCodec.encode(register.clear(Hlc.pack(T, 4), 2), ElementCodecs.STRING));
        seeds.put("fuzzLwwRegister/empty", CrdtCodec.encode(LwwRegister.<String>empty(), ElementCodecs.STRING));

        LwwMap<String, Long> map = LwwMap.<String, Long>empty();
        map = map.merge(map.put("topic", -5L, Hlc.pack(T, 0), 1))
                .merge(map.put("mode", 1L << 40, Hlc.pack(T, 1), 2))
                .merge(map.remove("gone", Hlc.pack(T + 1, 0), 1));
        seeds.put("fuzzLwwMap/put-put-tombstone", CrdtCodec.encode(map, ElementCodecs.STRING, ElementCodecs.LONG));

        MvRegister<Long> mv = MvRegister.<Long>empty();
        MvRegister<Long> other = mv.merge(mv.write(2L, 2));
        mv = mv.merge(mv.write(1L, 1)).merge(other);
        seeds.put("fuzzMvRegister/concurrent", CrdtCodec.encode(mv, ElementCodecs.LONG));

        OrSet<String> set = OrSet.<String>empty();
        set = set.merge(set.add("a", 1)).merge(set.add("b", 2));
        set = set.merge(set.remove("a"));
        seeds.put("fuzzOrSet/add-add-remove", CrdtCodec.encode(set, ElementCodecs.STRING));

        PnCounter counter = PnCounter.empty().increment(1, 10);
        counter = counter.merge(counter.decrement(3, 4));
        seeds.put("fuzzPnCounter/two-replicas", CrdtCodec.encode(counter));

        ChatLog log = new ChatLog();
        log.append(1, Hlc.pack(T, 0), "hi".getBytes(StandardCharsets.UTF_8));
        log.append(2, Hlc.pack(T, 0), new byte[0]);
        log.append(1, Hlc.pack(T + 5, 1), "again".getBytes(StandardCharsets.UTF_8));
        seeds.put("fuzzChatLog/three-entries", CrdtCodec.encode(log));

        // fuzzBoundedMerge reads a wall time, a drift and a selector from the end, then the input.
        seeds.put("fuzzBoundedMerge/chat-log", CrdtCodec.encode(log));
        seeds.put(
                "fuzzBoundedMerge/register",
                CrdtCodec.encode(LwwRegister.<Long>empty().set(3L, Hlc.pack(T, 0), 4), ElementCodecs.LONG));
        return seeds;
    }

    public static void main(String[] args) throws IOException {
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Path file = Path.of(DIRECTORY, seed.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, seed.getValue());
        }
    }
}
