package io.elara.node.bench;

import io.elara.crypto.identity.Identity;
import io.elara.node.NodeCore;
import io.elara.node.Outbox;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.Limits;
import io.elara.node.config.NodeConfig;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What protection costs end to end, in one thread: two node cores, one sending bursts of text events to the other
 * over its reliable lane until every event is acknowledged, with protection on (secure session: every packet sealed
 * and opened; every event signed in batches and its signature verified) and off (the benchmark-only core of {@link
 * NodeCore#withoutProtection}). Over {@code memory} the datagrams are handed across with no kernel, the harshest
 * ratio; over {@code udp} each one is sent and received through real loopback UDP sockets (non-blocking NIO), so the
 * figure is the CPU both nodes of a real run spend per event, summed on one core.
 *
 * <pre>./mvnw -Pbench -pl node-core -am test-compile exec:exec -Djmh.args="ProtectionBenchmark"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtectionBenchmark {
    /** Events per burst: the reliable lane's window. */
    private static final int BURST = 256;

    private static final long START_NS = 1_767_225_600_000_000_000L;

    @Param({"true", "false"})
    boolean protect;

    @Param({"64", "1024"})
    int textBytes;

    @Param({"memory", "udp"})
    String wire;

    private DatagramChannel aliceChannel;
    private DatagramChannel bobChannel;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(2048);

    private final ArrayDeque<Datagram> inMemory = new ArrayDeque<>();
    private NodeCore alice;
    private NodeCore bob;
    private InetSocketAddress aliceAddress;
    private InetSocketAddress bobAddress;
    private String text;
    private long nowNs = START_NS;

    private record Datagram(InetSocketAddress from, InetSocketAddress to, ByteBuf bytes) {}

    private final class Wire implements Outbox {
        private final InetSocketAddress from;

        Wire(InetSocketAddress from) {
            this.from = from;
        }

        @Override
        public ByteBuf allocate() {
            return PooledByteBufAllocator.DEFAULT.directBuffer(PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
        }

        @Override
        public void send(ByteBuf datagram, InetSocketAddress recipient) {
            if (aliceChannel == null) {
                inMemory.add(new Datagram(from, recipient, datagram));
                return;
            }
            try {
                DatagramChannel channel = from.equals(aliceAddress) ? aliceChannel : bobChannel;
                if (channel.send(datagram.nioBuffer(), recipient) == 0) {
                    throw new IllegalStateException("the socket's send buffer is full");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                datagram.release();
            }
        }
    }

    @Setup
    public void setUp() throws ConfigException, IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (wire.equals("udp")) {
            aliceChannel = open(loopback);
            bobChannel = open(loopback);
            aliceAddress = (InetSocketAddress) aliceChannel.getLocalAddress();
            bobAddress = (InetSocketAddress) bobChannel.getLocalAddress();
        } else {
            aliceAddress = new InetSocketAddress(loopback, 7001);
            bobAddress = new InetSocketAddress(loopback, 7002);
        }
        Limits limits = new Limits(16, 4 * BURST, 1024, 30_000, 4, 4096);
        alice = core("alice", aliceAddress.getPort(), "bob", bobAddress.getPort(), limits, 1);
        bob = core("bob", bobAddress.getPort(), "alice", aliceAddress.getPort(), limits, 2);
        bob.subscribe(delivered -> {}, 0);
        text = "x".repeat(textBytes);
        burst(); // the handshake, outside the measurement
    }

    private NodeCore core(String name, int port, String peer, int peerPort, Limits limits, int seed)
            throws ConfigException {
        NodeConfig config = NodeConfig.builder(name)
                .bind("127.0.0.1", port)
                .peer(peer, "127.0.0.1:" + peerPort)
                .limits(limits)
                .build();
        byte[] identitySeed = new byte[32];
        identitySeed[0] = (byte) seed;
        Identity identity = Identity.fromSeed(identitySeed);
        Outbox out = new Wire(port == aliceAddress.getPort() ? aliceAddress : bobAddress);
        SplittableRandom random = new SplittableRandom(seed);
        return protect
                ? new NodeCore(config, identity, random, new SecureRandom(), out)
                : NodeCore.withoutProtection(config, identity, random, out);
    }

    /** One burst of events from alice to bob, until bob has acknowledged them all. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int burst() {
        List<CompletableFuture<SendResult>> sends = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) {
            sends.add(alice.sendText(SendTarget.peer("bob"), text, nowNs));
        }
        int rounds = 0;
        while (!sends.get(BURST - 1).isDone()) {
            nowNs += 50_000; // 50 µs a round: no retransmission timer fires on a lossless wire
            alice.flush(nowNs);
            deliverAll();
            bob.flush(nowNs);
            deliverAll();
            if (++rounds > 1_000) {
                throw new IllegalStateException("the burst did not complete: " + sends.get(BURST - 1));
            }
        }
        for (CompletableFuture<SendResult> send : sends) {
            if (!send.join().allAcknowledged()) {
                throw new IllegalStateException("not acknowledged: " + send.join());
            }
        }
        return rounds;
    }

    private static DatagramChannel open(InetAddress loopback) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        channel.bind(new InetSocketAddress(loopback, 0));
        channel.configureBlocking(false);
        return channel;
    }

    private void deliverAll() {
        if (aliceChannel != null) {
            // Until both sockets are empty: a datagram handled may answer with another one.
            boolean any = true;
            while (any) {
                boolean toBob = receive(bobChannel, bob);
                boolean toAlice = receive(aliceChannel, alice);
                any = toBob || toAlice;
            }
            return;
        }
        Datagram datagram;
        while ((datagram = inMemory.poll()) != null) {
            try {
                NodeCore to = datagram.to().equals(bobAddress) ? bob : alice;
                to.onDatagram(datagram.bytes(), datagram.from(), nowNs);
            } finally {
                datagram.bytes().release();
            }
        }
    }

    private boolean receive(DatagramChannel channel, NodeCore core) {
        boolean any = false;
        try {
            InetSocketAddress from;
            while ((from = (InetSocketAddress) channel.receive(receiveBuffer.clear())) != null) {
                any = true;
                ByteBuf datagram = Unpooled.wrappedBuffer(receiveBuffer.flip());
                core.onDatagram(datagram, from, nowNs);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return any;
    }

    @TearDown
    public void tearDown() throws IOException {
        alice.close("benchmark over");
        bob.close("benchmark over");
        if (aliceChannel != null) {
            aliceChannel.close();
            bobChannel.close();
        }
    }
}
