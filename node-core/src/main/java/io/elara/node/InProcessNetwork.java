package io.elara.node;

import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-process lane: node cores in one JVM, on one thread, exchanging datagrams by reference. A datagram a core
 * sends is handed, as the same pooled buffer, to the core at the recipient address: no socket, no system call, no copy
 * (the simulator, by contrast, copies each datagram so that it can lose, duplicate and delay it). The frames are still
 * encoded and sealed, so what crosses is exactly what the wire would carry, and a core cannot tell this lane from UDP.
 * For embedding several nodes in one program, and for tests.
 *
 * <p>Not thread-safe: the cores and this network belong to one thread, which calls {@link #deliver} after the cores'
 * flushes (as a driver's event loop would after a read batch).
 */
public final class InProcessNetwork {
    private static final class Datagram {
        final ByteBuf buffer;
        final InetSocketAddress from;
        final InetSocketAddress to;

        Datagram(ByteBuf buffer, InetSocketAddress from, InetSocketAddress to) {
            this.buffer = buffer;
            this.from = from;
            this.to = to;
        }
    }

    private final Map<InetSocketAddress, NodeCore> cores = new LinkedHashMap<>();
    private final List<NodeCore> touched = new ArrayList<>();
    private final ArrayDeque<Datagram> queued = new ArrayDeque<>();
    private final PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private long carried;
    private long undeliverable;

    /** The outbox for the core that will be {@link #attach attached} at {@code self}. */
    public Outbox outbox(InetSocketAddress self) {
        return new Outbox() {
            @Override
            public ByteBuf allocate() {
                return allocator.heapBuffer(PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
            }

            @Override
            public void send(ByteBuf datagram, InetSocketAddress recipient) {
                queued.add(new Datagram(datagram, self, recipient));
            }
        };
    }

    /** Makes {@code core} the recipient of datagrams to {@code address}. */
    public void attach(InetSocketAddress address, NodeCore core) {
        cores.put(address, core);
    }

    /** Stops delivering to {@code address}: datagrams to it are dropped, as UDP to a closed port would be. */
    public void detach(InetSocketAddress address) {
        cores.remove(address);
    }

    /**
     * Hands every queued datagram, and those the recipients send in turn while handling them, to its core, then flushes
     * each core that received something, until nothing is queued. Returns how many datagrams were delivered.
     */
    public int deliver(long nowNs) {
        int delivered = 0;
        while (!queued.isEmpty()) {
            while (!queued.isEmpty()) {
                Datagram datagram = queued.poll();
                NodeCore core = cores.get(datagram.to);
                try {
                    if (core == null) {
                        undeliverable++;
                        continue;
                    }
                    core.onDatagram(datagram.buffer, datagram.from, nowNs);
                    if (!touched.contains(core)) {
                        touched.add(core);
                    }
                    carried++;
                    delivered++;
                } finally {
                    datagram.buffer.release();
                }
            }
            for (NodeCore core : touched) {
                core.flush(nowNs);
            }
            touched.clear();
        }
        return delivered;
    }

    /** The earliest deadline of any attached core, or {@link Long#MAX_VALUE}. */
    public long nextDeadlineNs(long nowNs) {
        long next = Long.MAX_VALUE;
        for (NodeCore core : cores.values()) {
            next = Math.min(next, core.nextDeadlineNs(nowNs));
        }
        return next;
    }

    /** Flushes every attached core (their timers), then delivers what they sent. */
    public int tick(long nowNs) {
        for (NodeCore core : cores.values()) {
            core.flush(nowNs);
        }
        return deliver(nowNs);
    }

    /** Datagrams handed to a core. */
    public long carried() {
        return carried;
    }

    /** Datagrams to an address no core is attached at, dropped. */
    public long undeliverable() {
        return undeliverable;
    }
}
