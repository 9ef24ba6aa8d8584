package io.elara.node.peer;

import io.elara.node.lane.ReliableReceiver;
import io.elara.node.lane.ReliableSender;
import java.net.InetSocketAddress;

/** One remote node at one address, as this node sees it. Loop thread only. */
public final class Peer {
    private final InetSocketAddress address;
    private final String configuredName;
    private final String label;
    private final ReliableSender sender;
    private final ReliableReceiver receiver = new ReliableReceiver();
    private long lastHeardNs = Long.MIN_VALUE;
    private long datagramsIn;
    private long datagramsOut;
    private long eventsIn;

    Peer(InetSocketAddress address, String configuredName, long laneEpoch) {
        this.address = address;
        this.configuredName = configuredName;
        this.label = configuredName != null ? configuredName : format(address);
        this.sender = new ReliableSender(label, laneEpoch);
    }

    /** {@code host:port}, with IPv6 hosts in brackets. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The name from the config file, or null for a peer that contacted this node on its own. */
    public String configuredName() {
        return configuredName;
    }

    /** The configured name, or the address. */
    public String label() {
        return label;
    }

    public ReliableSender sender() {
        return sender;
    }

    public ReliableReceiver receiver() {
        return receiver;
    }

    /** When the last valid packet arrived, or {@link Long#MIN_VALUE} if none has. */
    public long lastHeardNs() {
        return lastHeardNs;
    }

    public void heard(long nowNs) {
        lastHeardNs = nowNs;
        datagramsIn++;
    }

    public void sentDatagram() {
        datagramsOut++;
    }

    public void receivedEvent() {
        eventsIn++;
    }

    public long datagramsIn() {
        return datagramsIn;
    }

    public long datagramsOut() {
        return datagramsOut;
    }

    public long eventsIn() {
        return eventsIn;
    }
}
