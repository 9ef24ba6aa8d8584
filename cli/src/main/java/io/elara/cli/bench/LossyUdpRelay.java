package io.elara.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A userspace UDP relay on loopback that drops a fixed fraction of datagrams at random, in both directions, so that
 * {@code elara bench throughput --loss} can show the reliable lane recovering from loss between two real nodes.
 *
 * <p>The sender sends to {@link #senderFacing()} in place of the receiver, and the receiver's config names {@link
 * #receiverFacing()} as the sender's address: that is where the sender's datagrams come from, so the receiver's check
 * of who is at which address sees one consistent peer. Each direction has its own thread, blocking socket and random
 * generator (seeded from the run's seed), so a run with a given seed drops the same positions of each direction's
 * datagram sequence. Handshake datagrams are dropped like any other: the benchmark waits for the first event's
 * acknowledgement before it measures.
 */
public final class LossyUdpRelay implements AutoCloseable {
    private static final int DATAGRAM_BYTES_MAX = 65_535;
    /** Socket buffers large enough that the kernel, not the relay, is never the one dropping under a burst. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final DatagramSocket senderSocket;
    private final DatagramSocket receiverSocket;
    private volatile double dropFraction;
    private final long jitterMaxNs;
    /** Sends held back for jitter or the rate cap. */
    private final java.util.concurrent.ScheduledExecutorService delays;
    /** The cap on each direction, bits per second; 0 for none. */
    private volatile long rateBitsPerSecond;

    /**
     * The longest a datagram waits behind others under the rate cap; one that would wait longer is dropped: the
     * bottleneck's buffer, as a tbf qdisc's {@code latency}.
     */
    public static final long CAP_QUEUE_NS_MAX = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private final Direction towardsReceiver;
    private final Direction towardsSender;
    private volatile InetSocketAddress sender;
    private volatile InetSocketAddress receiver;

    /** One direction's pump and counters; the counters are written by its thread only. */
    private final class Direction implements Runnable {
        private final DatagramSocket from;
        private final DatagramSocket to;
        private final boolean towardsTheReceiver;
        private final SplittableRandom random;
        private final Thread thread;
        private final AtomicLong forwarded = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong capDropped = new AtomicLong();
        /** Under the cap: when the bottleneck has sent everything queued so far. */
        private long linkFreeNs;

        Direction(DatagramSocket from, DatagramSocket to, boolean towardsTheReceiver, long seed, String name) {
            this.from = from;
            this.to = to;
            this.towardsTheReceiver = towardsTheReceiver;
            this.random = new SplittableRandom(seed);
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            byte[] buffer = new byte[DATAGRAM_BYTES_MAX];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (!from.isClosed()) {
                try {
                    packet.setData(buffer, 0, buffer.length);
                    from.receive(packet);
                    InetSocketAddress destination = towardsTheReceiver ? receiver : sender;
                    if (destination == null || random.nextDouble() < dropFraction) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    long rate = rateBitsPerSecond;
                    long capDelayNs = 0;
                    if (rate > 0) {
                        // A bottleneck link: each datagram takes its bytes' time at the rate, after the ones before
                        // it; past CAP_QUEUE_NS_MAX of queue, it is dropped at the tail.
                        long nowNs = System.nanoTime();
                        long startNs = Math.max(nowNs, linkFreeNs);
                        if (startNs - nowNs > CAP_QUEUE_NS_MAX) {
                            capDropped.incrementAndGet();
                            dropped.incrementAndGet();
                            continue;
                        }
                        linkFreeNs = startNs + packet.getLength() * 8L * 1_000_000_000L / rate;
                        capDelayNs = linkFreeNs - nowNs;
                    }
                    if (jitterMaxNs > 0 || capDelayNs > 0) {
                        // Held back a random 0 to jitterMaxNs, each datagram on its own: later ones may overtake it.
                        byte[] copy = java.util.Arrays.copyOfRange(buffer, 0, packet.getLength());
                        long delayNs = capDelayNs + (jitterMaxNs > 0 ? random.nextLong(jitterMaxNs + 1) : 0);
                        @SuppressWarnings("FutureReturnValueIgnored") // a send that fails is a drop, counted there
                        Object unused = delays.schedule(
                                () -> {
                                    try {
                                        to.send(new DatagramPacket(copy, copy.length, destination));
                                    } catch (IOException e) {
                                        dropped.incrementAndGet();
                                    }
                                },
                                delayNs,
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                        forwarded.incrementAndGet();
                        continue;
                    }
                    packet.setSocketAddress(destination);
                    to.send(packet);
                    forwarded.incrementAndGet();
                } catch (IOException e) {
                    // Closing the sockets ends the pump; any other failure of a loopback send is counted as a drop,
                    // which the reliable lane repairs like any other.
                    if (from.isClosed() || to.isClosed()) {
                        return;
                    }
                    dropped.incrementAndGet();
                }
            }
        }
    }

    private LossyUdpRelay(double dropFraction, long jitterMaxNs, long seed) throws SocketException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.dropFraction = dropFraction;
        this.jitterMaxNs = jitterMaxNs;
        this.delays = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "relay-delay");
            thread.setDaemon(true);
            return thread;
        });
        this.senderSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.receiverSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        for (DatagramSocket socket : new DatagramSocket[] {senderSocket, receiverSocket}) {
            socket.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
            socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
        }
        SplittableRandom seeds = new SplittableRandom(seed);
        this.towardsReceiver =
                new Direction(senderSocket, receiverSocket, true, seeds.nextLong(), "bench-relay-to-receiver");
        this.towardsSender =
                new Direction(receiverSocket, senderSocket, false, seeds.nextLong(), "bench-relay-to-sender");
    }

    /**
     * A running relay dropping {@code dropFraction} (0 to 1) of the datagrams of each direction. Until {@link
     * #connect} names both ends, everything that arrives is dropped (and counted).
     */
    public static LossyUdpRelay start(double dropFraction, long seed) {
        return start(dropFraction, 0, seed);
    }

    /**
     * As {@link #start(double, long)}, and each datagram is also held back a random 0 to {@code jitterMaxNs} before it
     * goes on (the kernel has no netem here): delay variation, and the reordering it brings.
     */
    public static LossyUdpRelay start(double dropFraction, long jitterMaxNs, long seed) {
        if (!(dropFraction >= 0 && dropFraction < 1)) {
            throw new IllegalArgumentException("a drop fraction is 0 to below 1, got " + dropFraction);
        }
        try {
            LossyUdpRelay relay = new LossyUdpRelay(dropFraction, jitterMaxNs, seed);
            relay.towardsReceiver.thread.start();
            relay.towardsSender.thread.start();
            return relay;
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot open the relay's sockets on loopback", e);
        }
    }

    /** Where the sender sends what is meant for the receiver. */
    public InetSocketAddress senderFacing() {
        return (InetSocketAddress) senderSocket.getLocalSocketAddress();
    }

    /** Where the receiver sends what is meant for the sender; also where the sender's datagrams come from. */
    public InetSocketAddress receiverFacing() {
        return (InetSocketAddress) receiverSocket.getLocalSocketAddress();
    }

    /** Names the two nodes' real addresses; from now on datagrams flow. */
    public void connect(InetSocketAddress senderAddress, InetSocketAddress receiverAddress) {
        this.sender = senderAddress;
        this.receiver = receiverAddress;
    }

    /**
     * Caps each direction at {@code bitsPerSecond} (0 lifts the cap), from the next datagram on: a bottleneck with a
     * {@link #CAP_QUEUE_NS_MAX} buffer, dropping at the tail when it is full.
     */
    public void cap(long bitsPerSecond) {
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("a rate is 0 (no cap) or more bits per second, got " + bitsPerSecond);
        }
        this.rateBitsPerSecond = bitsPerSecond;
    }

    /** Drops {@code fraction} (0 to below 1) of each direction's datagrams at random from the next one on. */
    public void loss(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("a drop fraction is 0 to below 1, got " + fraction);
        }
        this.dropFraction = fraction;
    }

    /** Datagrams dropped because the capped bottleneck's buffer was full, both directions. */
    public long capDropped() {
        return towardsReceiver.capDropped.get() + towardsSender.capDropped.get();
    }

    /** Datagrams forwarded, both directions. */
    public long forwarded() {
        return towardsReceiver.forwarded.get() + towardsSender.forwarded.get();
    }

    /** Datagrams dropped, both directions. */
    public long dropped() {
        return towardsReceiver.dropped.get() + towardsSender.dropped.get();
    }

    /**
     * CPU time of the relay's two threads so far, in nanoseconds (the relay runs in the coordinator's process, whose
     * CPU time is otherwise counted as the sender's); -1 when the JVM cannot measure thread CPU time.
     */
    public long cpuNs() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long a = threads.getThreadCpuTime(towardsReceiver.thread.getId());
        long b = threads.getThreadCpuTime(towardsSender.thread.getId());
        return a < 0 || b < 0 ? -1 : a + b;
    }

    /** Closes both sockets, which ends both threads. */
    @Override
    public void close() {
        if (delays != null) {
            delays.shutdownNow();
        }
        senderSocket.close();
        receiverSocket.close();
    }
}
