package io.elara.node.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.elara.node.config.Names;
import io.elara.node.config.YamlLocator;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Loads a pipeline manifest (YAML, or JSON, which YAML contains) and validates it: unknown keys or node types, missing
 * or out-of-range parameters, duplicate ids, connections to nodes that do not exist, kinds that do not match, too many
 * inputs, and cycles. Each problem is one line naming the file, the position and the node. A node that is not a source
 * and has no connection feeding it is an entry: it takes what is sent to the pipeline; a node that is not a sink and
 * feeds nothing is an exit: what it produces comes out of the pipeline.
 *
 * <pre>
 * name: tone-to-wav
 * nodes:
 *   - id: beep
 *     type: tone
 *     params: {frequency-hz: 880, duration-ms: 500}
 *   - id: out
 *     type: wav-sink
 *     params: {path: beep.wav}
 * connections:
 *   - {from: beep, to: out}
 * </pre>
 */
public final class ManifestLoader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new YAMLMapper(FACTORY);
    private static final Set<String> TOP_KEYS = Set.of("name", "nodes", "connections");
    private static final Set<String> NODE_KEYS = Set.of("id", "type", "params");
    private static final Set<String> CONNECTION_KEYS = Set.of("from", "to");

    private final Path source;
    private final YamlLocator locator;

    private ManifestLoader(Path source, YamlLocator locator) {
        this.source = source;
        this.locator = locator;
    }

    /** Reads and validates the manifest at {@code file}. */
    public static Manifest load(Path file) throws ManifestException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ManifestException("pipeline manifest not found: " + file, e);
        } catch (MalformedInputException e) {
            throw new ManifestException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ManifestException("cannot read pipeline manifest " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    /** Validates {@code text} as if read from {@code source}. */
    public static Manifest parse(String text, Path source) throws ManifestException {
        YamlLocator locator;
        JsonNode root;
        try {
            locator = YamlLocator.index(text, FACTORY);
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ManifestException(YamlLocator.syntaxError(source, e), e);
        } catch (IOException e) {
            throw new ManifestException(source + ": " + e.getMessage(), e);
        }
        if (locator.isEmpty() || root == null || root.isMissingNode()) {
            throw new ManifestException(source + ": the manifest is empty; it needs 'nodes:'");
        }
        return new ManifestLoader(source, locator).validate(root);
    }

    private Manifest validate(JsonNode root) throws ManifestException {
        if (!root.isObject()) {
            throw error("", "expected a mapping with 'nodes' and 'connections'");
        }
        keys(root, "", TOP_KEYS, null);
        String name = root.hasNonNull("name") ? text(root.get("name"), "/name", "name") : defaultName();

        JsonNode nodesJson = root.path("nodes");
        if (!nodesJson.isArray() || nodesJson.isEmpty()) {
            throw error("/nodes", "'nodes' must be a list with at least one node");
        }
        Map<String, Manifest.NodeSpec> nodes = new LinkedHashMap<>();
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < nodesJson.size(); i++) {
            String at = "/nodes/" + i;
            JsonNode json = nodesJson.get(i);
            if (!json.isObject()) {
                throw error(at, "nodes[" + i + "]: expected a mapping with id, type and params");
            }
            if (!json.hasNonNull("id")) {
                throw error(at, "nodes[" + i + "]: missing 'id'");
            }
            String id = text(json.get("id"), at + "/id", "nodes[" + i + "].id");
            String problem = Names.problem(id);
            if (problem != null) {
                throw error(at + "/id", "nodes[" + i + "].id: " + problem);
            }
            if (nodeIndex.putIfAbsent(id, i) != null) {
                throw error(at + "/id", "node '" + id + "' is defined twice (also nodes[" + nodeIndex.get(id) + "])");
            }
            keys(json, at, NODE_KEYS, "node '" + id + "'");
            if (!json.hasNonNull("type")) {
                throw error(
                        at,
                        "node '" + id + "': missing 'type' (known: "
                                + String.join(", ", NodeTypes.all().keySet()) + ")");
            }
            String typeName = text(json.get("type"), at + "/type", "node '" + id + "': type");
            NodeType type = NodeTypes.get(typeName);
            if (type == null) {
                throw error(
                        at + "/type",
                        "node '" + id + "': unknown type '" + typeName + "' (known: "
                                + String.join(", ", NodeTypes.all().keySet()) + ")");
            }
            nodes.put(id, new Manifest.NodeSpec(id, type, params(json.path("params"), at + "/params", id, type)));
        }

        List<Manifest.Connection> connections = new ArrayList<>();
        JsonNode connectionsJson = root.path("connections");
        if (!connectionsJson.isMissingNode() && !connectionsJson.isNull() && !connectionsJson.isArray()) {
            throw error("/connections", "'connections' must be a list of {from, to}");
        }
        Map<String, Integer> inputs = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < connectionsJson.size(); i++) {
            String at = "/connections/" + i;
            JsonNode json = connectionsJson.get(i);
            String label = "connections[" + i + "]";
            if (!json.isObject()) {
                throw error(at, label + ": expected {from: NODE, to: NODE}");
            }
            keys(json, at, CONNECTION_KEYS, label);
            for (String end : List.of("from", "to")) {
                if (!json.hasNonNull(end)) {
                    throw error(at, label + ": missing '" + end + "'");
                }
            }
            String from = text(json.get("from"), at + "/from", label + ".from");
            String to = text(json.get("to"), at + "/to", label + ".to");
            Manifest.NodeSpec producer = nodes.get(from);
            Manifest.NodeSpec consumer = nodes.get(to);
            if (producer == null) {
                throw error(at + "/from", label + ": 'from' names '" + from + "', which is not a node");
            }
            if (consumer == null) {
                throw error(at + "/to", label + ": 'to' names '" + to + "', which is not a node");
            }
            if (producer.type().isSink()) {
                throw error(
                        at + "/from",
                        label + ": node '" + from + "' (" + producer.type().name()
                                + ") is a sink; nothing flows out of it");
            }
            if (consumer.type().isSource()) {
                throw error(
                        at + "/to",
                        label + ": node '" + to + "' (" + consumer.type().name()
                                + ") is a source; nothing flows into it");
            }
            if (producer.type().output() != consumer.type().input()) {
                throw error(
                        at,
                        label + ": node '" + from + "' (" + producer.type().name() + ") produces "
                                + producer.type().output().label() + ", but node '" + to + "' ("
                                + consumer.type().name() + ") takes "
                                + consumer.type().input().label());
            }
            if (!seen.add(from + "\u0000" + to)) {
                throw error(at, label + ": '" + from + "' is already connected to '" + to + "'");
            }
            int count = inputs.merge(to, 1, Integer::sum);
            if (count > consumer.type().inputsMax()) {
                throw error(
                        at + "/to",
                        label + ": node '" + to + "' (" + consumer.type().name() + ") takes "
                                + consumer.type().inputsMax() + " input"
                                + (consumer.type().inputsMax() == 1 ? "" : "s")
                                + " at most");
            }
            connections.add(new Manifest.Connection(from, to));
        }
        return new Manifest(name, topological(nodes, connections, nodeIndex), connections);
    }

    /** Kahn's algorithm in manifest order (so the result is deterministic); a leftover means a cycle. */
    private List<Manifest.NodeSpec> topological(
            Map<String, Manifest.NodeSpec> nodes, List<Manifest.Connection> connections, Map<String, Integer> index)
            throws ManifestException {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        nodes.keySet().forEach(id -> indegree.put(id, 0));
        for (Manifest.Connection connection : connections) {
            indegree.merge(connection.to(), 1, Integer::sum);
        }
        List<Manifest.NodeSpec> order = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>();
        indegree.forEach((id, degree) -> {
            if (degree == 0) {
                ready.add(id);
            }
        });
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(nodes.get(id));
            for (Manifest.Connection connection : connections) {
                if (connection.from().equals(id) && indegree.merge(connection.to(), -1, Integer::sum) == 0) {
                    ready.add(connection.to());
                }
            }
        }
        if (order.size() == nodes.size()) {
            return order;
        }
        String start = null;
        for (Map.Entry<String, Integer> entry : indegree.entrySet()) {
            if (entry.getValue() > 0) {
                start = entry.getKey();
                break;
            }
        }
        throw error(
                "/nodes/" + index.get(start), "connections form a cycle: " + cycleFrom(start, connections, indegree));
    }

    /** Walks backwards along connections among the nodes left over until a node repeats, and prints that loop. */
    private static String cycleFrom(String start, List<Manifest.Connection> connections, Map<String, Integer> left) {
        List<String> path = new ArrayList<>();
        String current = start;
        while (!path.contains(current)) {
            path.add(current);
            for (Manifest.Connection connection : connections) {
                if (connection.to().equals(current) && left.get(connection.from()) > 0) {
                    current = connection.from();
                    break;
                }
            }
        }
        // The walk went against the arrows: reverse it, and start the loop at the node the error points to.
        List<String> loop = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
        java.util.Collections.reverse(loop);
        java.util.Collections.rotate(loop, -loop.indexOf(current));
        loop.add(loop.get(0));
        return String.join(" -> ", loop);
    }

    private Map<String, Object> params(JsonNode json, String at, String id, NodeType type) throws ManifestException {
        String label = "node '" + id + "' (" + type.name() + ")";
        if (!json.isMissingNode() && !json.isNull() && !json.isObject()) {
            throw error(at, label + ": 'params' must be a mapping");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            if (type.param(entry.getKey()) == null) {
                List<String> known = new ArrayList<>();
                type.params().forEach(p -> known.add(p.name()));
                throw errorAtKey(
                        at + "/" + entry.getKey(),
                        label + ": unknown param '" + entry.getKey() + "' (known: "
                                + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
        for (ParamSpec param : type.params()) {
            JsonNode value = json.get(param.name());
            String valueAt = at + "/" + param.name();
            String what = label + ": param '" + param.name() + "'";
            if (value == null || value.isNull()) {
                if (param.required()) {
                    throw error(at, label + ": missing param '" + param.name() + "' (" + param.description() + ")");
                }
                values.put(param.name(), param.fallback());
                continue;
            }
            values.put(param.name(), value(param, value, valueAt, what));
        }
        return values;
    }

    private Object value(ParamSpec param, JsonNode value, String at, String what) throws ManifestException {
        switch (param.type()) {
            case INTEGER -> {
                if (!value.isIntegralNumber()) {
                    throw error(at, what + " must be a whole number" + got(at));
                }
                long number = value.asLong();
                checkRange(param, (double) number, at, what);
                return number;
            }
            case NUMBER -> {
                if (!value.isNumber()) {
                    throw error(at, what + " must be a number" + got(at));
                }
                double number = value.asDouble();
                checkRange(param, number, at, what);
                return number;
            }
            case STRING -> {
                if (!value.isTextual() || value.asText().isEmpty()) {
                    throw error(at, what + " must be non-empty text" + got(at));
                }
                if (param.name().equals("matches")) {
                    try {
                        Pattern.compile(value.asText());
                    } catch (PatternSyntaxException e) {
                        throw error(at, what + " is not a valid regular expression: " + e.getDescription());
                    }
                }
                return value.asText();
            }
            case STRING_LIST -> {
                if (!value.isArray() || value.isEmpty()) {
                    throw error(at, what + " must be a non-empty list of text");
                }
                List<String> list = new ArrayList<>();
                for (JsonNode item : value) {
                    if (!item.isTextual()) {
                        throw error(at, what + " must be a list of text");
                    }
                    list.add(item.asText());
                }
                return List.copyOf(list);
            }
        }
        throw new IllegalStateException("unhandled parameter type " + param.type());
    }

    private void checkRange(ParamSpec param, double number, String at, String what) throws ManifestException {
        if (number < param.min() || number > param.max()) {
            throw error(
                    at,
                    what + " is " + format(number) + ", out of range (" + format(param.min()) + ".."
                            + format(param.max()) + ")");
        }
    }

    private static String format(double number) {
        return number == Math.rint(number) && Math.abs(number) < 1e15
                ? Long.toString((long) number)
                : Double.toString(number);
    }

    private String got(String at) {
        String scalar = locator.scalar(at);
        return scalar == null ? "" : ", got '" + scalar + "'";
    }

    private void keys(JsonNode json, String at, Set<String> allowed, String label) throws ManifestException {
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            if (!allowed.contains(entry.getKey())) {
                throw errorAtKey(
                        at + "/" + entry.getKey(),
                        (label == null ? "" : label + ": ") + "unknown key '" + entry.getKey() + "' (known here: "
                                + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private String text(JsonNode value, String at, String what) throws ManifestException {
        if (!value.isTextual()) {
            throw error(at, what + " must be text" + got(at));
        }
        return value.asText();
    }

    private String defaultName() {
        String file = source.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private ManifestException error(String pointer, String message) {
        return new ManifestException(position(locator.where(pointer)) + message);
    }

    private ManifestException errorAtKey(String pointer, String message) {
        return new ManifestException(position(locator.whereKey(pointer)) + message);
    }

    private String position(String lineAndColumn) {
        return source + (lineAndColumn == null ? "" : ":" + lineAndColumn) + ": ";
    }
}
