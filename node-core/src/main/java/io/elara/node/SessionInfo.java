package io.elara.node;

import java.util.List;

/**
 * A session as {@code elara session list} shows it.
 *
 * @param name its name on this node
 * @param id its 128-bit id in hex
 * @param kind {@code configured} (from the config file), {@code created} (by this node) or {@code joined}
 * @param creator the creator's node id; null for a configured session
 * @param propagation {@code mesh} (events go to every member) or {@code overlay} (to at most ten neighbours, which pass
 *     them on: sessions of more than eleven members)
 * @param topic the session's topic, null when none is set
 * @param members this node first, then the others
 */
public record SessionInfo(
        String name, String id, String kind, String creator, String propagation, String topic, List<Member> members) {
    public SessionInfo {
        members = List.copyOf(members);
    }

    /**
     * A member.
     *
     * @param name its peer name here (this node's own name for itself)
     * @param nodeId its node id, or null when not known yet (a configured peer not yet met)
     * @param self whether it is this node
     * @param connected whether a secure session with it is up
     * @param neighbour whether this node sends the session's events to it (every member in a mesh)
     * @param presence the presence it set in this session ({@code online|away|busy|offline}, then optionally a space
     *     and a status text), null when it set none
     * @param liveness what this node can tell of it being there: {@code online} (heard lately, directly or through
     *     another member that probed it), {@code suspect} (silent, and no other member vouched for it), {@code
     *     offline}, or {@code unknown} (on an overlay, a member that is not this node's neighbour, which this node does
     *     not watch); {@code online} for this node itself
     * @param vouchedBy the member that last vouched for it while this node heard nothing from it directly, or null
     * @param lastSeenAgoMs milliseconds since this node last heard from it directly, -1 when never since start
     */
    public record Member(
            String name,
            String nodeId,
            boolean self,
            boolean connected,
            boolean neighbour,
            String presence,
            String liveness,
            String vouchedBy,
            long lastSeenAgoMs) {}
}
