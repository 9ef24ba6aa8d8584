package io.elara.node.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated pipeline: nodes with their types and parameters (defaults filled in), and connections between them that
 * match in kind and form no cycle. Build one with {@link ManifestLoader}.
 *
 * @param name the pipeline's name (the file name when the manifest gives none)
 * @param nodes in topological order: every node comes after the nodes that feed it
 * @param connections from producer to consumer
 */
public record Manifest(String name, List<NodeSpec> nodes, List<Connection> connections) {
    public Manifest {
        nodes = List.copyOf(nodes);
        connections = List.copyOf(connections);
    }

    /**
     * One node.
     *
     * @param id unique in the manifest
     * @param type what it does
     * @param params every parameter of the type, given or defaulted: Long, Double, String or List of String
     */
    public record NodeSpec(String id, NodeType type, Map<String, Object> params) {
        public NodeSpec {
            params = Map.copyOf(params);
        }

        public long integer(String param) {
            return ((Number) params.get(param)).longValue();
        }

        public double number(String param) {
            return ((Number) params.get(param)).doubleValue();
        }

        public String string(String param) {
            return (String) params.get(param);
        }

        @SuppressWarnings("unchecked") // the loader only stores List<String> for STRING_LIST parameters
        public List<String> strings(String param) {
            return (List<String>) params.get(param);
        }
    }

    /** Data flows from {@code from}'s output to {@code to}'s input. */
    public record Connection(String from, String to) {}

    public NodeSpec node(String id) {
        for (NodeSpec node : nodes) {
            if (node.id().equals(id)) {
                return node;
            }
        }
        return null;
    }

    /** Nodes that take what is sent to the pipeline: not sources, and fed by no connection. In topological order. */
    public List<NodeSpec> entries() {
        List<NodeSpec> entries = new ArrayList<>();
        for (NodeSpec node : nodes) {
            if (!node.type().isSource() && inputsOf(node.id()).isEmpty()) {
                entries.add(node);
            }
        }
        return entries;
    }

    /** Nodes whose output leaves the pipeline: not sinks, and feeding no connection. In topological order. */
    public List<NodeSpec> exits() {
        List<NodeSpec> exits = new ArrayList<>();
        for (NodeSpec node : nodes) {
            if (!node.type().isSink() && outputsOf(node.id()).isEmpty()) {
                exits.add(node);
            }
        }
        return exits;
    }

    /** The ids of the nodes that feed {@code id}, in manifest order. */
    public List<String> inputsOf(String id) {
        List<String> inputs = new ArrayList<>();
        for (Connection connection : connections) {
            if (connection.to().equals(id)) {
                inputs.add(connection.from());
            }
        }
        return inputs;
    }

    /** The ids of the nodes {@code id} feeds, in manifest order. */
    public List<String> outputsOf(String id) {
        List<String> outputs = new ArrayList<>();
        for (Connection connection : connections) {
            if (connection.from().equals(id)) {
                outputs.add(connection.to());
            }
        }
        return outputs;
    }
}
