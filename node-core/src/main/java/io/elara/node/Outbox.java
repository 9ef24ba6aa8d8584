package io.elara.node;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where the sans-I/O core puts the datagrams it wants sent. The realtime driver writes them to the UDP channel (and
 * flushes once per batch); the simulator hands them to its simulated network.
 */
public interface Outbox {
    /** A buffer for one datagram of up to 1,200 bytes. The caller owns it until it passes it to {@link #send}. */
    ByteBuf allocate();

    /** Sends {@code datagram} to {@code recipient}. Takes over the buffer: the outbox releases it. */
    void send(ByteBuf datagram, InetSocketAddress recipient);
}
