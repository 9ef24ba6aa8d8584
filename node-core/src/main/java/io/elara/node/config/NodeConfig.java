package io.elara.node.config;

import io.elara.node.flow.FlowSpec;
import io.elara.node.media.DegradationLadder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated node configuration. Build one with {@link ConfigLoader#load} from a YAML file, or with {@link #builder}
 * in code; both apply the same rules.
 *
 * @param source the file it came from, or null when built in code
 * @param name this node's display name
 * @param dataDirectory where the identity, lock and control socket live (absolute)
 * @param bind the UDP address and port to listen on (port 0: any free port)
 * @param peers configured peers
 * @param sessions configured sessions
 * @param limits bounds
 * @param flows what the node does with the events it delivers (headless peers: bots, recorders, bridges)
 * @param durability how its database syncs commits ({@code storage.durability})
 * @param stunServers where it asks for its reflexive address ({@code stun.servers})
 * @param turn the TURN server it takes a relayed address on ({@code stun.turn}), or null
 * @param join invites ({@code join:}) the node uses when it runs, for the sessions it is not in yet
 * @param logging how {@code elara run} logs ({@code logging:})
 * @param identityFile the node's key file ({@code identity-file:}), or null for {@code identity.key} in the data
 *     directory
 * @param metricsListen where a running node serves {@code /metrics} (Prometheus) and {@code /health} over HTTP
 *     ({@code metrics.listen}), or null for nowhere
 * @param degradation when media steps down and up the degradation ladder ({@code degradation:})
 */
public record NodeConfig(
        Path source,
        String name,
        Path dataDirectory,
        InetSocketAddress bind,
        List<PeerConfig> peers,
        List<SessionConfig> sessions,
        Limits limits,
        List<FlowSpec> flows,
        Durability durability,
        List<InetSocketAddress> stunServers,
        TurnServer turn,
        InetSocketAddress metricsListen,
        List<String> join,
        Logging logging,
        Path identityFile,
        DegradationLadder.Thresholds degradation) {
    /** The port a node listens on when the config does not say. */
    public static final int DEFAULT_PORT = 7460;

    public NodeConfig {
        peers = List.copyOf(peers);
        sessions = List.copyOf(sessions);
        flows = List.copyOf(flows);
        stunServers = List.copyOf(stunServers);
        join = List.copyOf(join);
        logging = logging == null ? Logging.DEFAULT : logging;
        degradation = degradation == null ? DegradationLadder.Thresholds.DEFAULTS : degradation;
    }

    /**
     * How {@code elara run} logs ({@code logging:}); its {@code --log-level} and {@code --log-format} win over these.
     *
     * @param level {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}; null: {@code info}
     * @param format {@code human} or {@code json}; null: {@code human}
     */
    public record Logging(String level, String format) {
        public static final Logging DEFAULT = new Logging(null, null);
        public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
        public static final List<String> FORMATS = List.of("human", "json");
    }

    /** A config with no STUN servers. */
    public NodeConfig(
            Path source,
            String name,
            Path dataDirectory,
            InetSocketAddress bind,
            List<PeerConfig> peers,
            List<SessionConfig> sessions,
            Limits limits,
            List<FlowSpec> flows,
            Durability durability) {
        this(
                source,
                name,
                dataDirectory,
                bind,
                peers,
                sessions,
                limits,
                flows,
                durability,
                List.of(),
                null,
                null,
                List.of(),
                Logging.DEFAULT,
                null,
                null);
    }

    /** A builder for a node named {@code name}; validation happens in {@link Builder#build}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The same config with another bind address, e.g. port 0 for a one-shot sender. */
    public NodeConfig withBind(InetSocketAddress newBind) {
        return new NodeConfig(
                source,
                name,
                dataDirectory,
                newBind,
                peers,
                sessions,
                limits,
                flows,
                durability,
                stunServers,
                turn,
                metricsListen,
                join,
                logging,
                identityFile,
                degradation);
    }

    /** Builds a config in code, checked by the same rules as a file. */
    public static final class Builder {
        private final RawConfig raw = new RawConfig();

        private Builder(String name) {
            raw.name = name;
            raw.bind = new RawConfig.RawBind();
            raw.bind.address = "127.0.0.1";
            raw.bind.port = 0;
        }

        public Builder dataDirectory(Path directory) {
            raw.dataDirectory = directory.toString();
            return this;
        }

        public Builder bind(String address, int port) {
            raw.bind.address = address;
            raw.bind.port = port;
            return this;
        }

        public Builder peer(String name, String address) {
            return peer(name, address, null, null);
        }

        /** A peer that must prove {@code id} (text form), whose X25519 key is {@code key} (base64), each may be null. */
        public Builder peer(String name, String address, String id, String key) {
            RawConfig.RawPeer peer = new RawConfig.RawPeer();
            peer.name = name;
            peer.address = address;
            peer.id = id;
            peer.key = key;
            raw.peers = raw.peers == null ? new java.util.ArrayList<>() : raw.peers;
            raw.peers.add(peer);
            return this;
        }

        public Builder session(String name, String... members) {
            RawConfig.RawSession session = new RawConfig.RawSession();
            session.name = name;
            session.members = new java.util.ArrayList<>(List.of(members));
            raw.sessions = raw.sessions == null ? new java.util.ArrayList<>() : raw.sessions;
            raw.sessions.add(session);
            return this;
        }

        /** Adds a STUN server ({@code HOST:PORT}) to ask for this node's reflexive address. */
        public Builder stunServer(String address) {
            if (raw.stun == null) {
                raw.stun = new RawConfig.RawStun();
                raw.stun.servers = new java.util.ArrayList<>();
            }
            raw.stun.servers.add(address);
            return this;
        }

        /** Joins the session of invite {@code token} when the node runs, unless it is in it already. */
        public Builder join(String token) {
            raw.join = raw.join == null ? new java.util.ArrayList<>() : raw.join;
            raw.join.add(token);
            return this;
        }

        /** Serves {@code /metrics} and {@code /health} on {@code address} ({@code HOST:PORT}) while the node runs. */
        public Builder metrics(String address) {
            raw.metrics = new RawConfig.RawMetrics();
            raw.metrics.listen = address;
            return this;
        }

        public Builder durability(Durability durability) {
            raw.storage = new RawConfig.RawStorage();
            raw.storage.durability = durability.word();
            return this;
        }

        public Builder limits(Limits limits) {
            raw.limits = new RawConfig.RawLimits();
            raw.limits.peersMax = limits.peersMax();
            raw.limits.sendQueueMax = limits.sendQueueMax();
            raw.limits.textBytesMax = limits.textBytesMax();
            raw.limits.deliveryTimeoutMs = limits.deliveryTimeoutMs();
            raw.limits.subscribersMax = limits.subscribersMax();
            raw.limits.flowQueueMax = limits.flowQueueMax();
            raw.limits.reassemblyBytesMaxPerPeer = limits.reassemblyBytesMaxPerPeer();
            raw.limits.reassemblyBytesMax = limits.reassemblyBytesMax();
            return this;
        }

        /** Adds flows, written as the YAML of the {@code flows:} key. */
        public Builder flowsYaml(String yaml) throws ConfigException {
            raw.flows = ConfigLoader.flows(yaml);
            return this;
        }

        public NodeConfig build() throws ConfigException {
            return ConfigValidator.validate(raw, null, Path.of("").toAbsolutePath(), YamlLocator.NONE);
        }
    }
}
