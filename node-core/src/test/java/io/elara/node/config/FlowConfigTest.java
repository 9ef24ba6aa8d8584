package io.elara.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.flow.FlowSpec;
import io.elara.node.flow.StepSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code flows:} key: what a valid one becomes, and one located line for each kind of mistake. */
class FlowConfigTest {
    private static final String HEAD = """
            name: bot
            peers:
              - name: alice
                address: 127.0.0.1:7001
            sessions:
              - name: lobby
                members: [alice]
            """;

    @TempDir
    Path directory;

    private Path write(String flows) throws Exception {
        Path file = directory.resolve("bot.yaml");
        Files.writeString(file, HEAD + flows, StandardCharsets.UTF_8);
        return file;
    }

    private String error(String flows) throws Exception {
        Path file = write(flows);
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e.getMessage().replace(file.toString(), "FILE");
        }
        throw new AssertionError("expected the flows to be rejected:\n" + flows);
    }

    @Test
    void shouldBuildEveryStepKindWithDefaultsAndPathsBesideTheFile() throws Exception {
        Files.writeString(directory.resolve("upper.yaml"), """
                name: upper
                nodes:
                  - {id: t, type: text-template, params: {template: "{text}!"}}
                connections: []
                """);
        NodeConfig config = ConfigLoader.load(write("""
                flows:
                  - name: all
                    sessions: [lobby, direct]
                    include-own: true
                    steps:
                      - filter: 'kind == "text"'
                      - transform: '{author}: {text}'
                      - split: {}
                      - aggregate: {count: 3, timeout: 250ms}
                      - stdout: {}
                      - file: {path: logs/all.jsonl}
                      - exec: {command: [tr, a-z, A-Z], output: discard}
                      - webhook: {url: 'http://127.0.0.1:9/hook', headers: {X-Token: secret}}
                      - pipeline: {manifest: upper.yaml}
                      - reply: 'ok {text}'
                      - send: {peer: alice, text: 'seen {id}'}
                      - route: [{when: 'author == "alice"', to: other}, {to: other}]
                  - name: other
                    from: route
                    steps: [{stdout: {template: '{flow} {text}'}}]
                """));
        assertThat(config.flows()).extracting(FlowSpec::name).containsExactly("all", "other");
        FlowSpec all = config.flows().get(0);
        assertThat(all.sessions()).containsExactlyInAnyOrder("lobby", "direct");
        assertThat(all.includeOwn()).isTrue();
        assertThat(all.accepts("lobby", true)).isTrue();
        assertThat(all.accepts("ops", false)).isFalse();
        assertThat(all.steps()).extracting(StepSpec::label).startsWith("steps[0] filter", "steps[1] transform");
        StepSpec.AggregateStep aggregate = (StepSpec.AggregateStep) all.steps().get(3);
        assertThat(aggregate.count()).isEqualTo(3);
        assertThat(TimeUnit.NANOSECONDS.toMillis(aggregate.timeoutNs())).isEqualTo(250);
        assertThat(((StepSpec.FileStep) all.steps().get(5)).path()).isEqualTo(directory.resolve("logs/all.jsonl"));
        StepSpec.ExecStep exec = (StepSpec.ExecStep) all.steps().get(6);
        assertThat(exec.replace()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(exec.timeoutNs())).isEqualTo(10);
        assertThat(config.flows().get(1).source()).isEqualTo(FlowSpec.Source.ROUTE);
        assertThat(config.flows().get(1).accepts("lobby", false)).isFalse();
    }

    @Test
    void shouldPointAtTheColumnOfABadFilter() throws Exception {
        assertThat(error("""
                flows:
                  - name: f
                    steps:
                      - filter: 'kind == "text" and author contains'
                """))
                .isEqualTo("FILE:11:17: flows[0].steps[0].filter: column 35: expected a string after 'contains'");
    }

    @Test
    void shouldNameUnknownAndDoubledStepKinds() throws Exception {
        assertThat(error("""
                flows:
                  - name: f
                    steps:
                      - filtre: 'kind == "text"'
                """))
                .startsWith("FILE:11:9: flows[0].steps[0]: unknown key 'filtre' (known here: aggregate, exec, file,");
        assertThat(error("""
                flows:
                  - name: f
                    steps:
                      - filter: 'kind == "text"'
                        reply: hi
                """))
                .isEqualTo("FILE:11:9: flows[0].steps[0]: one step per list entry, not filter and reply;"
                        + " start each with its own '-'");
    }

    @Test
    void shouldRejectRoutesToNowhereInCirclesOrNotLast() throws Exception {
        assertThat(error("""
                flows:
                  - name: f
                    steps: [{route: [{to: ghost}]}]
                """))
                .isEqualTo("FILE:10:27: flows[0].steps[0].route[0].to: no flow named 'ghost' (flows here: f)");
        assertThat(error("""
                flows:
                  - name: a
                    steps: [{route: [{to: b}]}]
                  - name: b
                    from: route
                    steps: [{route: [{to: a}]}]
                """)).isEqualTo("FILE:9:5: flows[0]: routes go round in a circle: a → b → a");
        assertThat(error("""
                flows:
                  - name: a
                    steps: [{route: [{to: b}]}, {reply: x}]
                  - name: b
                    from: route
                    steps: [{reply: x}]
                """)).startsWith("FILE:10:33: flows[0].steps[1]: nothing can follow a route step");
        assertThat(error("""
                flows:
                  - name: a
                    steps: [{route: [{to: b}, {when: 'text == "x"', to: b}]}]
                  - name: b
                    from: route
                    steps: [{reply: x}]
                """))
                .endsWith("flows[0].steps[0].route[0]: a route without 'when' takes everything, so it must come last");
    }

    @Test
    void shouldRejectBadTemplatesSessionsDurationsCommandsAndUrls() throws Exception {
        assertThat(error("""
                flows:
                  - name: f
                    steps: [{reply: 'hi {name}'}]
                """))
                .startsWith("FILE:10:21: flows[0].steps[0].reply: column 4: unknown placeholder {name} (placeholders:");
        assertThat(error("""
                flows:
                  - name: f
                    sessions: [lobby, ops]
                    steps: [{reply: hi}]
                """))
                .isEqualTo("FILE:10:23: flows[0].sessions[1]: 'ops' is not a session in this file (nor 'direct')");
        assertThat(error("""
                flows:
                  - name: f
                    steps: [{aggregate: {timeout: 5 seconds}}]
                """))
                .isEqualTo("FILE:10:35: flows[0].steps[0].aggregate.timeout: '5 seconds' is not a duration;"
                        + " write e.g. 500ms, 5s, 2m or 1h");
        assertThat(error("""
                flows:
                  - name: f
                    steps: [{exec: {command: []}}]
                """))
                .startsWith("FILE:10:20: flows[0].steps[0].exec.command: missing; give the command as a list");
        assertThat(error("""
                flows:
                  - name: f
                    steps: [{webhook: {url: 'ftp://example.org/x'}}]
                """))
                .isEqualTo("FILE:10:29: flows[0].steps[0].webhook.url: 'ftp://example.org/x' is not an http:// or"
                        + " https:// URL");
        assertThat(error("""
                flows:
                  - name: f
                    steps: [{pipeline: {manifest: missing.yaml}}]
                """)).contains("flows[0].steps[0].pipeline.manifest: ").contains("missing.yaml");
        assertThat(error("""
                flows:
                  - name: f
                  - name: f
                    steps: [{reply: x}]
                """)).isEqualTo("FILE:9:5: flows[0].steps: missing; a flow needs at least one step");
        assertThat(error("""
                limits:
                  flow-queue-max: 1000
                """)).isEqualTo("FILE:9:19: limits.flow-queue-max: 1000 is not a power of two");
    }
}
