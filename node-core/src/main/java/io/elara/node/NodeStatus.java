package io.elara.node;

import io.elara.node.event.RejectReason;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * @param rejects dropped input by reason label (non-zero counts only), the secure layer's {@code secure_*} included
 * @param security the secure layer's state
 * @param media the degradation ladder's level for the node, and why
 */
public record NodeStatus(
        String name,
        String id,
        String listen,
        List<PeerStatus> peers,
        List<SessionStatus> sessions,
        Counters counters,
        Map<String, Long> rejects,
        Security security,
        List<String> reflexive,
        String relayed,
        List<KindTraffic> traffic,
        Media media) {

    public NodeStatus {
        traffic = List.copyOf(traffic);
        peers = List.copyOf(peers);
        reflexive = List.copyOf(reflexive);
        sessions = List.copyOf(sessions);
        rejects = Collections.unmodifiableMap(new LinkedHashMap<>(rejects));
    }

    /** The same status with the bound address filled in. */
    public NodeStatus withListen(String address) {
        return new NodeStatus(
                name, id, address, peers, sessions, counters, rejects, security, reflexive, relayed, traffic, media);
    }

    /** The count under {@code reason}'s label, 0 if none. */
    public long rejected(RejectReason reason) {
        return rejects.getOrDefault(reason.label(), 0L);
    }

    /**
     * @param enabled false only in a core built without protection (benchmarks)
     * @param sessions secure sessions established and not yet expired
     * @param pendingHandshakes handshakes under way, dialled or answered
     * @param handshakesCompleted handshakes completed since start
     * @param underLoad whether initiations now need a cookie
     * @param batchesSigned batches of this node's events signed (one Ed25519 signature each)
     * @param signatureChecks Ed25519 verifications of received batch signatures (the rest hit the cache)
     */
    public record Security(
            boolean enabled,
            int sessions,
            int pendingHandshakes,
            long handshakesCompleted,
            boolean underLoad,
            long batchesSigned,
            long signatureChecks) {}

    /**
     * @param name configured name or address
     * @param address {@code ip:port}
     * @param configured true when it comes from the config file
     * @param lastHeardMsAgo milliseconds since the last valid packet from it, or -1 if never
     * @param rttMs smoothed round-trip time of the reliable lane, else the last PING's round-trip time, or -1 before
     *     the first sample
     * @param clockOffsetMs how far its clock is ahead of this node's (negative: behind), from the last PONG, or null
     *     before the first
     * @param queued events sent or waiting, not yet acknowledged
     * @param transmissions event frames sent to it, retransmissions included
     * @param retransmissions event frames sent again after a timeout
     * @param eventsReceived events received from it
     * @param nodeId the identity its last handshake proved, or null
     * @param secure its secure session: {@code up}, {@code dialing}, {@code failed: why}, {@code idle} (closed after
     *     {@link io.elara.node.peer.Liveness#IDLE_TIMEOUT_NS} of silence), {@code none}, or {@code off}
     * @param migrations how many times its address changed under an authenticated packet or handshake (NAT rebinds)
     * @param pathMtu the largest datagram confirmed to reach it, sealed bytes (1,200 until a probe confirms more)
     * @param path how datagrams reach it: {@code direct} (from this node's port), {@code relayed (TURN)} with how its
     *     ICE upgrade stands ({@code ; ICE checking}, {@code ; ICE found no direct path: why}), or {@code ICE} and the
     *     pair ICE selected
     * @param rttVariationMs the reliable lane's round-trip time variation (RFC 6298's RTTVAR, a measure of jitter), or
     *     -1 before the first sample
     * @param degradation the level of the media this node sends it ({@link io.elara.node.media.DegradationLevel})
     * @param mediaLossPercent the share of this node's media it reported lost over its last interval, or -1 without a
     *     recent report
     * @param mediaReceivedKbps the media rate it reported receiving, kbit/s, or -1 without a report
     */
    public record PeerStatus(
            String name,
            String address,
            boolean configured,
            long lastHeardMsAgo,
            double rttMs,
            Double clockOffsetMs,
            int queued,
            long transmissions,
            long retransmissions,
            long eventsReceived,
            String nodeId,
            String secure,
            long migrations,
            int pathMtu,
            String path,
            double rttVariationMs,
            String degradation,
            double mediaLossPercent,
            double mediaReceivedKbps) {}

    /**
     * @param level the node's degradation level: the worst of its links that carried media lately ({@code full},
     *     {@code reduced-video}, {@code keyframes-only}, {@code low-voice}, {@code text-only})
     * @param rung the level's number, 0 (full) to 4 (text only)
     * @param reason which link, and what measure put it there
     * @param changes how many times the level changed since start
     */
    public record Media(String level, int rung, String reason, long changes) {}

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
     * @param eventsForwarded received events passed on to overlay neighbours (one per copy)
     * @param forwardsSkipped copies not passed on because the neighbour's lane was full (anti-entropy brings them)
     * @param eventsRelayed events sent to a member by anti-entropy because it lacked them
     * @param peersRetired member peers forgotten because no session needed them
     * @param stunAnswered STUN requests this node answered on its port (success or error responses)
     * @param mailboxDepth entries in the outbound mailbox (own events a recipient has not reported stored, written once
     *     they waited 2 s), as of the journal's last write; -1 when the node has no database
     * @param storeWritesPending writes handed to the database's writer thread and not yet back
     */
    public record Counters(
            long datagramsIn,
            long datagramsOut,
            long bytesIn,
            long bytesOut,
            long eventsSent,
            long eventsDelivered,
            int subscribers,
            long eventsForwarded,
            long forwardsSkipped,
            long eventsRelayed,
            long peersRetired,
            long stunAnswered,
            long mailboxDepth,
            int storeWritesPending) {}

    /**
     * Datagrams of one kind, by direction.
     *
     * @param kind {@code transport} (sealed Elara packets), {@code handshake} (the secure channel's), {@code stun} (STUN
     *     and TURN), {@code plain} (unsealed Elara packets, a core built without protection), {@code unknown}
     * @param datagramsIn received
     * @param bytesIn their bytes
     * @param datagramsOut sent
     * @param bytesOut their bytes
     */
    public record KindTraffic(String kind, long datagramsIn, long bytesIn, long datagramsOut, long bytesOut) {}
}
