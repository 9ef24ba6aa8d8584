package io.elara.node;

import io.elara.crypto.identity.Identity;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.elara.testing.clock.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Several {@link NodeCore}s joined by an in-memory network under a manual clock, for tests of the core's behaviour
 * without sockets. Every datagram crosses as a copy of its bytes; loss, duplication and reordering come from one seed.
 * (The simulator of the executor issue generalises this with latency, partitions and crashes.)
 */
final class CoreNetwork {
    final ManualClock clock = new ManualClock();
    private final boolean protect;
    private final Random random;
    private final Map<InetSocketAddress, Member> members = new LinkedHashMap<>();
    private List<Datagram> inFlight = new ArrayList<>();
    double loss;
    double duplication;
    boolean reorder;
    /** Datagrams longer than this are lost, as on a path whose MTU is smaller than the sender thinks. */
    int datagramLengthMax = Integer.MAX_VALUE;

    long datagramsTooLong;
    /** The longest datagram any node sent. */
    int datagramLengthSeenMax;

    long datagramsCarried;
    long datagramsDropped;
    /** One side of a partition: datagrams between it and the other members are lost; null for none. */
    java.util.Set<Member> partitioned;
    /** Datagrams between two members for which this holds (either way round) are lost; null for none. */
    java.util.function.BiPredicate<Member, Member> blocked;
    /** Sees a copy of every datagram sent, as an on-path observer would; null for none. */
    java.util.function.BiConsumer<InetSocketAddress, byte[]> wiretap;

    /** Protected cores: secure sessions and signed events, as every real node runs. */
    CoreNetwork(long seed) {
        this(seed, true);
    }

    /** {@code protect} false: cores built {@link NodeCore#withoutProtection}, for tests of the frame layer. */
    CoreNetwork(long seed, boolean protect) {
        this.random = new Random(seed);
        this.protect = protect;
    }

    /** The identity the member on {@code port} has (its seed is the port), to put in another member's config. */
    static Identity identityFor(long port) {
        byte[] seedBytes = new byte[32];
        new Random(port).nextBytes(seedBytes);
        return Identity.fromSeed(seedBytes);
    }

    /** A datagram in flight; the byte array is never shared or changed after creation. */
    private static final class Datagram {
        final InetSocketAddress from;
        final InetSocketAddress to;
        final byte[] bytes;

        Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
            this.from = from;
            this.to = to;
            this.bytes = bytes;
        }
    }

    /** One node on the network, with everything it delivered locally. */
    final class Member {
        final String name;
        /** Where others see this node: its own port until {@link #rebind} moves it, as a NAT that rebinds would. */
        InetSocketAddress address;

        Identity identity;
        final NodeConfig config;
        final List<DeliveredEvent> delivered = new ArrayList<>();
        NodeCore core;
        /** Starts so far: each start draws fresh handshake keys, as a restarted process would. */
        private int starts;
        /** Added to the network's clock for this node: a clock that runs ahead (positive) or behind. */
        long clockSkewNs;
        /** True while every datagram to or from this node is lost, as if it vanished from the network. */
        boolean cutOff;

        /** This node's view of the time: the network's clock plus its skew. */
        long nowNs(long networkNs) {
            return networkNs + clockSkewNs;
        }

        Member(String name, InetSocketAddress address, NodeConfig config, long seed) {
            this.name = name;
            this.address = address;
            this.config = config;
            this.identity = identityFor(seed);
            start(seed);
        }

        /** Starts (or restarts, losing all in-memory state) this node's core. */
        void start(long seed) {
            Outbox outbox = new Outbox() {
                @Override
                public ByteBuf allocate() {
                    return Unpooled.buffer(io.elara.node.wire.PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
                }

                @Override
                public void send(ByteBuf datagram, InetSocketAddress recipient) {
                    try {
                        byte[] bytes = new byte[datagram.readableBytes()];
                        datagram.readBytes(bytes);
                        inFlight.add(new Datagram(address, recipient, bytes));
                        if (wiretap != null) {
                            wiretap.accept(recipient, bytes.clone());
                        }
                    } finally {
                        datagram.release();
                    }
                }
            };
            SplittableRandom random = new SplittableRandom(seed);
            core = protect
                    ? new NodeCore(config, identity, random, seededSecureRandom(seed * 31 + starts++), outbox)
                    : NodeCore.withoutProtection(config, identity, random, outbox);
            core.subscribe(delivered::add, 0);
        }

        List<String> texts() {
            return delivered.stream()
                    .filter(d -> !d.local())
                    .map(d -> d.event().authorName() + ": " + d.event().text())
                    .toList();
        }

        /** How many of {@code lines} ("name: text") written by others this node has not received. */
        long missing(List<String> lines) {
            List<String> texts = texts();
            return lines.stream()
                    .filter(line -> !line.startsWith(name + ":") && !texts.contains(line))
                    .count();
        }
    }

    /** Handshake randomness from a seed, so that a test's run repeats exactly. */
    static java.security.SecureRandom seededSecureRandom(long seed) {
        try {
            java.security.SecureRandom random = java.security.SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA1PRNG", e);
        }
    }

    /** The loopback address with {@code port}. */
    static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    Member add(String name, int port, UnaryOperator<NodeConfig.Builder> configure) {
        try {
            NodeConfig config = configure
                    .apply(NodeConfig.builder(name).bind("127.0.0.1", port))
                    .build();
            Member member = new Member(name, address(port), config, port);
            members.put(member.address, member);
            return member;
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * {@code member}'s NAT rebinds: from now on its datagrams come from port {@code newPort}, and datagrams to its old
     * address, in flight or sent later, are lost (the old mapping is gone).
     */
    void rebind(Member member, int newPort) {
        members.remove(member.address);
        member.address = address(newPort);
        members.put(member.address, member);
    }

    /** Delivers every datagram now in flight (after loss, duplication, reordering), then flushes every node. */
    void step() {
        List<Datagram> batch = inFlight;
        inFlight = new ArrayList<>();
        if (reorder) {
            java.util.Collections.shuffle(batch, random);
        }
        long nowNs = clock.nowNs();
        for (Datagram datagram : batch) {
            datagramLengthSeenMax = Math.max(datagramLengthSeenMax, datagram.bytes.length);
            if (datagram.bytes.length > datagramLengthMax) {
                datagramsTooLong++;
                datagramsDropped++;
                continue;
            }
            int copies = random.nextDouble() < duplication ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                if (random.nextDouble() < loss) {
                    datagramsDropped++;
                    continue;
                }
                deliver(datagram, nowNs);
            }
        }
        for (Member member : members.values()) {
            member.core.flush(member.nowNs(nowNs));
        }
    }

    /** The earliest deadline of any node, on the network's clock. */
    private long nextDeadlineNs(long nowNs, long next) {
        for (Member member : members.values()) {
            long deadline = member.core.nextDeadlineNs(member.nowNs(nowNs));
            if (deadline != Long.MAX_VALUE) {
                next = Math.min(next, deadline - member.clockSkewNs);
            }
        }
        return next;
    }

    /** Hands {@code bytes} to the node at {@code to} as a datagram from {@code from}, now. */
    int inject(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
        try {
            Member member = members.get(to);
            return member.core.onDatagram(buffer, from, member.nowNs(clock.nowNs()));
        } finally {
            buffer.release();
        }
    }

    private void deliver(Datagram datagram, long nowNs) {
        Member to = members.get(datagram.to);
        Member from = members.get(datagram.from);
        if (to == null
                || to.cutOff
                || (from != null && from.cutOff)
                || (from != null && partitioned != null && partitioned.contains(from) != partitioned.contains(to))
                || (from != null && blocked != null && (blocked.test(from, to) || blocked.test(to, from)))) {
            datagramsDropped++;
            return;
        }
        datagramsCarried++;
        ByteBuf buffer = Unpooled.wrappedBuffer(datagram.bytes);
        try {
            to.core.onDatagram(buffer, datagram.from, to.nowNs(nowNs));
        } finally {
            buffer.release();
        }
    }

    /**
     * Runs until {@code done} holds: delivers datagrams one millisecond apart while any are in flight, else jumps the
     * clock to the earliest node deadline. Fails when {@code limit} of virtual time passes first.
     */
    void runUntil(BooleanSupplier done, Duration limit, String what) {
        long endNs = clock.nowNs() + limit.toNanos();
        step();
        while (!done.getAsBoolean()) {
            if (clock.nowNs() > endNs) {
                throw new AssertionError("not done after " + limit.toMillis() + " ms of virtual time: " + what);
            }
            long nowNs = clock.nowNs();
            long next = nextDeadlineNs(nowNs, Long.MAX_VALUE);
            if (!inFlight.isEmpty()) {
                next = Math.min(next, nowNs + 1_000_000L);
            }
            if (next == Long.MAX_VALUE) {
                throw new AssertionError("nothing left to do and not done: " + what);
            }
            clock.set(Math.max(next, nowNs));
            step();
        }
    }

    /** Runs for {@code duration} of virtual time, whatever happens. */
    void runFor(Duration duration) {
        long endNs = clock.nowNs() + duration.toNanos();
        step();
        while (clock.nowNs() < endNs) {
            long nowNs = clock.nowNs();
            long next = nextDeadlineNs(nowNs, endNs);
            if (!inFlight.isEmpty()) {
                next = Math.min(next, nowNs + 1_000_000L);
            }
            clock.set(Math.max(next, nowNs + 1));
            step();
        }
    }
}
