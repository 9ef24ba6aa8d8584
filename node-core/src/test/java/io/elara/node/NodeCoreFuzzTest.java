package io.elara.node;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.crypto.identity.Identity;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Fuzz targets for everything a datagram reaches: demultiplexing, the packet and frame decoders, the reliable lane and
 * the stages. The property is that nothing throws past the packet boundary and no buffer leaks (tests run with Netty's
 * paranoid leak detector). Under plain {@code mvn test} each target replays its seed corpus from
 * {@code src/test/resources/io/elara/node/NodeCoreFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class NodeCoreFuzzTest {
    private static final long START_NS = 1_767_225_600_000_000_000L;

    private static NodeConfig config() throws ConfigException {
        return NodeConfig.builder("fuzzed")
                .bind("127.0.0.1", 7001)
                .peer("friend", "127.0.0.1:7002")
                .session("lobby", "friend")
                .build();
    }

    private static NodeCore core(Outbox outbox) {
        try {
            NodeConfig config = config();
            // Without protection, so that fuzzed bytes reach the frame decoders (SecureEndpointFuzzTest covers the
            // rest).
            return NodeCore.withoutProtection(config, Identity.fromSeed(new byte[32]), new SplittableRandom(1), outbox);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Outbox DISCARD = new Outbox() {
        @Override
        public ByteBuf allocate() {
            return Unpooled.buffer(io.elara.node.wire.PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
        }

        @Override
        public void send(ByteBuf datagram, InetSocketAddress recipient) {
            datagram.release();
        }
    };

    /** One datagram from the configured peer's address. */
    @FuzzTest(maxDuration = "60s")
    void fuzzOneDatagram(byte[] datagram) {
        NodeCore core = core(DISCARD);
        ByteBuf buffer = Unpooled.wrappedBuffer(datagram);
        try {
            core.onDatagram(buffer, new InetSocketAddress(InetAddress.getLoopbackAddress(), 7002), START_NS);
        } finally {
            buffer.release();
        }
        core.flush(START_NS);
    }

    /**
     * A protected core: datagrams in the secure channel's range (and bare DATA), local sends that make it dial, and
     * time passing, so that handshakes are retried, given up and failed sends reported. Only an exception is a bug.
     */
    @FuzzTest(maxDuration = "60s")
    void fuzzProtectedCore(FuzzedDataProvider data) {
        NodeCore core;
        try {
            NodeConfig config = config();
            java.security.SecureRandom random = java.security.SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(1);
            core = new NodeCore(config, Identity.fromSeed(new byte[32]), new SplittableRandom(1), random, DISCARD);
        } catch (ConfigException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long nowNs = START_NS;
        int rounds = 0;
        while (data.remainingBytes() > 0 && rounds++ < 64) {
            byte[] datagram = data.consumeBytes(data.consumeInt(0, 1300));
            if (datagram.length > 0) {
                datagram[0] = (byte) (0xE0 + Math.floorMod(datagram[0], 6));
            }
            ByteBuf buffer = Unpooled.wrappedBuffer(datagram);
            try {
                int port = 7002 + data.consumeInt(0, 2);
                core.onDatagram(buffer, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), nowNs);
            } finally {
                buffer.release();
            }
            if (data.consumeBoolean()) {
                send(core, data, nowNs);
            }
            nowNs += data.consumeLong(0, 100_000_000_000L);
            core.flush(nowNs);
            core.nextDeadlineNs(nowNs);
        }
        core.close("fuzzing over");
    }

    /** A sequence of datagrams from a few addresses, with time passing between them: exercises lane state. */
    @FuzzTest(maxDuration = "60s")
    void fuzzConversation(FuzzedDataProvider data) {
        NodeCore core = core(DISCARD);
        long nowNs = START_NS;
        int rounds = 0;
        while (data.remainingBytes() > 0 && rounds++ < 64) {
            int port = 7002 + data.consumeInt(0, 3);
            byte[] datagram = data.consumeBytes(data.consumeInt(0, 1300));
            ByteBuf buffer = Unpooled.wrappedBuffer(datagram);
            try {
                core.onDatagram(buffer, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), nowNs);
            } finally {
                buffer.release();
            }
            nowNs += data.consumeLong(0, 40_000_000_000L);
            core.flush(nowNs);
            if (data.consumeBoolean()) {
                // Either outcome is fine (sent, or refused with a reason); only an exception would be a bug. Text and
                // signals (the signal lane) both.
                send(core, data, nowNs);
            }
        }
    }

    /** A local send of fuzzed text, on the reliable lane or (one time in two) the signal lane. */
    private static void send(NodeCore core, FuzzedDataProvider data, long nowNs) {
        boolean signal = data.consumeBoolean();
        String text = data.consumeString(signal ? 300 : 64);
        if (signal) {
            core.sendSignal(SendTarget.session("lobby"), text, nowNs, new CompletableFuture<>());
        } else {
            core.sendText(SendTarget.session("lobby"), text, nowNs, new CompletableFuture<>());
        }
    }
}
