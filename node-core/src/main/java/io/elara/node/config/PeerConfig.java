package io.elara.node.config;

import io.elara.crypto.identity.NodeId;
import java.net.InetSocketAddress;

/**
 * A peer named in the config file, at a resolved address, optionally with the identity it must prove.
 *
 * @param name the peer's name here
 * @param address where it listens
 * @param id the NodeId it must have (from {@code elara id} on that node), or null when any identity is accepted
 * @param staticKey its X25519 static public key in base64 (32 bytes, from {@code elara key export-public}), or null;
 *     lets this node address its handshakes to that key
 */
public record PeerConfig(String name, InetSocketAddress address, NodeId id, String staticKey) {
    /** A peer known only by address. */
    public PeerConfig(String name, InetSocketAddress address) {
        this(name, address, null, null);
    }

    /** The static key's 32 bytes, or null. */
    public byte[] staticKeyBytes() {
        return staticKey == null ? null : java.util.Base64.getDecoder().decode(staticKey);
    }
}
