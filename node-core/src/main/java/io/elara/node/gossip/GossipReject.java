package io.elara.node.gossip;

/**
 * Why a gossip frame was dropped. Each value carries a metric label and a line for humans; {@link GossipNode} counts
 * every drop under exactly one reason ({@link GossipNode#rejects(GossipReject)}) and never logs per frame. Kept apart
 * from {@code io.elara.node.event.RejectReason} because the gossip layer is not wired into the node yet; wiring it in
 * maps these values onto that enum.
 */
public enum GossipReject {
    NONE("none", "accepted"),
    GOSSIP_TOO_SHORT("gossip_too_short", "shorter than the gossip header or than its type's fixed fields"),
    GOSSIP_VERSION("gossip_version", "a gossip frame from another protocol version"),
    GOSSIP_TYPE("gossip_type", "unknown gossip frame type"),
    GOSSIP_FLAGS("gossip_flags", "reserved flag bits set, or a flag the frame type does not define"),
    GOSSIP_LENGTH("gossip_length", "frame length disagrees with its type and id count"),
    GOSSIP_COUNT("gossip_count", "id count zero where one is needed, or above the per-frame limit"),
    GOSSIP_ARGUMENT("gossip_argument", "the header's argument byte holds a value the frame type does not allow"),
    GOSSIP_PAYLOAD_TOO_LONG("gossip_payload_too_long", "a payload longer than a gossip frame carries"),
    GOSSIP_NOT_MEMBER("gossip_not_member", "a frame from a node that is not a member of the session"),
    GOSSIP_NOT_NEIGHBOUR("gossip_not_neighbour", "a tree-control frame (PRUNE) from a node outside the active view");

    private final String label;
    private final String description;

    GossipReject(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Metric label, snake case. */
    public String label() {
        return label;
    }

    /** One line for humans. */
    public String description() {
        return description;
    }
}
