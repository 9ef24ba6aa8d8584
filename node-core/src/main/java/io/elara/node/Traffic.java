package io.elara.node;

import io.elara.node.secure.SecureEndpoint;
import io.elara.node.wire.Demux;
import io.elara.node.wire.PacketHeaderFlyweight;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Datagrams and bytes by kind and direction, for metrics: counted as they enter {@link NodeCore#onDatagram} and as they
 * leave through this outbox (which passes each one on, unchanged, to the next). The kind comes from the first byte,
 * as {@link Demux} reads it: two array increments per datagram, no allocation. Loop thread only.
 */
final class Traffic implements Outbox {
    /** The kinds, in the order of the counters' index. */
    static final String[] KINDS = {"transport", "handshake", "stun", "plain", "unknown"};

    private static final int TRANSPORT = 0;
    private static final int HANDSHAKE = 1;
    private static final int STUN = 2;
    private static final int PLAIN = 3;
    private static final int UNKNOWN = 4;

    private final Outbox next;
    private final long[] datagramsIn = new long[KINDS.length];
    private final long[] bytesIn = new long[KINDS.length];
    private final long[] datagramsOut = new long[KINDS.length];
    private final long[] bytesOut = new long[KINDS.length];

    Traffic(Outbox next) {
        this.next = next;
    }

    /** The kind of a datagram that starts with {@code first}, as an index into {@link #KINDS}. */
    static int kind(byte first) {
        return switch (Demux.classify(first & 0xFF)) {
            case Demux.STUN -> STUN;
            case Demux.ELARA ->
                first == PacketHeaderFlyweight.TRANSPORT_FIRST_BYTE
                        ? TRANSPORT
                        : SecureEndpoint.handles(first) ? HANDSHAKE : PLAIN;
            default -> UNKNOWN;
        };
    }

    /** A datagram of {@code length} bytes arrived, starting with {@code first} (any byte when empty). */
    void received(byte first, int length) {
        int kind = length == 0 ? UNKNOWN : kind(first);
        datagramsIn[kind]++;
        bytesIn[kind] += length;
    }

    @Override
    public ByteBuf allocate() {
        return next.allocate();
    }

    @Override
    public void send(ByteBuf datagram, InetSocketAddress recipient) {
        int length = datagram.readableBytes();
        int kind = length == 0 ? UNKNOWN : kind(datagram.getByte(datagram.readerIndex()));
        datagramsOut[kind]++;
        bytesOut[kind] += length;
        next.send(datagram, recipient);
    }

    /** A copy of the counters: per kind, datagrams in, bytes in, datagrams out, bytes out. */
    long[][] snapshot() {
        long[][] copy = new long[KINDS.length][];
        for (int i = 0; i < KINDS.length; i++) {
            copy[i] = new long[] {datagramsIn[i], bytesIn[i], datagramsOut[i], bytesOut[i]};
        }
        return copy;
    }
}
