package io.elara.node.bench;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.NodeCore;
import io.elara.node.Outbox;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.node.lane.Epoch;
import io.elara.node.wire.EventFrameCodec;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receive hot path: one datagram carrying one text event, through demultiplexing, the packet and frame decoders,
 * the reliable lane and the four stages, to local delivery; then the flush that acknowledges it. Run with
 * {@code -prof gc} to see the bytes allocated per datagram.
 *
 * <pre>./mvnw -Pbench -pl node-core -am test-compile exec:exec -Djmh.args="DatagramPath -prof gc"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DatagramPathBenchmark {
    private static final long START_NS = 1_767_225_600_000_000_000L;

    @Param({"16", "1000"})
    int textBytes;

    private NodeCore core;
    private ByteBuf datagram;
    private InetSocketAddress from;
    private final EventFrameCodec codec = new EventFrameCodec();
    private long sequence;
    private long nowNs = START_NS;
    private final NodeId author = NodeId.of(new byte[32]);
    private String text;

    @Setup
    public void setUp() throws ConfigException {
        NodeConfig config = NodeConfig.builder("bench")
                .bind("127.0.0.1", 7001)
                .peer("sender", "127.0.0.1:7002")
                .session("lobby", "sender")
                .build();
        byte[] seed = new byte[32];
        seed[0] = 1;
        // The frame path alone: ProtectionBenchmark measures what sessions and signatures add end to end.
        core = NodeCore.withoutProtection(config, Identity.fromSeed(seed), new SplittableRandom(1), new Outbox() {
            @Override
            public ByteBuf allocate() {
                return Unpooled.buffer(PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
            }

            @Override
            public void send(ByteBuf buffer, InetSocketAddress recipient) {
                buffer.release();
            }
        });
        core.subscribe(event -> {}, 0);
        from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7002);
        datagram = Unpooled.directBuffer(1200);
        text = "x".repeat(textBytes);
    }

    /** One datagram with the next event of the lane, decoded and delivered, then the acknowledging flush. */
    @Benchmark
    public int receiveOneEvent() {
        nowNs += 1_000;
        datagram.clear();
        PacketHeaderFlyweight.encode(datagram, Epoch.first(42));
        Event event = new Event(
                new EventId(sequence, 7),
                SessionId.forName("lobby"),
                author,
                "sender",
                Hlc.pack(nowNs / 1_000_000L, 0),
                EventKind.TEXT,
                text);
        codec.encode(datagram, sequence++, event);
        int delivered = core.onDatagram(datagram, from, nowNs);
        core.flush(nowNs);
        return delivered;
    }
}
