package io.elara.node.config;

import java.util.List;

/** A session named in the config file and the configured peers in it. */
public record SessionConfig(String name, List<String> members) {
    public SessionConfig {
        members = List.copyOf(members);
    }
}
