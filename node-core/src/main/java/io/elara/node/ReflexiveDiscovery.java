package io.elara.node;

import io.elara.stun.codec.StunAttributes;
import io.elara.stun.codec.StunHeaderFlyweight;
import io.elara.stun.codec.StunMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * This node's server-reflexive addresses: Binding requests from the node's own UDP port to the STUN servers of its
 * config ({@code stun.servers}: coturn, or any other Elara node, since every node answers STUN), and the
 * XOR-MAPPED-ADDRESS each answers with. That is the address a NAT in front of the node gave the port, which a peer
 * elsewhere can reach it at (when the NAT maps endpoint-independently); invites carry it beside the host addresses.
 *
 * <p>Requests go again after {@link #RTO_NS}, doubling, {@link #ATTEMPTS_MAX} times in all (RFC 8489 section 6.2.1
 * with a shorter give-up: 7.5 s). A server that answered is asked again every {@link #REFRESH_NS}, which also keeps
 * the NAT's mapping alive (Linux drops an idle UDP mapping after 30 s without a reply, 120 s with); one that did not
 * is asked again after {@link #RETRY_NS}. A mapping a server stops confirming is dropped when its refresh fails.
 *
 * <p>Sans-I/O and loop thread only, but for {@link #addresses}, which any thread may read.
 */
final class ReflexiveDiscovery {
    static final long RTO_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final int ATTEMPTS_MAX = 4;
    static final long REFRESH_NS = TimeUnit.SECONDS.toNanos(25);
    static final long RETRY_NS = TimeUnit.SECONDS.toNanos(30);

    /** Sends a datagram (a whole STUN message) to a server. */
    @FunctionalInterface
    interface Transmit {
        void send(byte[] datagram, InetSocketAddress to);
    }

    private static final class Server {
        final InetSocketAddress address;
        byte[] transactionId;
        int attempts;
        long nextNs;
        InetSocketAddress mapped;

        Server(InetSocketAddress address) {
            this.address = address;
        }
    }

    private final List<Server> servers = new ArrayList<>();
    private final RandomGenerator random;
    private volatile List<InetSocketAddress> published = List.of();
    private long answers;
    private long timeouts;

    ReflexiveDiscovery(List<InetSocketAddress> addresses, RandomGenerator random) {
        this.random = random;
        for (InetSocketAddress address : addresses) {
            servers.add(new Server(address));
        }
    }

    boolean enabled() {
        return !servers.isEmpty();
    }

    /** Sends the requests due at {@code nowNs} (new, repeated, or refreshes). */
    void flush(long nowNs, Transmit transmit) {
        for (Server server : servers) {
            if (nowNs - server.nextNs < 0) {
                continue;
            }
            if (server.transactionId != null && server.attempts >= ATTEMPTS_MAX) {
                // No answer to any attempt: the server is away, or the path to it is.
                timeouts++;
                server.transactionId = null;
                server.attempts = 0;
                server.nextNs = nowNs + RETRY_NS;
                if (server.mapped != null) {
                    server.mapped = null;
                    publish();
                }
                continue;
            }
            if (server.transactionId == null) {
                server.transactionId = new byte[StunHeaderFlyweight.TRANSACTION_ID_LENGTH];
                for (int i = 0; i < server.transactionId.length; i++) {
                    server.transactionId[i] = (byte) random.nextInt(256);
                }
                server.attempts = 0;
            }
            byte[] request = StunMessage.builder(
                            StunHeaderFlyweight.METHOD_BINDING, StunHeaderFlyweight.CLASS_REQUEST, server.transactionId)
                    .encode(null, true);
            transmit.send(request, server.address);
            server.nextNs = nowNs + (RTO_NS << server.attempts);
            server.attempts++;
        }
    }

    /** Whether a request is outstanding: only then can a response be one of this node's. */
    boolean waiting() {
        for (Server server : servers) {
            if (server.transactionId != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes a STUN response from {@code from}: true when it answers an outstanding request of this node (and is
     * consumed), false when it is none of this node's.
     */
    boolean onResponse(StunMessage response, InetSocketAddress from, long nowNs) {
        for (Server server : servers) {
            if (server.transactionId == null
                    || !server.address.equals(from)
                    || !Arrays.equals(server.transactionId, response.transactionId())) {
                continue;
            }
            server.transactionId = null;
            server.attempts = 0;
            if (response.messageClass() != StunHeaderFlyweight.CLASS_SUCCESS_RESPONSE) {
                server.nextNs = nowNs + RETRY_NS;
                return true;
            }
            InetSocketAddress mapped = response.address(StunAttributes.XOR_MAPPED_ADDRESS);
            if (mapped == null) {
                mapped = response.address(StunAttributes.MAPPED_ADDRESS);
            }
            answers++;
            server.nextNs = nowNs + REFRESH_NS;
            if (mapped != null && !mapped.equals(server.mapped)) {
                server.mapped = mapped;
                publish();
            }
            return true;
        }
        return false;
    }

    /** When {@link #flush} has work next, or {@link Long#MAX_VALUE}. */
    long nextDeadlineNs() {
        long next = Long.MAX_VALUE;
        for (Server server : servers) {
            next = Math.min(next, server.nextNs);
        }
        return next;
    }

    /** The reflexive addresses the servers reported, without repeats, in the config's order of servers. Any thread. */
    List<InetSocketAddress> addresses() {
        return published;
    }

    /** Answers taken, and requests given up on after every attempt. */
    long answers() {
        return answers;
    }

    long timeouts() {
        return timeouts;
    }

    private void publish() {
        Set<InetSocketAddress> distinct = new LinkedHashSet<>();
        for (Server server : servers) {
            if (server.mapped != null) {
                distinct.add(server.mapped);
            }
        }
        published = List.copyOf(distinct);
    }
}
