package io.elara.node.config;

import io.elara.crypto.identity.NodeId;
import io.elara.node.flow.FlowSpec;
import io.elara.node.wire.EventFrameCodec;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a bound {@link RawConfig} into a {@link NodeConfig}, or fails with the first problem, located. */
final class ConfigValidator {
    /** STUN servers a config may list. */
    static final int STUN_SERVERS_MAX = 8;

    /** Node, peer and session names: what shows on screen and is typed in commands. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    static final int NAME_LENGTH_MAX = 32;
    /** The session name that means "direct message"; no configured session may take it. */
    static final String DIRECT = "direct";

    private final Path source;
    private final YamlLocator locator;

    private ConfigValidator(Path source, YamlLocator locator) {
        this.source = source;
        this.locator = locator;
    }

    static NodeConfig validate(RawConfig raw, Path source, Path baseDirectory, YamlLocator locator)
            throws ConfigException {
        return new ConfigValidator(source, locator).validate(raw, baseDirectory);
    }

    private NodeConfig validate(RawConfig raw, Path baseDirectory) throws ConfigException {
        String name = name(raw.name, "/name", "name");

        Path dataDirectory;
        try {
            dataDirectory = baseDirectory
                    .resolve(raw.dataDirectory == null ? "." : raw.dataDirectory)
                    .normalize();
        } catch (InvalidPathException e) {
            throw error("/data-dir", "data-dir", "'" + raw.dataDirectory + "' is not a valid path");
        }

        Path identityFile = null;
        if (raw.identityFile != null) {
            try {
                identityFile = baseDirectory.resolve(raw.identityFile).normalize();
            } catch (InvalidPathException e) {
                throw error("/identity-file", "identity-file", "'" + raw.identityFile + "' is not a valid path");
            }
            if (raw.identityFile.isBlank() || Files.isDirectory(identityFile)) {
                throw error(
                        "/identity-file",
                        "identity-file",
                        "'" + raw.identityFile + "' is a directory; the key file itself (elara run creates it when"
                                + " missing)");
            }
        }

        InetSocketAddress bind = bind(raw.bind);

        List<PeerConfig> peers = new ArrayList<>();
        Map<String, Integer> peerIndex = new HashMap<>();
        Set<InetSocketAddress> peerAddresses = new HashSet<>();
        if (raw.peers != null) {
            for (int i = 0; i < raw.peers.size(); i++) {
                RawConfig.RawPeer peer = raw.peers.get(i);
                String at = "/peers/" + i;
                String field = "peers[" + i + "]";
                if (peer == null) {
                    throw error(at, field, "empty entry; a peer needs a name and an address");
                }
                String peerName = name(peer.name, at + "/name", field + ".name");
                if (peerName.equals(name)) {
                    throw error(at + "/name", field + ".name", "'" + peerName + "' is this node's own name");
                }
                if (peerIndex.putIfAbsent(peerName, i) != null) {
                    throw error(
                            at + "/name",
                            field + ".name",
                            "'" + peerName + "' is already the name of peers[" + peerIndex.get(peerName) + "]");
                }
                if (peer.address == null) {
                    throw error(at, field + ".address", "missing; write host:port");
                }
                InetSocketAddress address;
                try {
                    address = Addresses.parse(peer.address, true);
                } catch (IllegalArgumentException e) {
                    throw error(at + "/address", field + ".address", e.getMessage());
                }
                if (!peerAddresses.add(address)) {
                    throw error(at + "/address", field + ".address", "another peer already has address " + address);
                }
                NodeId id = null;
                if (peer.id != null) {
                    try {
                        id = NodeId.parse(peer.id);
                    } catch (IllegalArgumentException e) {
                        throw error(
                                at + "/id", field + ".id", e.getMessage() + " (copy it from 'elara id' on that node)");
                    }
                }
                byte[] staticKey = null;
                if (peer.key != null) {
                    try {
                        staticKey = java.util.Base64.getDecoder().decode(peer.key);
                    } catch (IllegalArgumentException e) {
                        staticKey = null;
                    }
                    if (staticKey == null || staticKey.length != 32) {
                        throw error(
                                at + "/key",
                                field + ".key",
                                "not a 32-byte key in base64 (copy the x25519 line of 'elara key export-public')");
                    }
                    if (id == null) {
                        throw error(at + "/key", field + ".key", "a key needs the peer's id beside it");
                    }
                }
                peers.add(new PeerConfig(peerName, address, id, staticKey == null ? null : peer.key));
            }
        }

        List<SessionConfig> sessions = new ArrayList<>();
        Set<String> sessionNames = new HashSet<>();
        if (raw.sessions != null) {
            for (int i = 0; i < raw.sessions.size(); i++) {
                RawConfig.RawSession session = raw.sessions.get(i);
                String at = "/sessions/" + i;
                String field = "sessions[" + i + "]";
                if (session == null) {
                    throw error(at, field, "empty entry; a session needs a name and members");
                }
                String sessionName = name(session.name, at + "/name", field + ".name");
                if (sessionName.equals(DIRECT)) {
                    throw error(at + "/name", field + ".name", "'direct' is reserved for direct messages");
                }
                if (!sessionNames.add(sessionName)) {
                    throw error(at + "/name", field + ".name", "session '" + sessionName + "' is defined twice");
                }
                List<String> members = session.members == null ? List.of() : session.members;
                Set<String> seen = new HashSet<>();
                for (int m = 0; m < members.size(); m++) {
                    String member = members.get(m);
                    String memberAt = at + "/members/" + m;
                    String memberField = field + ".members[" + m + "]";
                    if (member == null || !peerIndex.containsKey(member)) {
                        throw error(memberAt, memberField, "'" + member + "' is not a peer in this file");
                    }
                    if (!seen.add(member)) {
                        throw error(memberAt, memberField, "'" + member + "' is listed twice");
                    }
                }
                sessions.add(new SessionConfig(sessionName, members));
            }
        }

        Limits limits = limits(raw.limits, peers.size());
        List<FlowSpec> flows = FlowValidator.validate(raw.flows, this, baseDirectory, peerIndex.keySet(), sessionNames);
        Durability durability = Durability.FULL;
        if (raw.storage != null && raw.storage.durability != null) {
            durability = Durability.of(raw.storage.durability);
            if (durability == null) {
                throw error(
                        "/storage/durability",
                        "storage.durability",
                        "'" + raw.storage.durability + "' is not full or normal");
            }
        }
        List<InetSocketAddress> stunServers = new ArrayList<>();
        if (raw.stun != null && raw.stun.servers != null) {
            if (raw.stun.servers.size() > STUN_SERVERS_MAX) {
                throw error(
                        "/stun/servers",
                        "stun.servers",
                        "at most " + STUN_SERVERS_MAX + " servers, got " + raw.stun.servers.size());
            }
            for (int i = 0; i < raw.stun.servers.size(); i++) {
                String server = raw.stun.servers.get(i);
                String at = "/stun/servers/" + i;
                String field = "stun.servers[" + i + "]";
                if (server == null || server.isBlank()) {
                    throw error(at, field, "empty; a STUN server is HOST:PORT");
                }
                InetSocketAddress address;
                try {
                    address = Addresses.parse(server, true);
                } catch (IllegalArgumentException e) {
                    throw error(at, field, e.getMessage());
                }
                if (stunServers.contains(address)) {
                    throw error(at, field, "'" + server + "' is listed twice");
                }
                stunServers.add(address);
            }
        }
        TurnServer turn = null;
        if (raw.stun != null && raw.stun.turn != null) {
            turn = turn(raw.stun.turn, baseDirectory);
        }
        InetSocketAddress metrics = null;
        if (raw.metrics != null) {
            if (raw.metrics.listen == null || raw.metrics.listen.isBlank()) {
                throw error(
                        "/metrics",
                        "metrics.listen",
                        "missing; HOST:PORT to serve /metrics and /health on (127.0.0.1:9464 keeps it on this machine)");
            }
            try {
                metrics = Addresses.parse(raw.metrics.listen, true);
            } catch (IllegalArgumentException e) {
                throw error("/metrics/listen", "metrics.listen", e.getMessage());
            }
        }
        List<String> join = new ArrayList<>();
        if (raw.join != null) {
            for (int i = 0; i < raw.join.size(); i++) {
                String token = raw.join.get(i);
                String at = "/join/" + i;
                String field = "join[" + i + "]";
                if (token == null || token.isBlank()) {
                    throw error(at, field, "empty; an invite, elara-invite1:…, from elara invite");
                }
                io.elara.node.membership.InviteToken.Decoded decoded =
                        io.elara.node.membership.InviteToken.parse(token);
                if (!decoded.accepted()) {
                    throw error(
                            at, field, "not a valid invite: " + decoded.reject().description());
                }
                join.add(token.strip());
            }
        }
        NodeConfig.Logging logging = NodeConfig.Logging.DEFAULT;
        if (raw.logging != null) {
            String level = raw.logging.level;
            if (level != null && !NodeConfig.Logging.LEVELS.contains(level)) {
                throw error(
                        "/logging/level",
                        "logging.level",
                        "'" + level + "' is not one of " + String.join(", ", NodeConfig.Logging.LEVELS));
            }
            String format = raw.logging.format;
            if (format != null && !NodeConfig.Logging.FORMATS.contains(format)) {
                throw error(
                        "/logging/format",
                        "logging.format",
                        "'" + format + "' is not one of " + String.join(", ", NodeConfig.Logging.FORMATS));
            }
            logging = new NodeConfig.Logging(level, format);
        }
        io.elara.node.media.DegradationLadder.Thresholds degradation = degradation(raw.degradation);
        return new NodeConfig(
                source,
                name,
                dataDirectory,
                bind,
                peers,
                sessions,
                limits,
                flows,
                durability,
                stunServers,
                turn,
                metrics,
                join,
                logging,
                identityFile,
                degradation);
    }

    /** The {@code degradation:} section: each key optional, the defaults for the rest. */
    private io.elara.node.media.DegradationLadder.Thresholds degradation(RawConfig.RawDegradation raw)
            throws ConfigException {
        io.elara.node.media.DegradationLadder.Thresholds d = io.elara.node.media.DegradationLadder.Thresholds.DEFAULTS;
        if (raw == null) {
            return d;
        }
        double loss = raw.loss == null ? d.loss() : share(raw.loss, "loss");
        double queueDrops = raw.queueDrops == null ? d.queueDrops() : share(raw.queueDrops, "queue-drops");
        long rttNs = raw.rtt == null ? d.rttNs() : duration(raw.rtt, "rtt", 1, 60_000);
        long jitterNs = raw.jitter == null ? d.jitterNs() : duration(raw.jitter, "jitter", 1, 60_000);
        long downAfterNs =
                raw.downAfter == null ? d.downAfterNs() : duration(raw.downAfter, "down-after", 1_000, 600_000);
        long upAfterNs = raw.upAfter == null ? d.upAfterNs() : duration(raw.upAfter, "up-after", 1_000, 3_600_000);
        io.elara.node.media.DegradationLevel floor = d.floor();
        if (raw.floor != null) {
            try {
                floor = io.elara.node.media.DegradationLevel.parse(raw.floor);
            } catch (IllegalArgumentException e) {
                throw error("/degradation/floor", "degradation.floor", e.getMessage());
            }
        }
        return new io.elara.node.media.DegradationLadder.Thresholds(
                loss, rttNs, jitterNs, queueDrops, downAfterNs, upAfterNs, floor);
    }

    private long duration(String text, String key, long minMs, long maxMs) throws ConfigException {
        try {
            return Durations.parseNs(text, minMs, maxMs);
        } catch (IllegalArgumentException e) {
            throw error("/degradation/" + key, "degradation." + key, e.getMessage());
        }
    }

    /** A share written as a percentage, {@code 5%} or {@code 0.5%}, as 0 to 1. */
    private double share(String text, String key) throws ConfigException {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("([0-9]{1,3}(\\.[0-9]{1,3})?)%").matcher(text.strip());
        double percent = m.matches() ? Double.parseDouble(m.group(1)) : -1;
        if (percent <= 0 || percent > 100) {
            throw error(
                    "/degradation/" + key,
                    "degradation." + key,
                    "'" + text + "' is not a percentage above 0 and at most 100 (write e.g. 5%)");
        }
        return percent / 100;
    }

    private TurnServer turn(RawConfig.RawTurn raw, Path baseDirectory) throws ConfigException {
        if (raw.server == null || raw.server.isBlank()) {
            throw error("/stun/turn", "stun.turn.server", "missing; a TURN server is HOST:PORT");
        }
        InetSocketAddress server;
        try {
            server = Addresses.parse(raw.server, true);
        } catch (IllegalArgumentException e) {
            throw error("/stun/turn/server", "stun.turn.server", e.getMessage());
        }
        if (raw.user == null || raw.user.isBlank()) {
            throw error("/stun/turn", "stun.turn.user", "missing; the TURN server's user name");
        }
        if (raw.passwordFile == null || raw.passwordFile.isBlank()) {
            throw error("/stun/turn", "stun.turn.password-file", "missing; a file holding the TURN password");
        }
        Path file = baseDirectory.resolve(raw.passwordFile);
        String password;
        try {
            password = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8)
                    .strip();
        } catch (java.io.IOException | RuntimeException e) {
            throw error(
                    "/stun/turn/password-file",
                    "stun.turn.password-file",
                    "cannot read " + file + ": " + e.getClass().getSimpleName().replace("Exception", "") + " "
                            + e.getMessage());
        }
        if (password.isEmpty()) {
            throw error("/stun/turn/password-file", "stun.turn.password-file", file + " is empty");
        }
        return new TurnServer(server, raw.user, password);
    }

    String name(String value, String at, String field) throws ConfigException {
        if (value == null) {
            throw error(at, field, "missing; give a name such as alice");
        }
        String problem = Names.problem(value);
        if (problem != null) {
            throw error(at, field, problem);
        }
        return value;
    }

    private InetSocketAddress bind(RawConfig.RawBind bind) throws ConfigException {
        String address = bind == null || bind.address == null ? "0.0.0.0" : bind.address;
        int port = bind == null || bind.port == null ? NodeConfig.DEFAULT_PORT : bind.port;
        if (port < 0 || port > 65535) {
            throw error("/bind/port", "bind.port", port + " is out of range (0..65535; 0 picks a free port)");
        }
        try {
            return new InetSocketAddress(Addresses.host(address, true), port);
        } catch (IllegalArgumentException e) {
            throw error("/bind/address", "bind.address", e.getMessage());
        }
    }

    private Limits limits(RawConfig.RawLimits raw, int configuredPeers) throws ConfigException {
        Limits defaults = Limits.DEFAULT;
        if (raw == null) {
            if (configuredPeers > defaults.peersMax()) {
                throw error(
                        "/peers",
                        "peers",
                        configuredPeers + " peers exceed limits.peers-max (" + defaults.peersMax() + ")");
            }
            return defaults;
        }
        int peersMax = range(raw.peersMax, defaults.peersMax(), 1, 4096, "peers-max");
        if (configuredPeers > peersMax) {
            throw error(
                    "/limits/peers-max",
                    "limits.peers-max",
                    peersMax + " is fewer than the " + configuredPeers + " configured peers");
        }
        int textBytesMax =
                range(raw.textBytesMax, defaults.textBytesMax(), 1, Limits.TEXT_BYTES_MAX_CAP, "text-bytes-max");
        // A peer's reassembly memory must hold one whole event in progress and as much again out of order, or a lane
        // could wait for room that never comes (see ReassemblyBudget).
        long perPeerMin = 2L * EventFrameCodec.bodyLengthMax(textBytesMax);
        long perPeer = rangeLong(
                raw.reassemblyBytesMaxPerPeer,
                Math.max(perPeerMin, defaults.reassemblyBytesMaxPerPeer()),
                perPeerMin,
                1L << 32,
                "reassembly-bytes-max-per-peer");
        long global = rangeLong(
                raw.reassemblyBytesMax,
                Math.max(perPeer, defaults.reassemblyBytesMax()),
                perPeer,
                1L << 36,
                "reassembly-bytes-max");
        return new Limits(
                peersMax,
                range(raw.sendQueueMax, defaults.sendQueueMax(), 1, 1_000_000, "send-queue-max"),
                textBytesMax,
                rangeLong(raw.deliveryTimeoutMs, defaults.deliveryTimeoutMs(), 100, 86_400_000, "delivery-timeout-ms"),
                range(raw.subscribersMax, defaults.subscribersMax(), 1, 256, "subscribers-max"),
                flowQueueMax(raw.flowQueueMax, defaults.flowQueueMax()),
                perPeer,
                global);
    }

    private int flowQueueMax(Integer value, int fallback) throws ConfigException {
        int max = range(value, fallback, 2, 1 << 20, "flow-queue-max");
        if (Integer.bitCount(max) != 1) {
            throw error("/limits/flow-queue-max", "limits.flow-queue-max", max + " is not a power of two");
        }
        return max;
    }

    private int range(Integer value, int fallback, int min, int max, String key) throws ConfigException {
        return (int) rangeLong(value == null ? null : value.longValue(), fallback, min, max, key);
    }

    private long rangeLong(Long value, long fallback, long min, long max, String key) throws ConfigException {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            throw error("/limits/" + key, "limits." + key, value + " is out of range (" + min + ".." + max + ")");
        }
        return value;
    }

    ConfigException error(String pointer, String field, String problem) {
        return new ConfigException(locate(source, locator.where(pointer)) + field + ": " + problem);
    }

    /** {@code file:line:column: }, {@code file: } or nothing, as far as known. */
    static String locate(Path source, String lineAndColumn) {
        if (source == null) {
            return "";
        }
        return source + (lineAndColumn == null ? "" : ":" + lineAndColumn) + ": ";
    }
}
