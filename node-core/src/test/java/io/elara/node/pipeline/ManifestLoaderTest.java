package io.elara.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {
    private static final Path FILE = Path.of("p.yaml");

    @TempDir
    Path directory;

    private static String error(String yaml) {
        try {
            ManifestLoader.parse(yaml, FILE);
        } catch (ManifestException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage();
        }
        throw new AssertionError("expected the manifest to be rejected:\n" + yaml);
    }

    private static final String TONE_TO_WAV = """
            name: beep
            nodes:
              - id: out
                type: wav-sink
                params: {path: beep.wav}
              - id: loud
                type: gain
                params: {db: 6}
              - id: src
                type: tone
                params: {frequency-hz: 880, duration-ms: 500}
            connections:
              - {from: loud, to: out}
              - {from: src, to: loud}
            """;

    @Test
    void shouldOrderNodesSoEachComesAfterItsInputsAndFillDefaults() throws Exception {
        Manifest manifest = ManifestLoader.parse(TONE_TO_WAV, FILE);
        assertThat(manifest.name()).isEqualTo("beep");
        assertThat(manifest.nodes()).extracting(Manifest.NodeSpec::id).containsExactly("src", "loud", "out");
        Manifest.NodeSpec tone = manifest.node("src");
        assertThat(tone.number("frequency-hz")).isEqualTo(880.0);
        assertThat(tone.integer("duration-ms")).isEqualTo(500);
        assertThat(tone.integer("sample-rate")).isEqualTo(48_000);
        assertThat(tone.number("amplitude")).isEqualTo(0.5);
        assertThat(manifest.inputsOf("out")).containsExactly("loud");
        assertThat(manifest.outputsOf("src")).containsExactly("loud");
    }

    @Test
    void shouldReadJsonAndNameThePipelineAfterTheFileWhenUnnamed() throws Exception {
        Path file = directory.resolve("echo.json");
        Files.writeString(file, """
                {"nodes": [
                   {"id": "shout", "type": "text-template", "params": {"template": "{text}!"}},
                   {"id": "keep", "type": "text-filter", "params": {"matches": "^h"}}],
                 "connections": [{"from": "keep", "to": "shout"}]}
                """);
        Manifest manifest = ManifestLoader.load(file);
        assertThat(manifest.name()).isEqualTo("echo");
        assertThat(manifest.nodes()).extracting(Manifest.NodeSpec::id).containsExactly("keep", "shout");
        assertThat(manifest.entries()).extracting(Manifest.NodeSpec::id).containsExactly("keep");
        assertThat(manifest.exits()).extracting(Manifest.NodeSpec::id).containsExactly("shout");
        assertThat(manifest.node("shout").string("template")).isEqualTo("{text}!");
    }

    @Test
    void shouldAcceptSeveralInputsOnlyForAMixer() throws Exception {
        Manifest mixed = ManifestLoader.parse("""
                nodes:
                  - {id: a, type: tone}
                  - {id: b, type: tone, params: {frequency-hz: 660}}
                  - {id: mix, type: mixer}
                  - {id: out, type: wav-sink, params: {path: mix.wav}}
                connections:
                  - {from: a, to: mix}
                  - {from: b, to: mix}
                  - {from: mix, to: out}
                """, FILE);
        assertThat(mixed.inputsOf("mix")).containsExactly("a", "b");
        assertThat(error("""
                        nodes:
                          - {id: a, type: tone}
                          - {id: b, type: tone}
                          - {id: out, type: wav-sink, params: {path: x.wav}}
                        connections:
                          - {from: a, to: out}
                          - {from: b, to: out}
                        """)).isEqualTo("p.yaml:7:19: connections[1]: node 'out' (wav-sink) takes 1 input at most");
    }

    @Test
    void shouldNameTheNodeWhenItsTypeIsUnknown() {
        assertThat(error("nodes:\n  - {id: enc, type: opus-encode}\n"))
                .isEqualTo("p.yaml:2:21: node 'enc': unknown type 'opus-encode' (known: exec, gain, mixer, resample,"
                        + " text-filter, text-template, tone, vad, wav-sink, wav-source)");
    }

    @Test
    void shouldNameTheNodeAndParamWhenAParamIsMissingUnknownWrongOrOutOfRange() {
        assertThat(error("nodes:\n  - {id: loud, type: gain}\n"))
                .isEqualTo("p.yaml:2:5: node 'loud' (gain): missing param 'db' (gain in decibels)");
        assertThat(error("nodes:\n  - id: loud\n    type: gain\n    params: {db: 3, colour: red}\n"))
                .isEqualTo("p.yaml:4:21: node 'loud' (gain): unknown param 'colour' (known: db)");
        assertThat(error("nodes:\n  - id: loud\n    type: gain\n    params: {db: loud}\n"))
                .isEqualTo("p.yaml:4:18: node 'loud' (gain): param 'db' must be a number, got 'loud'");
        assertThat(error("nodes:\n  - id: t\n    type: tone\n    params: {sample-rate: 44100.5}\n"))
                .isEqualTo("p.yaml:4:27: node 't' (tone): param 'sample-rate' must be a whole number, got '44100.5'");
        assertThat(error("nodes:\n  - id: t\n    type: tone\n    params: {amplitude: 2}\n"))
                .isEqualTo("p.yaml:4:25: node 't' (tone): param 'amplitude' is 2, out of range (0..1)");
        assertThat(error("nodes:\n  - id: f\n    type: text-filter\n    params: {matches: '(unclosed'}\n"))
                .startsWith("p.yaml:4:23: node 'f' (text-filter): param 'matches' is not a valid regular expression");
        assertThat(error("nodes:\n  - id: x\n    type: exec\n    params: {command: ls}\n"))
                .isEqualTo("p.yaml:4:23: node 'x' (exec): param 'command' must be a non-empty list of text");
    }

    @Test
    void shouldRejectDuplicateIdsAndDanglingOrMismatchedConnections() throws Exception {
        assertThat(error("nodes:\n  - {id: a, type: tone}\n  - {id: a, type: tone}\n"))
                .isEqualTo("p.yaml:3:10: node 'a' is defined twice (also nodes[0])");
        String two = """
                nodes:
                  - {id: src, type: tone}
                  - {id: out, type: wav-sink, params: {path: o.wav}}
                """;
        assertThat(error(two + "connections:\n  - {from: src, to: ghost}\n"))
                .isEqualTo("p.yaml:5:21: connections[0]: 'to' names 'ghost', which is not a node");
        assertThat(error(two + "connections:\n  - {from: ghost, to: out}\n"))
                .isEqualTo("p.yaml:5:12: connections[0]: 'from' names 'ghost', which is not a node");
        assertThat(error(two + "connections:\n  - {from: out, to: src}\n"))
                .isEqualTo("p.yaml:5:12: connections[0]: node 'out' (wav-sink) is a sink; nothing flows out of it");
        assertThat(error(two + "connections:\n  - {from: src, to: out}\n  - {from: src, to: out}\n"))
                .isEqualTo("p.yaml:6:5: connections[1]: 'src' is already connected to 'out'");
        assertThat(error("""
                        nodes:
                          - {id: src, type: tone}
                          - {id: t, type: text-template, params: {template: x}}
                        connections:
                          - {from: src, to: t}
                        """))
                .isEqualTo("p.yaml:5:5: connections[0]: node 'src' (tone) produces audio, but node 't'"
                        + " (text-template) takes text");
        assertThat(ManifestLoader.parse(two, FILE).entries())
                .extracting(Manifest.NodeSpec::id)
                .containsExactly("out");
    }

    @Test
    void shouldNameTheNodesOfACycle() {
        assertThat(error("""
                        nodes:
                          - {id: src, type: tone}
                          - {id: mix, type: mixer}
                          - {id: a, type: gain, params: {db: 1}}
                          - {id: b, type: gain, params: {db: 1}}
                        connections:
                          - {from: src, to: mix}
                          - {from: mix, to: a}
                          - {from: a, to: b}
                          - {from: b, to: mix}
                        """)).isEqualTo("p.yaml:3:5: connections form a cycle: mix -> a -> b -> mix");
    }

    @Test
    void shouldRejectEmptyBrokenOrForeignManifests() throws Exception {
        assertThat(error("")).isEqualTo("p.yaml: the manifest is empty; it needs 'nodes:'");
        assertThat(error("nodes: []\n")).isEqualTo("p.yaml:1:8: 'nodes' must be a list with at least one node");
        assertThat(error("nodes:\n  - {id: a, type: tone\n")).startsWith("p.yaml:3:1: YAML syntax error: ");
        assertThat(error("nodes:\n  - {id: a, type: tone}\nedges: []\n"))
                .isEqualTo("p.yaml:3:1: unknown key 'edges' (known here: connections, name, nodes)");
        assertThat(error("- just a list\n")).isEqualTo("p.yaml:1:1: expected a mapping with 'nodes' and 'connections'");
        Path missing = directory.resolve("none.yaml");
        assertThatThrownBy(() -> ManifestLoader.load(missing)).hasMessage("pipeline manifest not found: " + missing);
    }

    @Test
    void shouldDescribeEveryNodeTypeWithKindsAndParams() {
        assertThat(NodeTypes.all().keySet())
                .containsExactly(
                        "exec",
                        "gain",
                        "mixer",
                        "resample",
                        "text-filter",
                        "text-template",
                        "tone",
                        "vad",
                        "wav-sink",
                        "wav-source");
        for (NodeType type : NodeTypes.all().values()) {
            assertThat(type.isSource() && type.isSink()).as(type.name()).isFalse();
            assertThat(type.description()).isNotBlank();
            for (ParamSpec param : type.params()) {
                assertThat(param.required() == (param.fallback() == null))
                        .as(type.name() + "." + param.name())
                        .isTrue();
            }
        }
        assertThat(List.of(
                        NodeTypes.get("tone").output(),
                        NodeTypes.get("wav-sink").input()))
                .containsOnly(DataKind.AUDIO);
    }
}
