package io.elara.node.config;

import java.net.InetSocketAddress;

/** A peer named in the config file, at a resolved address. */
public record PeerConfig(String name, InetSocketAddress address) {}
