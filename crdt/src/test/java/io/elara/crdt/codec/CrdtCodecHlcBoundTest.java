package io.elara.crdt.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elara.crdt.clock.Hlc;
import io.elara.crdt.clock.HlcBound;
import io.elara.crdt.clock.HlcClock;
import io.elara.crdt.codec.CrdtDecodeException.Reason;
import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crdt.sequence.ChatLog;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An HLC far in the future is refused by the decoders of every type that carries one (LWW register, LWW map, chat
 * log) with {@link Reason#HLC_FUTURE}, and the replica is byte-identical afterwards; a timestamp exactly at the bound
 * is accepted.
 */
class CrdtCodecHlcBoundTest {
    private static final long WALL_MS = 1_767_225_600_000L;
    private static final long DRIFT_MS = 5_000;
    private static final HlcBound BOUND = new HlcClock(DRIFT_MS).bound(WALL_MS);
    /** The latest acceptable timestamp: the bound's millisecond with a full logical counter. */
    private static final long AT_BOUND = Hlc.pack(WALL_MS + DRIFT_MS, Hlc.LOGICAL_MAX);
    /** One millisecond past the bound, logical 0. */
    private static final long BEYOND = Hlc.pack(WALL_MS + DRIFT_MS + 1, 0);
    /** A year ahead. */
    private static final long FAR_FUTURE = Hlc.pack(WALL_MS + 365L * 24 * 3600 * 1000, 0);

    private static Reason rejection(CrdtCodecBadInputTest.Decoder decoder, byte[] bytes) {
        CrdtDecodeException refused = catchThrowableOfType(CrdtDecodeException.class, () -> decoder.decode(bytes));
        assertThat(refused).isNotNull();
        return refused.reason();
    }

    @Test
    void shouldComputeTheSameBoundAsTheClockWhenGivenWallTimeAndDrift() {
        HlcClock clock = new HlcClock(DRIFT_MS);
        assertThat(BOUND.physicalMsMax()).isEqualTo(WALL_MS + DRIFT_MS);
        assertThat(BOUND.maxAcceptedHlc()).isEqualTo(AT_BOUND);
        for (long hlc : new long[] {0, Hlc.pack(WALL_MS, 0), AT_BOUND - 1, AT_BOUND, BEYOND, FAR_FUTURE, -1L}) {
            assertThat(BOUND.admits(hlc)).as(Hlc.format(hlc)).isEqualTo(clock.acceptable(hlc, WALL_MS));
        }
        assertThat(HlcBound.at(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(HlcBound.UNBOUNDED);
        assertThat(HlcBound.UNBOUNDED.admits(-1L)).isTrue();
    }

    @Test
    void shouldRejectAndLeaveTheRegisterUnchangedWhenTheHlcIsBeyondTheBound() {
        LwwRegister<String> replica = LwwRegister.<String>empty().set("here", Hlc.pack(WALL_MS, 0), 1);
        byte[] before = CrdtCodec.encode(replica, ElementCodecs.STRING);
        for (long hlc : new long[] {BEYOND, FAR_FUTURE}) {
            byte[] delta = CrdtCodec.encode(LwwRegister.<String>empty().set("future", hlc, 2), ElementCodecs.STRING);
            LwwRegister<String> current = replica;
            assertThat(rejection(
                            bytes -> current.merge(CrdtCodec.decodeLwwRegister(bytes, ElementCodecs.STRING, BOUND)),
                            delta))
                    .isEqualTo(Reason.HLC_FUTURE);
            assertThat(CrdtCodec.encode(replica, ElementCodecs.STRING)).isEqualTo(before);
        }
    }

    @Test
    void shouldAcceptTheRegisterWhenTheHlcIsExactlyAtTheBound() throws CrdtDecodeException {
        LwwRegister<String> replica = LwwRegister.<String>empty().set("here", Hlc.pack(WALL_MS, 0), 1);
        byte[] delta = CrdtCodec.encode(LwwRegister.<String>empty().set("edge", AT_BOUND, 2), ElementCodecs.STRING);
        replica = replica.merge(CrdtCodec.decodeLwwRegister(delta, ElementCodecs.STRING, BOUND));
        assertThat(replica.value()).contains("edge");
        // The unbounded overload, for trusted input, still reads any timestamp.
        byte[] far = CrdtCodec.encode(LwwRegister.of(Optional.of("far"), FAR_FUTURE, 2), ElementCodecs.STRING);
        assertThat(CrdtCodec.decodeLwwRegister(far, ElementCodecs.STRING).hlc()).isEqualTo(FAR_FUTURE);
    }

    @Test
    void shouldRejectAndLeaveTheMapUnchangedWhenAnyEntrysHlcIsBeyondTheBound() {
        LwwMap<String, Long> replica = LwwMap.<String, Long>empty().put("a", 1L, Hlc.pack(WALL_MS, 0), 1);
        byte[] before = CrdtCodec.encode(replica, ElementCodecs.STRING, ElementCodecs.LONG);
        // A snapshot holding a good put, a far-future put and a far-future delete (a tombstone carries a clock too).
        LwwMap<String, Long> remote = LwwMap.<String, Long>empty()
                .merge(replica.put("b", 2L, Hlc.pack(WALL_MS - 1, 0), 2))
                .merge(replica.put("c", 3L, FAR_FUTURE, 2));
        LwwMap<String, Long> tombstone = LwwMap.<String, Long>empty().remove("a", BEYOND, 2);
        for (LwwMap<String, Long> delta : java.util.List.of(remote, tombstone)) {
            byte[] bytes = CrdtCodec.encode(delta, ElementCodecs.STRING, ElementCodecs.LONG);
            LwwMap<String, Long> current = replica;
            assertThat(rejection(
                            in -> current.merge(
                                    CrdtCodec.decodeLwwMap(in, ElementCodecs.STRING, ElementCodecs.LONG, BOUND)),
                            bytes))
                    .isEqualTo(Reason.HLC_FUTURE);
            assertThat(CrdtCodec.encode(replica, ElementCodecs.STRING, ElementCodecs.LONG))
                    .isEqualTo(before);
        }
    }

    @Test
    void shouldAcceptTheMapWhenEveryHlcIsAtOrBeforeTheBound() throws CrdtDecodeException {
        LwwMap<String, Long> replica = LwwMap.<String, Long>empty().put("a", 1L, Hlc.pack(WALL_MS, 0), 1);
        LwwMap<String, Long> remote = LwwMap.<String, Long>empty()
                .merge(replica.put("b", 2L, Hlc.pack(WALL_MS - 1, 0), 2))
                .merge(replica.remove("a", AT_BOUND, 2));
        byte[] bytes = CrdtCodec.encode(remote, ElementCodecs.STRING, ElementCodecs.LONG);
        replica = replica.merge(CrdtCodec.decodeLwwMap(bytes, ElementCodecs.STRING, ElementCodecs.LONG, BOUND));
        assertThat(replica.asMap()).containsOnlyKeys("b");
    }

    @Test
    void shouldRejectAndLeaveTheChatLogUnchangedWhenAnyEntrysHlcIsBeyondTheBound() {
        ChatLog replica = new ChatLog();
        replica.append(1, Hlc.pack(WALL_MS, 0), "hello".getBytes(StandardCharsets.UTF_8));
        byte[] before = CrdtCodec.encode(replica);
        ChatLog remote = new ChatLog();
        remote.append(2, Hlc.pack(WALL_MS - 10, 0), "fine".getBytes(StandardCharsets.UTF_8));
        remote.append(2, FAR_FUTURE, "from the future".getBytes(StandardCharsets.UTF_8));
        ChatLog oneBeyond = new ChatLog();
        oneBeyond.append(3, BEYOND, new byte[] {1});
        for (ChatLog delta : java.util.List.of(remote, oneBeyond)) {
            assertThat(rejection(
                            bytes -> replica.merge(CrdtCodec.decodeChatLog(bytes, BOUND)), CrdtCodec.encode(delta)))
                    .isEqualTo(Reason.HLC_FUTURE);
            assertThat(CrdtCodec.encode(replica)).isEqualTo(before);
        }
    }

    @Test
    void shouldAcceptTheChatLogWhenAnEntryIsExactlyAtTheBound() throws CrdtDecodeException {
        ChatLog replica = new ChatLog();
        replica.append(1, Hlc.pack(WALL_MS, 0), "hello".getBytes(StandardCharsets.UTF_8));
        ChatLog remote = new ChatLog();
        remote.append(2, AT_BOUND, "edge".getBytes(StandardCharsets.UTF_8));
        assertThat(replica.merge(CrdtCodec.decodeChatLog(CrdtCodec.encode(remote), BOUND)))
                .isEqualTo(1);
        assertThat(replica.size()).isEqualTo(2);
    }
}
