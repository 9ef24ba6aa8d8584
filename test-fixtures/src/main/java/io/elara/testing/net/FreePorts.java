package io.elara.testing.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds UDP ports that are free on loopback right now. A port can be taken between this call and its use, so callers
 * that start real processes bind promptly; ports handed out by this JVM are never handed out twice.
 */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {}

    /** One free UDP port on 127.0.0.1. */
    public static synchronized int udp() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (DatagramSocket socket =
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free UDP port on loopback", e);
            }
        }
        throw new IllegalStateException("no free UDP port on loopback after 100 attempts");
    }
}
