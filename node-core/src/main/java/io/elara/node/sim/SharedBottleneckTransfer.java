package io.elara.node.sim;

import io.elara.crypto.identity.Identity;
import io.elara.node.DeliveredEvent;
import io.elara.node.NodeCore;
import io.elara.node.Outbox;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two senders stream text events to one receiver over the reliable lane, in virtual time, through one shared ingress
 * bottleneck in front of the receiver ({@link SimNetwork#bottleneck}): the case where congestion control has to share
 * a link between flows. Each sender starts at its own time and from then on keeps {@link #BACKLOG_EVENTS} of its
 * events unacknowledged, so its lane never runs dry; the three protected cores are the real node's. Measures, per
 * sender and per {@link #BIN_NS} of virtual time, what the receiver delivered and what arrived over the bottleneck,
 * and records the order in which each sender's events were delivered. Single thread, reproducible from its seed.
 */
public final class SharedBottleneckTransfer {
    /** The width of one measurement bin. */
    public static final long BIN_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Events each sender keeps queued and unacknowledged: twice the lane's 256-event window, so the lane always has
     * more to send, and well under the node's send queue limit (4,096) and its delivery timeout (at the lane's slowest
     * here, a few hundred events a second, an event waits a second or two).
     */
    public static final int BACKLOG_EVENTS = 512;

    /** Senders are nodes 0 and 1; the receiver is node 2. */
    public static final int SENDERS = 2;

    private static final int RECEIVER = SENDERS;
    private static final String[] NAMES = {"first-sender", "second-sender", "receiver"};

    /**
     * What one sender's flow did.
     *
     * @param deliveredBytes per bin: bytes of its event text the receiver delivered
     * @param arrivedBytes per bin: bytes of its datagrams that reached the receiver over the bottleneck (retransmissions
     *     and handshakes included)
     * @param delivered the numbers of its events in the order the receiver delivered them
     * @param acknowledged events the receiver acknowledged
     * @param failed events whose send failed or was refused
     * @param transmissions event frames sent, retransmissions included
     * @param retransmissions event frames sent again
     */
    public record Flow(
            List<Long> deliveredBytes,
            List<Long> arrivedBytes,
            List<Integer> delivered,
            int acknowledged,
            int failed,
            long transmissions,
            long retransmissions) {
        /** Bytes of event text delivered in the bins from {@code fromNs} (inclusive) to {@code untilNs} (exclusive). */
        public long deliveredBytes(long fromNs, long untilNs) {
            return sum(deliveredBytes, fromNs, untilNs);
        }

        /** Bytes of datagrams that arrived in the bins from {@code fromNs} to {@code untilNs} (exclusive). */
        public long arrivedBytes(long fromNs, long untilNs) {
            return sum(arrivedBytes, fromNs, untilNs);
        }

        private static long sum(List<Long> bins, long fromNs, long untilNs) {
            long total = 0;
            for (int i = (int) (fromNs / BIN_NS); i < Math.min(bins.size(), untilNs / BIN_NS); i++) {
                total += bins.get(i);
            }
            return total;
        }
    }

    /**
     * What one run measured.
     *
     * @param flows one per sender, in order of their nodes
     * @param bottleneckDropped datagrams the bottleneck's queue dropped
     * @param bottleneckQueueBytesObservedMax the fullest the bottleneck's queue was
     */
    public record Result(List<Flow> flows, long bottleneckDropped, long bottleneckQueueBytesObservedMax) {}

    private final SimNetwork network;
    private final VirtualClock clock = new VirtualClock();
    private final PriorityQueue<Arrival> arrivals = new PriorityQueue<>();
    private final long[] arrivalsNs = new long[2];
    private final NodeCore[] cores = new NodeCore[SENDERS + 1];
    private final InetSocketAddress[] addresses = new InetSocketAddress[SENDERS + 1];
    private final List<List<Integer>> delivered = new ArrayList<>();
    private final int textBytes;
    private long[][] deliveredBytes = new long[SENDERS][0];
    private long[][] arrivedBytes = new long[SENDERS][0];
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

    /**
     * Three protected cores on links of {@code link} (give it no bandwidth cap: the bottleneck is the limit), with an
     * ingress bottleneck of {@code bottleneckBytesPerSecond} and {@code bottleneckQueueBytes} in front of the receiver.
     * Events carry {@code textBytes} bytes of text. Every random choice comes from {@code seed}.
     */
    public SharedBottleneckTransfer(
            LinkProfile link, long bottleneckBytesPerSecond, long bottleneckQueueBytes, int textBytes, long seed) {
        this.textBytes = textBytes;
        SplittableRandom root = new SplittableRandom(seed);
        this.network = new SimNetwork(SENDERS + 1, root.split(), link);
        network.bottleneck(RECEIVER, bottleneckBytesPerSecond, bottleneckQueueBytes);
        for (int i = 0; i <= SENDERS; i++) {
            addresses[i] = SimWorld.address(i);
        }
        for (int i = 0; i <= SENDERS; i++) {
            int self = i;
            byte[] identitySeed = new byte[32];
            root.split().nextBytes(identitySeed);
            NodeConfig config;
            try {
                NodeConfig.Builder builder = NodeConfig.builder(NAMES[i])
                        .bind(addresses[i].getAddress().getHostAddress(), SimWorld.PORT);
                for (int other = 0; other <= SENDERS; other++) {
                    // Senders know the receiver; the receiver knows both senders.
                    if (other != self && (self == RECEIVER || other == RECEIVER)) {
                        builder.peer(
                                NAMES[other], addresses[other].getAddress().getHostAddress() + ":" + SimWorld.PORT);
                    }
                }
                config = builder.build();
            } catch (ConfigException e) {
                throw new IllegalStateException(e);
            }
            Outbox outbox = new Outbox() {
                @Override
                public ByteBuf allocate() {
                    return Unpooled.buffer(PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
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
                    int to = indexOf(recipient);
                    int copies = network.transmit(self, to, bytes.length, clock.nowNs(), arrivalsNs);
                    for (int c = 0; c < copies; c++) {
                        arrivals.add(new Arrival(arrivalsNs[c], arrivalSequence++, to, self, bytes));
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
        for (int i = 0; i < SENDERS; i++) {
            delivered.add(new ArrayList<>());
        }
        cores[RECEIVER].subscribe(this::onDelivered, 0);
    }

    private int indexOf(InetSocketAddress recipient) {
        for (int i = 0; i < addresses.length; i++) {
            if (addresses[i].equals(recipient)) {
                return i;
            }
        }
        throw new IllegalStateException("no simulated node at " + recipient);
    }

    private void onDelivered(DeliveredEvent event) {
        if (event.local()) {
            return;
        }
        String text = event.event().text();
        int sender = text.charAt(0) - 'a';
        int space = text.indexOf(' ');
        delivered.get(sender).add(Integer.parseInt(text.substring(1, space)));
        deliveredBytes[sender][bin(clock.nowNs())] += text.length();
    }

    private int bin(long nowNs) {
        return (int) Math.min((nowNs - clock.startNs()) / BIN_NS, deliveredBytes[0].length - 1L);
    }

    /**
     * Runs until {@code untilNs} after the clock's start; sender {@code i} starts {@code startsNs[i]} after it and keeps
     * its backlog topped up from then on. Call once.
     */
    public Result run(long[] startsNs, long untilNs) {
        int bins = (int) ((untilNs + BIN_NS - 1) / BIN_NS);
        deliveredBytes = new long[SENDERS][bins];
        arrivedBytes = new long[SENDERS][bins];
        List<ArrayDeque<CompletableFuture<SendResult>>> pending = new ArrayList<>();
        int[] next = new int[SENDERS];
        int[] acknowledged = new int[SENDERS];
        int[] failed = new int[SENDERS];
        for (int i = 0; i < SENDERS; i++) {
            pending.add(new ArrayDeque<>());
        }
        long endNs = clock.startNs() + untilNs;
        while (true) {
            long nowNs = clock.nowNs();
            for (int i = 0; i < SENDERS; i++) {
                if (nowNs < clock.startNs() + startsNs[i]) {
                    continue;
                }
                ArrayDeque<CompletableFuture<SendResult>> queue = pending.get(i);
                // The lane completes receipts in order, so the oldest are the first done.
                while (!queue.isEmpty() && queue.peekFirst().isDone()) {
                    CompletableFuture<SendResult> result = queue.pollFirst();
                    if (!result.isCompletedExceptionally() && result.join().allAcknowledged()) {
                        acknowledged[i]++;
                    } else {
                        failed[i]++;
                    }
                }
                while (queue.size() < BACKLOG_EVENTS) {
                    queue.addLast(cores[i].sendText(SendTarget.peer(NAMES[RECEIVER]), text(i, next[i]++), nowNs));
                }
            }
            flush(nowNs);
            long nextNs = Long.MAX_VALUE;
            for (int i = 0; i <= SENDERS; i++) {
                nextNs = Math.min(nextNs, cores[i].nextDeadlineNs(nowNs));
            }
            for (int i = 0; i < SENDERS; i++) {
                if (clock.startNs() + startsNs[i] > nowNs) {
                    nextNs = Math.min(nextNs, clock.startNs() + startsNs[i]);
                }
            }
            if (!arrivals.isEmpty()) {
                nextNs = Math.min(nextNs, arrivals.peek().timeNs);
            }
            nextNs = Math.max(nextNs, nowNs + 1);
            if (nextNs > endNs) {
                break;
            }
            clock.advanceTo(nextNs);
            while (!arrivals.isEmpty() && arrivals.peek().timeNs == nextNs) {
                Arrival arrival = arrivals.poll();
                if (arrival.to == RECEIVER) {
                    arrivedBytes[arrival.from][bin(nextNs)] += arrival.bytes.length;
                }
                ByteBuf buffer = Unpooled.wrappedBuffer(arrival.bytes);
                try {
                    cores[arrival.to].onDatagram(buffer, addresses[arrival.from], nextNs);
                } finally {
                    buffer.release();
                }
            }
        }
        List<Flow> flows = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            var peers = cores[i].status(clock.nowNs()).peers();
            flows.add(new Flow(
                    Arrays.stream(deliveredBytes[i]).boxed().toList(),
                    Arrays.stream(arrivedBytes[i]).boxed().toList(),
                    List.copyOf(delivered.get(i)),
                    acknowledged[i],
                    failed[i],
                    peers.isEmpty() ? 0 : peers.get(0).transmissions(),
                    peers.isEmpty() ? 0 : peers.get(0).retransmissions()));
        }
        return new Result(List.copyOf(flows), network.bottleneckDropped(), network.bottleneckQueueBytesObservedMax());
    }

    private void flush(long nowNs) {
        // Every node flushes after every step, as the realtime driver does after each read batch and at each deadline.
        for (NodeCore core : cores) {
            core.flush(nowNs);
        }
    }

    /** Sender {@code sender}'s event number {@code number}: "a17 ..." for the first sender, "b17 ..." for the second. */
    private String text(int sender, int number) {
        StringBuilder text =
                new StringBuilder().append((char) ('a' + sender)).append(number).append(' ');
        while (text.length() < textBytes) {
            text.append((char) ('a' + text.length() % 26));
        }
        return text.toString();
    }

    public SimNetwork network() {
        return network;
    }
}
