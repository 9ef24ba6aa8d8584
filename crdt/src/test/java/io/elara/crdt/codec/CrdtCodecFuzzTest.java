package io.elara.crdt.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.crdt.clock.HlcBound;
import io.elara.crdt.clock.VersionVector;
import io.elara.crdt.counter.PnCounter;
import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crdt.register.MvRegister;
import io.elara.crdt.sequence.ChatLog;
import io.elara.crdt.sequence.ChatLogEntry;
import io.elara.crdt.set.OrSet;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Fuzz targets for every {@link CrdtCodec} decoder, one per type. Each input is decoded twice: as it is (which mostly
 * exercises the checksum) and as version, type and body sealed with a correct CRC-32C, so that mutations reach the
 * body parsers instead of dying on the checksum. The property: arbitrary bytes either decode to a
 * value whose encoding decodes again to an equal value encoding to the same bytes, or are refused with a
 * {@link CrdtDecodeException} carrying a reason; never another exception. Where the encoding is canonical, an accepted
 * input must be exactly the encoding of what it decoded to. Under plain {@code mvn test} each target replays its seeds
 * from {@code src/test/resources/io/elara/crdt/codec/CrdtCodecFuzzTestInputs} (written by {@link CrdtCodecFuzzSeeds});
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class CrdtCodecFuzzTest {
    interface Decoder<T> {
        T decode(byte[] bytes) throws CrdtDecodeException;
    }

    interface Encoder<T> {
        byte[] encode(T value);
    }

    /** {@code body} followed by its CRC-32C, as the encoder seals it. */
    static byte[] seal(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        long checksum = crc.getValue();
        byte[] sealed = Arrays.copyOf(body, body.length + 4);
        for (int i = 0; i < 4; i++) {
            sealed[body.length + i] = (byte) (checksum >>> (24 - 8 * i));
        }
        return sealed;
    }

    /** Both the raw input and the input sealed with a correct checksum must keep the round-trip property. */
    private static <T> T roundTrip(
            byte[] raw, Decoder<T> decoder, Encoder<T> encoder, boolean valueEquality, boolean canonical) {
        decodeAndCheck(raw, decoder, encoder, valueEquality, canonical);
        return decodeAndCheck(seal(raw), decoder, encoder, valueEquality, canonical);
    }

    /**
     * Decodes {@code input}; when accepted, checks that re-encoding is stable and, if {@code canonical}, that the
     * input was the value's own encoding. Returns the value, or null when refused.
     */
    private static <T> T decodeAndCheck(
            byte[] input, Decoder<T> decoder, Encoder<T> encoder, boolean valueEquality, boolean canonical) {
        T value;
        try {
            value = decoder.decode(input);
        } catch (CrdtDecodeException refused) {
            Objects.requireNonNull(refused.reason(), "a refusal without a reason");
            return null;
        }
        byte[] encoded = encoder.encode(value);
        T again;
        try {
            again = decoder.decode(encoded);
        } catch (CrdtDecodeException refused) {
            throw new IllegalStateException("the encoding of an accepted value is refused: " + refused.getMessage());
        }
        if (valueEquality && !value.equals(again)) {
            throw new IllegalStateException("round trip changed the value: " + value + " -> " + again);
        }
        if (!Arrays.equals(encoded, encoder.encode(again))) {
            throw new IllegalStateException("re-encoding is not stable for " + value);
        }
        if (canonical && !Arrays.equals(input, encoded)) {
            throw new IllegalStateException("accepted a non-canonical encoding of " + value);
        }
        return value;
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzVersionVector(byte[] input) {
        roundTrip(input, CrdtCodec::decodeVersionVector, CrdtCodec::encode, true, true);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzCausalContext(byte[] input) {
        roundTrip(input, CrdtCodec::decodeCausalContext, CrdtCodec::encode, true, true);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzLwwRegister(byte[] input) {
        roundTrip(
                input,
                bytes -> CrdtCodec.decodeLwwRegister(bytes, ElementCodecs.STRING),
                (LwwRegister<String> value) -> CrdtCodec.encode(value, ElementCodecs.STRING),
                true,
                true);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzLwwMap(byte[] input) {
        roundTrip(
                input,
                bytes -> CrdtCodec.decodeLwwMap(bytes, ElementCodecs.STRING, ElementCodecs.LONG),
                (LwwMap<String, Long> value) -> CrdtCodec.encode(value, ElementCodecs.STRING, ElementCodecs.LONG),
                true,
                true);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzMvRegister(byte[] input) {
        roundTrip(
                input,
                bytes -> CrdtCodec.decodeMvRegister(bytes, ElementCodecs.LONG),
                (MvRegister<Long> value) -> CrdtCodec.encode(value, ElementCodecs.LONG),
                true,
                true);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzOrSet(byte[] input) {
        roundTrip(
                input,
                bytes -> CrdtCodec.decodeOrSet(bytes, ElementCodecs.STRING),
                (OrSet<String> value) -> CrdtCodec.encode(value, ElementCodecs.STRING),
                true,
                true);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzPnCounter(byte[] input) {
        PnCounter counter = roundTrip(input, CrdtCodec::decodePnCounter, CrdtCodec::encode, true, true);
        if (counter != null) {
            // What anti-entropy does with a merged remote counter must not throw either.
            counter.value();
            counter.merge(counter).digest();
            counter.deltaSince(VersionVector.empty());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzChatLog(byte[] input) {
        // ChatLog is mutable and has no value equality: its encoding stands for it.
        roundTrip(input, CrdtCodec::decodeChatLog, CrdtCodec::encode, false, true);
    }

    /**
     * The bounded decoders, merged into a replica: a wall time, then the input. Accepted input holds no timestamp
     * beyond the bound; refused input leaves the replica byte-identical.
     */
    @FuzzTest(maxDuration = "60s")
    void fuzzBoundedMerge(FuzzedDataProvider data) {
        HlcBound bound = HlcBound.at(data.consumeLong(0, 1L << 44), data.consumeLong(0, 1L << 20));
        int which = data.consumeInt(0, 2);
        byte[] input = seal(data.consumeRemainingAsBytes());
        try {
            switch (which) {
                case 0 -> {
                    LwwRegister<Long> replica = LwwRegister.<Long>empty().set(7L, 1L << 16, 1);
                    LwwRegister<Long> delta = CrdtCodec.decodeLwwRegister(input, ElementCodecs.LONG, bound);
                    check(bound.admits(delta.hlc()), "register beyond the bound");
                    replica.merge(delta);
                }
                case 1 -> {
                    LwwMap<Long, Long> delta =
                            CrdtCodec.decodeLwwMap(input, ElementCodecs.LONG, ElementCodecs.LONG, bound);
                    delta.entries().values().forEach(register -> check(bound.admits(register.hlc()), "map entry"));
                    LwwMap.<Long, Long>empty().put(1L, 1L, 1L << 16, 1).merge(delta);
                }
                default -> {
                    ChatLog replica = new ChatLog();
                    replica.append(1, 1L << 16, new byte[] {1});
                    byte[] before = CrdtCodec.encode(replica);
                    try {
                        ChatLog delta = CrdtCodec.decodeChatLog(input, bound);
                        for (ChatLogEntry entry : delta.entries()) {
                            check(bound.admits(entry.hlc()), "chat entry beyond the bound");
                        }
                        replica.merge(delta);
                        replica.merge(delta);
                    } catch (CrdtDecodeException refused) {
                        check(Arrays.equals(before, CrdtCodec.encode(replica)), "a refused delta changed the log");
                    }
                }
            }
        } catch (CrdtDecodeException refused) {
            Objects.requireNonNull(refused.reason(), "a refusal without a reason");
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
