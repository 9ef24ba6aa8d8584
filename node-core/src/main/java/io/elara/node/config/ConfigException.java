package io.elara.node.config;

/** The configuration is invalid. The message is one line: {@code file:line:column: field: problem}. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(YamlLocator.oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(YamlLocator.oneLine(message), cause);
    }
}
