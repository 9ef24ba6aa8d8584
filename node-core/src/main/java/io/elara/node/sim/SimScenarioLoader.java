package io.elara.node.sim;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.elara.node.config.ConfigException;
import io.elara.node.config.YamlLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a simulation scenario from YAML. Every key is optional except {@code nodes}; unknown keys, wrong types and
 * impossible values are rejected with one line naming file, line, column and field, as the node's config loader does.
 *
 * <pre>
 * nodes: 10
 * duration: 60s
 * settle: 45s
 * sessions: {size: 5}            # or groups: [[0, 1, 2], [2, 3]]
 * traffic: {messages-per-second: 0.5, text-bytes-min: 16, text-bytes-max: 160}
 * link: {latency: 20ms, jitter: 10ms, loss: 0.01, duplication: 0.001, reorder: 0.01, bandwidth-bytes-per-second: 0}
 * links:                          # the links to and from some nodes differ from link:
 *   - {nodes: [3], latency: 300ms, bandwidth-bytes-per-second: 16000}
 * partitions:
 *   - {start: 10s, end: 20s, nodes: [0, 1]}
 * crashes:
 *   - {at: 5s, node: 2, restart-after: 3s}  # leave out restart-after to keep it down
 * rebinds:                        # a node's NAT rebinds: it is seen at a new address from then on
 *   - {at: 12s, node: 1}
 * clocks:                         # a node's wall clock is off, all run long: ahead or behind true time
 *   - {node: 2, ahead: 20s}
 *   - {node: 3, behind: 1500ms}
 * </pre>
 */
public final class SimScenarioLoader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = YAMLMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private SimScenarioLoader() {}

    /** Reads and validates {@code file}. */
    public static SimScenario load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("scenario file not found: " + file, e);
        } catch (IOException e) {
            throw new ConfigException("cannot read scenario file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    /** Validates {@code text} as if read from {@code source}. */
    public static SimScenario parse(String text, Path source) throws ConfigException {
        YamlLocator locator;
        RawScenario raw;
        try {
            locator = YamlLocator.index(text, FACTORY);
            raw = MAPPER.readValue(text, RawScenario.class);
        } catch (UnrecognizedPropertyException e) {
            TreeSet<String> known = new TreeSet<>();
            e.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
            throw new ConfigException(
                    at(source, e.getLocation()) + field(e.getPath()) + ": unknown key (known here: "
                            + String.join(", ", known) + ")",
                    e);
        } catch (MismatchedInputException e) {
            throw new ConfigException(
                    at(source, e.getLocation()) + field(e.getPath()) + ": expected "
                            + YamlLocator.describeType(e.getTargetType()),
                    e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(at(source, e.getLocation()) + YamlLocator.firstLine(e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new ConfigException(source + ": the file is empty; it needs at least 'nodes:'");
        }
        SimScenario scenario;
        try {
            scenario = raw.toScenario();
        } catch (IllegalArgumentException e) {
            throw located(source, locator, e.getMessage(), e);
        }
        String problem = scenario.problem();
        if (problem != null) {
            throw located(source, locator, problem, null);
        }
        return scenario;
    }

    /** {@code field: problem} becomes {@code file:line:column: field: problem}, at the field or its nearest parent. */
    private static ConfigException located(
            Path source, YamlLocator locator, String message, IllegalArgumentException cause) {
        int colon = message.indexOf(": ");
        String field = colon < 0 ? "" : message.substring(0, colon);
        String pointer = field.isEmpty()
                ? ""
                : "/" + field.replace("[", "/").replace("]", "").replace(".", "/");
        String where = locator.whereKey(pointer);
        String prefix = source + ":" + (where == null ? " " : where + ": ");
        return cause == null ? new ConfigException(prefix + message) : new ConfigException(prefix + message, cause);
    }

    private static String at(Path source, JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return source + ": ";
        }
        return source + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
    }

    private static String field(List<JsonMappingException.Reference> path) {
        String field = YamlLocator.fieldPath(path, path.size());
        return field.isEmpty() ? "(top level)" : field;
    }

    private static long duration(String field, String text, long fallbackNs) {
        if (text == null) {
            return fallbackNs;
        }
        try {
            return SimDurations.parseNs(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    /** The file as Jackson binds it, before validation. */
    static final class RawScenario {
        public Integer nodes;
        public String duration;
        public String settle;
        public RawSessions sessions;
        public RawTraffic traffic;
        public RawLink link;
        public List<RawNodeLink> links;
        public List<RawPartition> partitions;
        public List<RawCrash> crashes;
        public List<RawRebind> rebinds;
        public List<RawClock> clocks;

        SimScenario toScenario() {
            if (nodes == null) {
                throw new IllegalArgumentException("nodes: missing (how many nodes to simulate)");
            }
            SimScenario defaults = SimScenario.defaults(nodes, duration("duration", duration, 60_000_000_000L));
            LinkProfile linkProfile = link == null ? LinkProfile.DEFAULT : link.profile("link", LinkProfile.DEFAULT);
            List<SimScenario.LinkPlan> linkPlans = new ArrayList<>();
            for (int i = 0; links != null && i < links.size(); i++) {
                RawNodeLink nodeLink = links.get(i);
                String field = "links[" + i + "]";
                linkPlans.add(new SimScenario.LinkPlan(
                        required(field + ".nodes", nodeLink.nodes), nodeLink.profile(field, linkProfile)));
            }
            List<SimScenario.PartitionPlan> partitionPlans = new ArrayList<>();
            for (int i = 0; partitions != null && i < partitions.size(); i++) {
                RawPartition partition = partitions.get(i);
                String field = "partitions[" + i + "]";
                partitionPlans.add(new SimScenario.PartitionPlan(
                        duration(field + ".start", required(field + ".start", partition.start), 0),
                        duration(field + ".end", required(field + ".end", partition.end), 0),
                        required(field + ".nodes", partition.nodes)));
            }
            List<SimScenario.CrashPlan> crashPlans = new ArrayList<>();
            for (int i = 0; crashes != null && i < crashes.size(); i++) {
                RawCrash crash = crashes.get(i);
                String field = "crashes[" + i + "]";
                crashPlans.add(new SimScenario.CrashPlan(
                        duration(field + ".at", required(field + ".at", crash.at), 0),
                        required(field + ".node", crash.node),
                        duration(field + ".restart-after", crash.restartAfter, -1)));
            }
            List<SimScenario.RebindPlan> rebindPlans = new ArrayList<>();
            for (int i = 0; rebinds != null && i < rebinds.size(); i++) {
                RawRebind rebind = rebinds.get(i);
                String field = "rebinds[" + i + "]";
                rebindPlans.add(new SimScenario.RebindPlan(
                        duration(field + ".at", required(field + ".at", rebind.at), 0),
                        required(field + ".node", rebind.node)));
            }
            List<SimScenario.ClockPlan> clockPlans = new ArrayList<>();
            for (int i = 0; clocks != null && i < clocks.size(); i++) {
                RawClock clock = clocks.get(i);
                String field = "clocks[" + i + "]";
                if ((clock.ahead == null) == (clock.behind == null)) {
                    throw new IllegalArgumentException(field + ": give one of ahead or behind (as in ahead: 20s)");
                }
                long aheadNs = clock.ahead != null
                        ? duration(field + ".ahead", clock.ahead, 0)
                        : -duration(field + ".behind", clock.behind, 0);
                clockPlans.add(new SimScenario.ClockPlan(required(field + ".node", clock.node), aheadNs));
            }
            return new SimScenario(
                    nodes,
                    sessions == null || sessions.size == null ? defaults.sessionSize() : sessions.size,
                    sessions == null || sessions.groups == null ? List.of() : sessions.groups,
                    traffic == null || traffic.messagesPerSecond == null
                            ? defaults.messagesPerSecond()
                            : traffic.messagesPerSecond,
                    traffic == null || traffic.textBytesMin == null ? defaults.textBytesMin() : traffic.textBytesMin,
                    traffic == null || traffic.textBytesMax == null ? defaults.textBytesMax() : traffic.textBytesMax,
                    linkProfile,
                    linkPlans,
                    partitionPlans,
                    crashPlans,
                    rebindPlans,
                    clockPlans,
                    defaults.durationNs(),
                    duration("settle", settle, defaults.settleNs()));
        }

        private static <T> T required(String field, T value) {
            if (value == null) {
                throw new IllegalArgumentException(field + ": missing");
            }
            return value;
        }

        private static double probability(String field, double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(field + ": must be between 0 and 1, got " + value);
            }
            return value;
        }
    }

    /** {@code sessions:} in the file. */
    static final class RawSessions {
        public Integer size;
        public List<List<Integer>> groups;
    }

    /** {@code traffic:} in the file. */
    static final class RawTraffic {
        @JsonProperty("messages-per-second")
        public Double messagesPerSecond;

        @JsonProperty("text-bytes-min")
        public Integer textBytesMin;

        @JsonProperty("text-bytes-max")
        public Integer textBytesMax;
    }

    /** {@code link:} in the file. */
    static class RawLink {
        public String latency;
        public String jitter;
        public Double loss;
        public Double duplication;
        public Double reorder;

        @JsonProperty("bandwidth-bytes-per-second")
        public Long bandwidth;

        /** This link's profile, taking what it leaves out from {@code base}. */
        LinkProfile profile(String field, LinkProfile base) {
            long bandwidthBytesPerSecond = bandwidth == null ? base.bandwidthBytesPerSecond() : bandwidth;
            if (bandwidthBytesPerSecond < 0) {
                throw new IllegalArgumentException(field + ".bandwidth-bytes-per-second: cannot be negative");
            }
            return new LinkProfile(
                    duration(field + ".latency", latency, base.latencyNs()),
                    duration(field + ".jitter", jitter, base.jitterNs()),
                    loss == null ? base.loss() : RawScenario.probability(field + ".loss", loss),
                    duplication == null
                            ? base.duplication()
                            : RawScenario.probability(field + ".duplication", duplication),
                    reorder == null ? base.reorder() : RawScenario.probability(field + ".reorder", reorder),
                    bandwidthBytesPerSecond);
        }
    }

    /** One of {@code links:} in the file: the links of some nodes, with what differs from {@code link:}. */
    static final class RawNodeLink extends RawLink {
        public List<Integer> nodes;
    }

    /** One of {@code partitions:} in the file. */
    static final class RawPartition {
        public String start;
        public String end;
        public List<Integer> nodes;
    }

    /** One of {@code crashes:} in the file. */
    static final class RawCrash {
        public String at;
        public Integer node;

        @JsonProperty("restart-after")
        public String restartAfter;
    }

    /** One of {@code rebinds:} in the file. */
    static final class RawRebind {
        public String at;
        public Integer node;
    }

    /** One of {@code clocks:} in the file. */
    static final class RawClock {
        public Integer node;
        public String ahead;
        public String behind;
    }
}
