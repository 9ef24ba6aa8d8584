package io.elara.node.pipeline;

import static io.elara.node.pipeline.ParamSpec.Type.INTEGER;
import static io.elara.node.pipeline.ParamSpec.Type.NUMBER;
import static io.elara.node.pipeline.ParamSpec.Type.STRING;
import static io.elara.node.pipeline.ParamSpec.Type.STRING_LIST;
import static io.elara.node.pipeline.ParamSpec.optional;
import static io.elara.node.pipeline.ParamSpec.required;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The node types a manifest may use. Opus and visual codecs join with the media issue. */
public final class NodeTypes {
    private static final Map<String, NodeType> TYPES = new TreeMap<>();

    static {
        add(new NodeType(
                "wav-source",
                "reads a WAV file (PCM 8/16/24/32-bit or 32-bit float, any rate and channel count)",
                null,
                DataKind.AUDIO,
                0,
                List.of(
                        required("path", STRING, "the WAV file to read"),
                        optional("frame-ms", INTEGER, 20L, "audio per emitted frame, in ms")
                                .range(1, 1000))));
        add(new NodeType(
                "wav-sink",
                "writes 16-bit PCM WAV",
                DataKind.AUDIO,
                null,
                1,
                List.of(required("path", STRING, "the WAV file to write"))));
        add(new NodeType(
                "tone",
                "a sine tone",
                null,
                DataKind.AUDIO,
                0,
                List.of(
                        optional("frequency-hz", NUMBER, 440.0, "pitch").range(1, 24_000),
                        optional("amplitude", NUMBER, 0.5, "peak level, 0 to 1").range(0, 1),
                        optional("sample-rate", INTEGER, 48_000L, "frames per second")
                                .range(8_000, 192_000),
                        optional("duration-ms", INTEGER, 1_000L, "length").range(1, 3_600_000),
                        optional("frame-ms", INTEGER, 20L, "audio per emitted frame, in ms")
                                .range(1, 1000))));
        add(new NodeType(
                "resample",
                "changes the sample rate (windowed-sinc interpolation)",
                DataKind.AUDIO,
                DataKind.AUDIO,
                1,
                List.of(required("sample-rate", INTEGER, "the new rate").range(8_000, 192_000))));
        add(new NodeType(
                "gain",
                "scales the level, clipping at full scale",
                DataKind.AUDIO,
                DataKind.AUDIO,
                1,
                List.of(required("db", NUMBER, "gain in decibels").range(-96, 48))));
        add(new NodeType(
                "mixer",
                "adds several audio streams of one rate and channel count",
                DataKind.AUDIO,
                DataKind.AUDIO,
                64,
                List.of()));
        add(new NodeType(
                "vad",
                "voice activity detection: passes frames louder than the threshold, and the hangover after them",
                DataKind.AUDIO,
                DataKind.AUDIO,
                1,
                List.of(
                        optional("threshold-db", NUMBER, -40.0, "RMS level that counts as voice")
                                .range(-96, 0),
                        optional("hangover-ms", INTEGER, 200L, "how long to keep passing after voice stops")
                                .range(0, 10_000))));
        add(new NodeType(
                "text-filter",
                "passes texts that match a regular expression",
                DataKind.TEXT,
                DataKind.TEXT,
                1,
                List.of(required("matches", STRING, "a regular expression (found anywhere in the text)"))));
        add(new NodeType(
                "text-template",
                "rewrites each text through a template; {text} stands for the input",
                DataKind.TEXT,
                DataKind.TEXT,
                1,
                List.of(required("template", STRING, "for example 'you said: {text}'"))));
        add(new NodeType(
                "exec",
                "pipes each text to a command and emits what it prints",
                DataKind.TEXT,
                DataKind.TEXT,
                1,
                List.of(
                        required("command", STRING_LIST, "the program and its arguments"),
                        optional("deadline-ms", INTEGER, 5_000L, "how long the command may run")
                                .range(1, 600_000))));
    }

    private NodeTypes() {}

    private static void add(NodeType type) {
        TYPES.put(type.name(), type);
    }

    /** The type named {@code name}, or null. */
    public static NodeType get(String name) {
        return TYPES.get(name);
    }

    /** Every type, by name. */
    public static Map<String, NodeType> all() {
        return Collections.unmodifiableMap(TYPES);
    }
}
