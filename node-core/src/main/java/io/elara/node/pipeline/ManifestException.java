package io.elara.node.pipeline;

import io.elara.node.config.YamlLocator;

/** A manifest is invalid; the message is one line naming the file, position and node where known. */
public final class ManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(YamlLocator.oneLine(message));
    }

    public ManifestException(String message, Throwable cause) {
        super(YamlLocator.oneLine(message), cause);
    }
}
