package io.elara.node.pipeline;

/**
 * One parameter a node type takes.
 *
 * @param name the key in the manifest's {@code params}
 * @param type what kind of value it holds
 * @param required whether the manifest must give it
 * @param fallback the value when not given (null when required)
 * @param min the smallest allowed number (numbers only)
 * @param max the largest allowed number (numbers only)
 * @param description one line for error messages and docs
 */
public record ParamSpec(
        String name, Type type, boolean required, Object fallback, double min, double max, String description) {
    /** Value types. */
    public enum Type {
        INTEGER,
        NUMBER,
        STRING,
        STRING_LIST
    }

    public static ParamSpec required(String name, Type type, String description) {
        return new ParamSpec(name, type, true, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, description);
    }

    public static ParamSpec optional(String name, Type type, Object fallback, String description) {
        return new ParamSpec(
                name, type, false, fallback, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, description);
    }

    /** The same parameter limited to [min, max]. */
    public ParamSpec range(double minimum, double maximum) {
        return new ParamSpec(name, type, required, fallback, minimum, maximum, description);
    }
}
