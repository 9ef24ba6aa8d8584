package io.elara.node.sim;

import io.elara.crypto.identity.Identity;
import io.elara.node.DeliveredEvent;
import io.elara.node.NodeCore;
import io.elara.node.Outbox;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * A bulk transfer on one reliable lane, in virtual time: a node queues {@code events} text events for a second node at
 * once, and the two protected cores run over a {@link SimNetwork} link until every event is acknowledged or the time
 * limit passes. Measures what a user notices as goodput: how long the whole transfer takes. Also records what the
 * receiving node delivered, to check "exactly once, in order". Single thread, reproducible from its seed.
 */
public final class LaneTransfer {
    /**
     * What one run measured.
     *
     * @param elapsedNs virtual time until every event had an outcome (or the limit)
     * @param acknowledged events the receiver acknowledged
     * @param failed events whose send failed
     * @param delivered the texts the receiver delivered, in order
     * @param sent event frames sent, retransmissions included
     * @param retransmitted event frames sent again
     */
    public record Result(
            long elapsedNs, int acknowledged, int failed, List<String> delivered, long sent, long retransmitted) {}

    private static final int SENDER = 0;
    private static final int RECEIVER = 1;

    private final SimNetwork network;
    private final VirtualClock clock = new VirtualClock();
    private final PriorityQueue<Arrival> arrivals = new PriorityQueue<>();
    private final long[] arrivalsNs = new long[2];
    private final NodeCore[] cores = new NodeCore[2];
    private final InetSocketAddress[] addresses = {SimWorld.address(0), SimWorld.address(1)};
    private final List<String> delivered = new ArrayList<>();
    private long arrivalSequence;

    private static final class Arrival implements Comparable<Arrival> {
        final long timeNs;
        final long sequence;
        final int to;
        final int from;
        final byte[] bytes;

        Arrival(long timeNs, long sequence, int to, int from, byte[] bytes) {
            this.timeNs = timeNs;
            this.sequence = sequence;
            this.to = to;
            this.from = from;
            this.bytes = bytes;
        }

        @Override
        public int compareTo(Arrival other) {
            int byTime = Long.compare(timeNs, other.timeNs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Arrival arrival && arrival.sequence == sequence;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence);
        }
    }

    /** Two protected cores joined by one simulated link of {@code link}, every random choice from {@code seed}. */
    public LaneTransfer(LinkProfile link, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        this.network = new SimNetwork(2, root.split(), link);
        String[] names = {"sender", "receiver"};
        for (int i = 0; i < 2; i++) {
            int self = i;
            int other = 1 - i;
            byte[] identitySeed = new byte[32];
            root.split().nextBytes(identitySeed);
            NodeConfig config;
            try {
                config = NodeConfig.builder(names[i])
                        .bind(addresses[i].getAddress().getHostAddress(), SimWorld.PORT)
                        .peer(names[other], addresses[other].getAddress().getHostAddress() + ":" + SimWorld.PORT)
                        .build();
            } catch (ConfigException e) {
                throw new IllegalStateException(e);
            }
            Outbox outbox = new Outbox() {
                @Override
                public ByteBuf allocate() {
                    return Unpooled.buffer(io.elara.node.wire.PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
                }

                @Override
                public void send(ByteBuf datagram, InetSocketAddress recipient) {
                    byte[] bytes;
                    try {
                        bytes = new byte[datagram.readableBytes()];
                        datagram.getBytes(datagram.readerIndex(), bytes);
                    } finally {
                        datagram.release();
                    }
                    int copies = network.transmit(self, other, bytes.length, clock.nowNs(), arrivalsNs);
                    for (int c = 0; c < copies; c++) {
                        arrivals.add(new Arrival(arrivalsNs[c], arrivalSequence++, other, self, bytes));
                    }
                }
            };
            long coreSeed = root.nextLong();
            cores[i] = new NodeCore(
                    config,
                    Identity.fromSeed(identitySeed),
                    new SplittableRandom(coreSeed),
                    new SeededSecureRandom(coreSeed ^ 0x5DEECE66DL),
                    outbox);
        }
        cores[RECEIVER].subscribe(
                (DeliveredEvent event) -> {
                    if (!event.local()) {
                        delivered.add(event.event().text());
                    }
                },
                0);
    }

    /** Queues {@code events} events of {@code textBytes} bytes each at time zero and runs until all have an outcome. */
    public Result run(int events, int textBytes, long limitNs) {
        long startNs = clock.nowNs();
        List<CompletableFuture<SendResult>> results = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            StringBuilder text = new StringBuilder("m").append(i).append(' ');
            while (text.length() < textBytes) {
                text.append((char) ('a' + text.length() % 26));
            }
            results.add(cores[SENDER].sendText(SendTarget.peer("receiver"), text.toString(), startNs));
        }
        int done = 0;
        long endNs = startNs + limitNs;
        flush(clock.nowNs());
        while (true) {
            done = 0;
            for (CompletableFuture<SendResult> result : results) {
                if (result.isDone()) {
                    done++;
                }
            }
            if (done == events) {
                break;
            }
            long nextNs = Math.min(
                    cores[SENDER].nextDeadlineNs(clock.nowNs()), cores[RECEIVER].nextDeadlineNs(clock.nowNs()));
            if (!arrivals.isEmpty()) {
                nextNs = Math.min(nextNs, arrivals.peek().timeNs);
            }
            nextNs = Math.max(nextNs, clock.nowNs() + 1);
            if (nextNs > endNs) {
                break;
            }
            clock.advanceTo(nextNs);
            while (!arrivals.isEmpty() && arrivals.peek().timeNs == nextNs) {
                Arrival arrival = arrivals.poll();
                if (!network.connected(arrival.from, arrival.to)) {
                    continue;
                }
                ByteBuf buffer = Unpooled.wrappedBuffer(arrival.bytes);
                try {
                    cores[arrival.to].onDatagram(buffer, addresses[arrival.from], nextNs);
                } finally {
                    buffer.release();
                }
            }
            flush(nextNs);
        }
        int acknowledged = 0;
        int failed = 0;
        for (CompletableFuture<SendResult> result : results) {
            if (result.isDone() && !result.isCompletedExceptionally()) {
                if (result.join().allAcknowledged()) {
                    acknowledged++;
                } else {
                    failed++;
                }
            }
        }
        var peer = cores[SENDER].status(clock.nowNs()).peers().get(0);
        return new Result(
                clock.nowNs() - startNs,
                acknowledged,
                failed,
                List.copyOf(delivered),
                peer.transmissions(),
                peer.retransmissions());
    }

    /**
     * What a voice run measured at the receiver's jitter buffer.
     *
     * @param sent frames the sender queued on the latency-first lane
     * @param received frames played as they arrived
     * @param recovered frames recovered from the next frame's FEC
     * @param concealed frames concealed by Opus (or silence)
     * @param late frames that arrived after their time
     * @param delayMaxNs the largest playout delay the buffer came to
     */
    /**
     * @param levels the sender's degradation levels in the order it went through them, from {@code full}
     * @param degraded frames the sender's node refused because its ladder stood at a rung without them
     */
    public record VoiceResult(
            int sent,
            long received,
            long recovered,
            long concealed,
            long late,
            long delayMaxNs,
            List<String> levels,
            long degraded) {}

    /**
     * Sends {@code packets} (Opus, one per 20 ms) as a voice stream on the latency-first lane, in real time on the
     * virtual clock, after one text message has set up the secure session; the receiver runs a {@link
     * io.elara.node.media.JitterBuffer} on the media it delivers and plays a frame whenever one is due, until the
     * sender's last frame has had its turn.
     */
    public VoiceResult voice(List<byte[]> packets) {
        CompletableFuture<SendResult> hello =
                cores[SENDER].sendText(SendTarget.peer("receiver"), "hello", clock.nowNs());
        step(hello::isDone, clock.nowNs() + 60_000_000_000L);
        io.elara.node.media.JitterBuffer buffer = new io.elara.node.media.JitterBuffer();
        cores[RECEIVER].subscribeMedia((peer, stream, sequence, cls, payload, offset, length) -> {
            byte[] bytes = new byte[length];
            payload.getBytes(offset, bytes);
            io.elara.node.media.VoicePacket.Parsed parsed =
                    io.elara.node.media.VoicePacket.parse(bytes, 0, bytes.length);
            if (parsed.packet() != null) {
                buffer.offer(parsed.packet(), clock.nowNs());
            }
        });
        float[] out = new float[io.elara.node.media.VoiceCodec.FRAME_SAMPLES];
        long startNs = clock.nowNs();
        int next = 0;
        long played = 0;
        long delayMaxNs = 0;
        List<String> levels = new java.util.ArrayList<>(List.of("full"));
        long degraded = 0;
        long endNs = startNs + (packets.size() + 50L) * io.elara.node.media.VoiceCodec.FRAME_NS;
        while (clock.nowNs() < endNs && played < packets.size()) {
            long nowNs = clock.nowNs();
            while (next < packets.size() && startNs + next * io.elara.node.media.VoiceCodec.FRAME_NS <= nowNs) {
                byte[] payload = new io.elara.node.media.VoicePacket(next, packets.get(next)).encode();
                io.elara.node.lane.MediaSendResult sent = cores[SENDER].sendMedia(
                        "receiver",
                        1,
                        io.elara.node.lane.TrafficClass.PERCEPTUAL,
                        Unpooled.wrappedBuffer(payload),
                        200_000,
                        nowNs);
                if (sent == io.elara.node.lane.MediaSendResult.DEGRADED) {
                    degraded++;
                }
                next++;
            }
            flush(nowNs);
            String level = cores[SENDER].degradation("receiver").label();
            if (!level.equals(levels.get(levels.size() - 1))) {
                levels.add(level);
            }
            while (buffer.nextPlayNs() <= nowNs && played < packets.size()) {
                buffer.play(out);
                played++;
                delayMaxNs = Math.max(delayMaxNs, buffer.delayNs());
            }
            long nextNs = Math.min(cores[SENDER].nextDeadlineNs(nowNs), cores[RECEIVER].nextDeadlineNs(nowNs));
            if (!arrivals.isEmpty()) {
                nextNs = Math.min(nextNs, arrivals.peek().timeNs);
            }
            if (next < packets.size()) {
                nextNs = Math.min(nextNs, startNs + next * io.elara.node.media.VoiceCodec.FRAME_NS);
            }
            nextNs = Math.min(nextNs, buffer.nextPlayNs());
            nextNs = Math.max(nextNs, nowNs + 1);
            clock.advanceTo(nextNs);
            deliver(nextNs);
        }
        return new VoiceResult(
                packets.size(),
                buffer.received(),
                buffer.recovered(),
                buffer.concealed() + buffer.silent(),
                buffer.late(),
                delayMaxNs,
                levels,
                degraded);
    }

    /** Runs the two cores until {@code done} holds or {@code endNs} passes. */
    private void step(java.util.function.BooleanSupplier done, long endNs) {
        flush(clock.nowNs());
        while (!done.getAsBoolean() && clock.nowNs() < endNs) {
            long nextNs = Math.min(
                    cores[SENDER].nextDeadlineNs(clock.nowNs()), cores[RECEIVER].nextDeadlineNs(clock.nowNs()));
            if (!arrivals.isEmpty()) {
                nextNs = Math.min(nextNs, arrivals.peek().timeNs);
            }
            nextNs = Math.max(nextNs, clock.nowNs() + 1);
            clock.advanceTo(Math.min(nextNs, endNs));
            deliver(clock.nowNs());
            flush(clock.nowNs());
        }
    }

    /** Hands every datagram due at {@code nowNs} to its node. */
    private void deliver(long nowNs) {
        while (!arrivals.isEmpty() && arrivals.peek().timeNs <= nowNs) {
            Arrival arrival = arrivals.poll();
            if (!network.connected(arrival.from, arrival.to)) {
                continue;
            }
            ByteBuf buffer = Unpooled.wrappedBuffer(arrival.bytes);
            try {
                cores[arrival.to].onDatagram(buffer, addresses[arrival.from], nowNs);
            } finally {
                buffer.release();
            }
        }
    }

    private void flush(long nowNs) {
        // Both nodes flush after every step, as the realtime driver does after each read batch and at each deadline.
        cores[SENDER].flush(nowNs);
        cores[RECEIVER].flush(nowNs);
    }

    /** Expected texts' prefixes, in order: "m0 ", "m1 ", ... */
    public static boolean inOrderExactlyOnce(List<String> delivered, int events) {
        if (delivered.size() != events) {
            return false;
        }
        for (int i = 0; i < events; i++) {
            if (!delivered.get(i).startsWith("m" + i + " ")) {
                return false;
            }
        }
        return true;
    }
}
