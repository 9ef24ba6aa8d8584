package io.elara.node.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a YAML document starts, by JSON pointer ({@code /peers/0/address}), so that errors found after
 * binding can still name a line and column. One streaming pass, done once at load.
 */
final class YamlLocator {
    /** For configs built in code: no locations. */
    static final YamlLocator NONE = new YamlLocator(Map.of());

    private final Map<String, JsonLocation> locations;

    private YamlLocator(Map<String, JsonLocation> locations) {
        this.locations = locations;
    }

    /** Indexes {@code yaml}; a syntax error surfaces here as the parser's exception, with its location. */
    static YamlLocator index(String yaml, YAMLFactory factory) throws IOException {
        Map<String, JsonLocation> locations = new HashMap<>();
        try (JsonParser parser = factory.createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME || token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                // A scalar's context is its container, positioned at the scalar's key or index; a mapping or list
                // opens a context of its own, whose parent is positioned at it.
                var context =
                        token.isStructStart() ? parser.getParsingContext().getParent() : parser.getParsingContext();
                String pointer = context.pathAsPointer().toString();
                locations.putIfAbsent(pointer, parser.currentTokenLocation());
            }
        }
        return new YamlLocator(locations);
    }

    /** {@code line:column} of the value at {@code pointer}, or of its nearest enclosing value, or null. */
    String where(String pointer) {
        String current = pointer;
        while (true) {
            JsonLocation location = locations.get(current);
            if (location != null) {
                return location.getLineNr() + ":" + location.getColumnNr();
            }
            if (current.isEmpty()) {
                return null;
            }
            current = current.substring(0, current.lastIndexOf('/'));
        }
    }
}
