package io.elara.crdt.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.Hlc;
import io.elara.crdt.clock.VersionVector;
import io.elara.crdt.codec.CrdtDecodeException.Reason;
import io.elara.crdt.counter.PnCounter;
import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crdt.register.MvRegister;
import io.elara.crdt.sequence.ChatLog;
import io.elara.crdt.set.OrSet;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Every decoder refuses malformed input with a typed reason and never an unchecked exception. */
class CrdtCodecBadInputTest {
    interface Decoder {
        Object decode(byte[] bytes) throws CrdtDecodeException;
    }

    @SuppressWarnings("ArrayRecordComponent") // Test fixture: read-only golden bytes, never compared.
    record Case(String name, byte[] good, Decoder decoder) {}

    private static List<Case> cases() {
        OrSet<String> set = OrSet.<String>empty();
        set = set.merge(set.add("a", 1)).merge(set.add("b", 2));
        MvRegister<String> register = MvRegister.<String>empty();
        register = register.merge(register.write("x", 1));
        LwwMap<String, byte[]> map = LwwMap.<String, byte[]>empty().put("k", new byte[] {1, 2}, Hlc.pack(5, 1), 3);
        ChatLog log = new ChatLog();
        log.append(1, Hlc.pack(9, 0), "hi".getBytes(StandardCharsets.UTF_8));
        return List.of(
                new Case(
                        "version vector",
                        CrdtCodec.encode(VersionVector.of(Map.of(1L, 2L))),
                        CrdtCodec::decodeVersionVector),
                new Case(
                        "causal context",
                        CrdtCodec.encode(CausalContext.empty().add(new Dot(2, 3))),
                        CrdtCodec::decodeCausalContext),
                new Case(
                        "lww register",
                        CrdtCodec.encode(LwwRegister.<Long>empty().set(-7L, Hlc.pack(3, 0), 1), ElementCodecs.LONG),
                        bytes -> CrdtCodec.decodeLwwRegister(bytes, ElementCodecs.LONG)),
                new Case(
                        "lww map",
                        CrdtCodec.encode(map, ElementCodecs.STRING, ElementCodecs.BYTES),
                        bytes -> CrdtCodec.decodeLwwMap(bytes, ElementCodecs.STRING, ElementCodecs.BYTES)),
                new Case(
                        "mv register",
                        CrdtCodec.encode(register, ElementCodecs.STRING),
                        bytes -> CrdtCodec.decodeMvRegister(bytes, ElementCodecs.STRING)),
                new Case(
                        "or-set",
                        CrdtCodec.encode(set, ElementCodecs.STRING),
                        bytes -> CrdtCodec.decodeOrSet(bytes, ElementCodecs.STRING)),
                new Case(
                        "pn-counter", CrdtCodec.encode(PnCounter.empty().increment(4, 10)), CrdtCodec::decodePnCounter),
                new Case("chat log", CrdtCodec.encode(log), CrdtCodec::decodeChatLog));
    }

    private static Reason rejection(Case test, byte[] bytes) {
        CrdtDecodeException refused = catchThrowableOfType(
                CrdtDecodeException.class, () -> test.decoder().decode(bytes));
        assertThat(refused).as("%s: %s", test.name(), Arrays.toString(bytes)).isNotNull();
        return refused.reason();
    }

    /** Header and body (checksum dropped), then {@code extra}, sealed with a correct checksum. */
    private static byte[] reseal(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        long checksum = crc.getValue();
        byte[] sealed = Arrays.copyOf(body, body.length + 4);
        for (int i = 0; i < 4; i++) {
            sealed[body.length + i] = (byte) (checksum >>> (24 - 8 * i));
        }
        return sealed;
    }

    private static byte[] bodyOf(byte[] encoded) {
        return Arrays.copyOf(encoded, encoded.length - 4);
    }

    private static byte[] concat(byte[] first, byte... second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    @Test
    void shouldDecodeTheGoodEncodingWhenNothingIsWrong() throws CrdtDecodeException {
        for (Case test : cases()) {
            assertThat(test.decoder().decode(test.good())).as(test.name()).isNotNull();
        }
    }

    @Test
    void shouldRejectWhenTruncatedAtAnyLength() {
        for (Case test : cases()) {
            for (int length = 0; length < test.good().length; length++) {
                rejection(test, Arrays.copyOf(test.good(), length));
            }
            assertThat(rejection(test, new byte[0])).isEqualTo(Reason.TRUNCATED);
            assertThat(rejection(test, Arrays.copyOf(test.good(), 5))).isEqualTo(Reason.TRUNCATED);
            // A body cut short but correctly sealed runs out of bytes while parsing.
            byte[] body = bodyOf(test.good());
            assertThat(rejection(test, reseal(Arrays.copyOf(body, body.length - 1))))
                    .as(test.name())
                    .isIn(Reason.TRUNCATED, Reason.COUNT_BEYOND_BOUND);
        }
    }

    @Test
    void shouldRejectWhenAnySingleBitIsFlipped() {
        for (Case test : cases()) {
            for (int bit = 0; bit < test.good().length * 8; bit++) {
                byte[] flipped = test.good().clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                assertThat(rejection(test, flipped))
                        .as("%s bit %d", test.name(), bit)
                        .isIn(Reason.CHECKSUM_MISMATCH, Reason.UNKNOWN_VERSION);
            }
        }
    }

    @Test
    void shouldRejectWhenTheVersionIsUnknown() {
        for (Case test : cases()) {
            byte[] body = bodyOf(test.good());
            body[0] = 2;
            assertThat(rejection(test, reseal(body))).isEqualTo(Reason.UNKNOWN_VERSION);
        }
    }

    @Test
    void shouldRejectWhenBytesTrailTheEncoding() {
        for (Case test : cases()) {
            assertThat(rejection(test, reseal(concat(bodyOf(test.good()), (byte) 0))))
                    .as(test.name())
                    .isEqualTo(Reason.TRAILING_BYTES);
        }
    }

    @Test
    void shouldRejectWhenTheTypeIsAnotherCrdts() {
        List<Case> all = cases();
        for (int i = 0; i < all.size(); i++) {
            Case other = all.get((i + 1) % all.size());
            assertThat(rejection(all.get(i), other.good())).isEqualTo(Reason.WRONG_TYPE);
        }
    }

    @Test
    void shouldRejectWhenACountExceedsItsBoundOrTheInput() {
        for (Case test : cases()) {
            byte[] header = Arrays.copyOf(test.good(), 2);
            // A count of 2^35: beyond every bound (the LWW register, which has no count, runs out of input instead).
            assertThat(rejection(test, reseal(concat(header, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte)
                            0x40))))
                    .as(test.name())
                    .isIn(Reason.COUNT_BEYOND_BOUND, Reason.TRUNCATED);
            // A count of 100 items with no bytes to hold them.
            Reason small = rejection(test, reseal(concat(header, (byte) 100)));
            assertThat(small).as(test.name()).isIn(Reason.COUNT_BEYOND_BOUND, Reason.TRUNCATED);
        }
    }

    @Test
    void shouldRejectWhenAVarintIsOverlongOrTooWide() {
        Case vector = cases().get(0);
        byte[] header = Arrays.copyOf(vector.good(), 2);
        assertThat(rejection(vector, reseal(concat(header, (byte) 0x81, (byte) 0x00, (byte) 1, (byte) 1))))
                .isEqualTo(Reason.MALFORMED_VARINT);
        byte[] eleven = new byte[11];
        Arrays.fill(eleven, (byte) 0xFF);
        assertThat(rejection(vector, reseal(concat(header, eleven)))).isEqualTo(Reason.MALFORMED_VARINT);
    }

    @Test
    void shouldRejectWhenAnEntryLiesOutsideTheCausalContext() {
        Case set = cases().get(5);
        // Empty context, one entry: dot 1:1 holding "a".
        byte[] body = {1, (byte) CrdtCodec.Type.OR_SET.code(), 0, 0, 1, 1, 1, 1, 'a'};
        assertThat(rejection(set, reseal(body))).isEqualTo(Reason.INVALID_VALUE);
        byte[] badUtf8 = {1, (byte) CrdtCodec.Type.OR_SET.code(), 1, 1, 1, 0, 1, 1, 1, 1, (byte) 0xFF};
        assertThat(rejection(set, reseal(badUtf8))).isEqualTo(Reason.INVALID_VALUE);
    }

    @Test
    void shouldLeaveTheReplicaUnchangedWhenADeltaIsRefused() {
        ChatLog log = new ChatLog();
        log.append(1, Hlc.pack(9, 0), new byte[] {1});
        byte[] before = CrdtCodec.encode(log);
        ChatLog other = new ChatLog();
        byte[] delta = CrdtCodec.encode(other.append(2, Hlc.pack(10, 0), new byte[] {2}));
        delta[delta.length / 2] ^= 0x10;
        try {
            log.merge(CrdtCodec.decodeChatLog(delta));
        } catch (CrdtDecodeException refused) {
            assertThat(refused.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
        }
        assertThat(CrdtCodec.encode(log)).isEqualTo(before);
    }

    @Test
    void shouldRejectWhenAPnCounterReplicaHasBothTotalsZero() {
        // Not canonical: a replica that counted nothing is written as no entry, so equal counters encode equally.
        byte[] body = {1, (byte) CrdtCodec.Type.PN_COUNTER.code(), 1, 7, 0, 0};
        assertThat(rejection(cases().get(6), reseal(body))).isEqualTo(Reason.INVALID_VALUE);
    }

    @Test
    void shouldRejectWhenAPnCounterTotalExceedsItsBound() {
        Case counter = cases().get(6);
        // One replica (1) with increments TOTAL_MAX + 1 = 2^62 (varint 80 80 80 80 80 80 80 80 40) and decrements 0.
        byte[] body = {
            1,
            (byte) CrdtCodec.Type.PN_COUNTER.code(),
            1,
            1,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0x40,
            0
        };
        assertThat(rejection(counter, reseal(body))).isEqualTo(Reason.INVALID_VALUE);
    }
}
