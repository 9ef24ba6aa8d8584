package io.elara.node.store;

import io.elara.crypto.identity.NodeId;
import java.util.Objects;

/**
 * A peer this node has met.
 *
 * @param nodeId its identity
 * @param name its configured name, or null for a stranger
 * @param address its last known address ({@code host:port}), or null
 * @param lastSeenAtMs when it was last heard from, in milliseconds since the Unix epoch
 */
public record KnownPeer(NodeId nodeId, String name, String address, long lastSeenAtMs) {
    public KnownPeer {
        Objects.requireNonNull(nodeId, "nodeId");
    }
}
