package io.elara.node.config;

import java.nio.charset.StandardCharsets;

/** The rule for node, peer and session names. */
public final class Names {
    private Names() {}

    /** Null when {@code name} is valid, else a short reason. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a name is needed";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > ConfigValidator.NAME_LENGTH_MAX
                || !ConfigValidator.NAME.matcher(name).matches()) {
            return "'" + name + "' is not a valid name (1 to " + ConfigValidator.NAME_LENGTH_MAX
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit)";
        }
        return null;
    }
}
