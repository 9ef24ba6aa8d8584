package io.elara.crdt.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.Hlc;
import io.elara.crdt.codec.CrdtDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Replicas performing random operations while their deltas travel as encoded bytes over a network that reorders,
 * duplicates and loses them; lost deltas are resent at the end. Everything follows one seed.
 */
public final class DeliverySimulation {
    private static final int LOSS_PERCENT = 15;
    private static final int DUPLICATE_PERCENT = 15;

    @SuppressWarnings("ArrayRecordComponent") // Bytes in flight: read-only, never compared.
    private record Message(int target, byte[] bytes) {}

    /** The replicas' final states, and every state and delta seen on the way (all from one history). */
    public record Outcome<S>(List<S> replicas, List<S> seen) {}

    private DeliverySimulation() {}

    public static <S> Outcome<S> run(ReplicatedType<S> type, long seed, int replicaCount, int operations) {
        Random random = new Random(seed);
        List<S> states = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            states.add(type.empty());
        }
        List<S> seen = new ArrayList<>();
        List<Message> inFlight = new ArrayList<>();
        List<Message> lost = new ArrayList<>();
        for (int step = 0; step < operations; step++) {
            int origin = random.nextInt(replicaCount);
            // Physical times collide often (concurrency); the logical part makes every timestamp unique.
            long hlc = Hlc.pack(1_000 + random.nextInt(64), step + 1);
            S delta = type.randomDelta(states.get(origin), replicaId(origin), hlc, random);
            states.set(origin, type.merge(states.get(origin), delta));
            seen.add(delta);
            seen.add(states.get(origin));
            byte[] bytes = type.encode(delta);
            for (int target = 0; target < replicaCount; target++) {
                if (target == origin) {
                    continue;
                }
                Message message = new Message(target, bytes);
                (random.nextInt(100) < LOSS_PERCENT ? lost : inFlight).add(message);
                if (random.nextInt(100) < DUPLICATE_PERCENT) {
                    inFlight.add(message);
                }
            }
            int deliveries = random.nextInt(inFlight.size() + 1);
            for (int i = 0; i < deliveries; i++) {
                deliver(type, states, inFlight.remove(random.nextInt(inFlight.size())));
            }
        }
        inFlight.addAll(lost);
        while (!inFlight.isEmpty()) {
            deliver(type, states, inFlight.remove(random.nextInt(inFlight.size())));
        }
        return new Outcome<>(states, seen);
    }

    /** Identical values and identical encoded snapshots on every replica. */
    public static <S> void assertConverges(ReplicatedType<S> type, long seed, int replicaCount, int operations) {
        List<S> replicas = run(type, seed, replicaCount, operations).replicas();
        byte[] first = type.encode(replicas.get(0));
        for (S replica : replicas) {
            assertThat(type.value(replica)).as("seed %d", seed).isEqualTo(type.value(replicas.get(0)));
            assertThat(type.encode(replica)).as("seed %d", seed).isEqualTo(first);
        }
    }

    /** Idempotence, commutativity and associativity on states and deltas drawn from one history. */
    public static <S> void assertMergeLaws(ReplicatedType<S> type, long seed, int operations) {
        List<S> seen = run(type, seed, 3, operations).seen();
        Random random = new Random(~seed);
        for (int i = 0; i < 20; i++) {
            S a = seen.get(random.nextInt(seen.size()));
            S b = seen.get(random.nextInt(seen.size()));
            S c = seen.get(random.nextInt(seen.size()));
            assertThat(type.encode(type.merge(a, a))).as("idempotent").isEqualTo(type.encode(a));
            assertThat(type.encode(type.merge(a, b))).as("commutative").isEqualTo(type.encode(type.merge(b, a)));
            assertThat(type.encode(type.merge(type.merge(a, b), c)))
                    .as("associative")
                    .isEqualTo(type.encode(type.merge(a, type.merge(b, c))));
        }
    }

    /** decode(encode(s)) encodes to the same bytes and has the same value, for every state and delta seen. */
    public static <S> void assertRoundTrips(ReplicatedType<S> type, long seed, int operations)
            throws CrdtDecodeException {
        for (S state : run(type, seed, 2, operations).seen()) {
            byte[] bytes = type.encode(state);
            S decoded = type.decode(bytes);
            assertThat(type.encode(decoded)).isEqualTo(bytes);
            assertThat(type.value(decoded)).isEqualTo(type.value(state));
        }
    }

    public static long replicaId(int index) {
        // Spread ids over the whole long range, negatives included, as random node ids are.
        return (index + 1) * 0x5DEECE66DL * (index % 2 == 0 ? 1 : -1);
    }

    private static <S> void deliver(ReplicatedType<S> type, List<S> states, Message message) {
        try {
            S delta = type.decode(message.bytes());
            states.set(message.target(), type.merge(states.get(message.target()), delta));
        } catch (CrdtDecodeException e) {
            throw new AssertionError("a well-formed delta was refused", e);
        }
    }
}
