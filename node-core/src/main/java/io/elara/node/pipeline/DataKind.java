package io.elara.node.pipeline;

import java.util.Locale;

/** The kinds of data that flow between pipeline nodes. A connection is valid only between matching kinds. */
public enum DataKind {
    /** PCM audio frames with a sample rate and a channel count. */
    AUDIO,
    /** UTF-8 text. */
    TEXT,
    /** Opaque bytes. */
    BINARY,
    /** A picture: width, height and pixels. */
    IMAGE;

    /** The lower-case name used in manifests and messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
