package io.elara.node;

import io.elara.node.event.RejectReason;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a node's state, safe to pass between threads.
 *
 * @param name the node's name
 * @param id the node's id, text form
 * @param listen the bound UDP address ({@code ip:port}), or null before start
 * @param peers each peer's link state
 * @param sessions each session's counters
 * @param counters traffic counters
 * @param rejects dropped input by reason (non-zero counts only)
 */
public record NodeStatus(
        String name,
        String id,
        String listen,
        List<PeerStatus> peers,
        List<SessionStatus> sessions,
        Counters counters,
        Map<RejectReason, Long> rejects) {

    public NodeStatus {
        peers = List.copyOf(peers);
        sessions = List.copyOf(sessions);
        rejects = Map.copyOf(rejects);
    }

    /** The same status with the bound address filled in. */
    public NodeStatus withListen(String address) {
        return new NodeStatus(name, id, address, peers, sessions, counters, rejects);
    }

    /**
     * @param name configured name or address
     * @param address {@code ip:port}
     * @param configured true when it comes from the config file
     * @param lastHeardMsAgo milliseconds since the last valid packet from it, or -1 if never
     * @param rttMs smoothed round-trip time, or -1 before the first sample
     * @param queued events sent or waiting, not yet acknowledged
     * @param transmissions event frames sent to it, retransmissions included
     * @param retransmissions event frames sent again after a timeout
     * @param eventsReceived events received from it
     */
    public record PeerStatus(
            String name,
            String address,
            boolean configured,
            long lastHeardMsAgo,
            double rttMs,
            int queued,
            long transmissions,
            long retransmissions,
            long eventsReceived) {}

    /**
     * @param name session name
     * @param members number of peers in it
     * @param messages text messages seen since start
     */
    public record SessionStatus(String name, int members, long messages) {}

    /**
     * @param datagramsIn datagrams received
     * @param datagramsOut datagrams sent
     * @param bytesIn bytes received
     * @param bytesOut bytes sent
     * @param eventsSent events this node authored
     * @param eventsDelivered events delivered to local subscribers, own ones included
     * @param subscribers local subscribers now
     */
    public record Counters(
            long datagramsIn,
            long datagramsOut,
            long bytesIn,
            long bytesOut,
            long eventsSent,
            long eventsDelivered,
            int subscribers) {}
}
