package io.elara.node.pipeline;

import java.util.List;

/**
 * A kind of pipeline node: what it takes in, what it puts out, and its parameters.
 *
 * @param name the {@code type} in manifests
 * @param description one line
 * @param input the kind it consumes, or null for a source
 * @param output the kind it produces, or null for a sink
 * @param inputsMax how many connections may feed it (1, or more for a mixer)
 * @param params its parameters
 */
public record NodeType(
        String name, String description, DataKind input, DataKind output, int inputsMax, List<ParamSpec> params) {
    public NodeType {
        params = List.copyOf(params);
    }

    public boolean isSource() {
        return input == null;
    }

    public boolean isSink() {
        return output == null;
    }

    public ParamSpec param(String paramName) {
        for (ParamSpec param : params) {
            if (param.name().equals(paramName)) {
                return param;
            }
        }
        return null;
    }
}
