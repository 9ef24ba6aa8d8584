package io.elara.node.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Where each key and value of a YAML document starts, and the text of each scalar, by JSON pointer
 * ({@code /peers/0/address}), so that errors found after binding can still name a line and column and quote the value.
 * One streaming pass, done once at load.
 */
public final class YamlLocator {
    /** For configs built in code: nothing is known. */
    public static final YamlLocator NONE = new YamlLocator(Map.of(), Map.of(), Map.of());

    private final Map<String, JsonLocation> values;
    private final Map<String, JsonLocation> keys;
    private final Map<String, String> scalars;

    private YamlLocator(Map<String, JsonLocation> values, Map<String, JsonLocation> keys, Map<String, String> scalars) {
        this.values = values;
        this.keys = keys;
        this.scalars = scalars;
    }

    /** Indexes {@code yaml}; a syntax error surfaces here as the parser's exception. */
    public static YamlLocator index(String yaml, YAMLFactory factory) throws IOException {
        Map<String, JsonLocation> values = new HashMap<>();
        Map<String, JsonLocation> keys = new HashMap<>();
        Map<String, String> scalars = new HashMap<>();
        try (JsonParser parser = factory.createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                // A scalar's or key's context is its container, positioned at it; a mapping or list opens a context
                // of its own, whose parent is positioned at it.
                JsonStreamContext context =
                        token.isStructStart() ? parser.getParsingContext().getParent() : parser.getParsingContext();
                String pointer = context.pathAsPointer().toString();
                if (token == JsonToken.FIELD_NAME) {
                    keys.putIfAbsent(pointer, parser.currentTokenLocation());
                    continue;
                }
                values.putIfAbsent(pointer, parser.currentTokenLocation());
                if (token.isScalarValue()) {
                    scalars.putIfAbsent(pointer, parser.getText());
                }
            }
        }
        return new YamlLocator(values, keys, scalars);
    }

    /**
     * {@code file:line:column: YAML syntax error: PROBLEM (CONTEXT at line:column)}, from SnakeYAML's marks, which point
     * at the problem itself rather than where the parser gave up.
     */
    public static String syntaxError(Path source, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark problem = marked.getProblemMark();
            String context = "";
            if (marked.getContext() != null) {
                Mark contextMark = marked.getContextMark();
                context = " (" + marked.getContext()
                        + (contextMark != null
                                ? " at " + (contextMark.getLine() + 1) + ":" + (contextMark.getColumn() + 1)
                                : "")
                        + ")";
            }
            return source + ":" + (problem.getLine() + 1) + ":" + (problem.getColumn() + 1) + ": YAML syntax error: "
                    + marked.getProblem() + context;
        }
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 1
                ? ""
                : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
        String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return source + where + ": YAML syntax error: "
                + (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /**
     * {@code text} on one line: line breaks, tabs and other control characters a user's value may carry (a YAML block
     * scalar, an escape) written as {@code \n}, {@code \t} or {@code ?}, so that an error that quotes it stays one
     * line. Errors are one line by rule; the exception types apply this to every message.
     */
    private static final char LINE_SEPARATOR = (char) 0x2028;

    private static final char PARAGRAPH_SEPARATOR = (char) 0x2029;

    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : null;
            if (replacement == null && (Character.isISOControl(c) || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR)) {
                replacement = "?";
            }
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** How an error names the type Jackson expected: "a whole number", "text", "a list", ... */
    public static String describeType(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "text";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys to values";
    }

    /** The first line of a Jackson exception's own message, without its location. */
    public static String firstLine(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /** The first {@code count} references of a Jackson path as a field name: {@code peers[0].address}. */
    public static String fieldPath(
            java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path, int count) {
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < count; i++) {
            var reference = path.get(i);
            if (reference.getFieldName() != null) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(reference.getFieldName());
            } else {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    /** True when the document has no content at all (empty, or only comments). */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** {@code line:column} of the value at {@code pointer}, or of its nearest enclosing value, or null. */
    public String where(String pointer) {
        String current = pointer;
        while (true) {
            JsonLocation location = values.get(current);
            if (location != null) {
                return location.getLineNr() + ":" + location.getColumnNr();
            }
            if (current.isEmpty()) {
                return null;
            }
            current = current.substring(0, current.lastIndexOf('/'));
        }
    }

    /** {@code line:column} of the key at {@code pointer}, else as {@link #where}. */
    public String whereKey(String pointer) {
        JsonLocation location = keys.get(pointer);
        return location != null ? location.getLineNr() + ":" + location.getColumnNr() : where(pointer);
    }

    /** The text of the scalar at {@code pointer}, or null when it is not a scalar. */
    public String scalar(String pointer) {
        return scalars.get(pointer);
    }
}
