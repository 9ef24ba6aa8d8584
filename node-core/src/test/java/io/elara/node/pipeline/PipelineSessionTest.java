package io.elara.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.dataflow.DataflowExecutor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineSessionTest {
    @TempDir
    Path directory;

    private static final String SHOUT = """
            nodes:
              - {id: keep, type: text-filter, params: {matches: "[a-z]"}}
              - {id: say, type: text-template, params: {template: "{text}!"}}
            connections:
              - {from: keep, to: say}
            """;

    @Test
    void shouldStreamItemsThroughAsTheyAreSentAndFinishOnClose() throws Exception {
        DataflowExecutor executor = new DataflowExecutor(() -> 0L);
        PipelineSession session =
                new PipelineSession(ManifestLoader.parse(SHOUT, directory.resolve("s.yaml")), directory, executor);
        session.send(new RuntimeData.Text("one"));
        session.pump();
        assertThat(session.recv()).isEqualTo(new RuntimeData.Text("one!"));
        assertThat(session.recv()).isNull();

        session.send(new RuntimeData.Text("123"));
        session.send(new RuntimeData.Text("two"));
        session.pump();
        assertThat(session.recv()).isEqualTo(new RuntimeData.Text("two!"));
        assertThat(session.isFinished()).isFalse();

        session.close();
        session.pump();
        assertThat(session.isFinished()).isTrue();
        assertThatThrownBy(() -> session.send(new RuntimeData.Text("late"))).hasMessage("pipeline 's' is closed");
    }

    @Test
    void shouldShareTheExecutorWithOtherWork() throws Exception {
        DataflowExecutor executor = new DataflowExecutor(() -> 0L);
        int[] ticks = {0};
        var other = executor.node(ticks).build((state, context) -> {
            state[0]++;
            return io.elara.node.dataflow.Control.UNCHANGED;
        });
        PipelineSession session = new PipelineSession(
                ManifestLoader.parse(
                        "nodes:\n  - {id: t, type: tone, params: {duration-ms: 1000, frame-ms: 10}}\n",
                        directory.resolve("t.yaml")),
                directory,
                executor);
        // The source yields after each frame, so other nodes scheduled meanwhile still run every cycle.
        for (int i = 0; i < 10; i++) {
            executor.scheduleNow(other);
            executor.runCycle();
        }
        assertThat(ticks[0]).isEqualTo(10);
        int frames = 0;
        while (session.recv() != null) {
            frames++;
        }
        assertThat(frames).isEqualTo(10);
        session.pump();
        assertThat(session.isFinished()).isTrue();
    }

    @Test
    void shouldStopWithTheFailureOfANode() throws Exception {
        DataflowExecutor executor = new DataflowExecutor(() -> 0L);
        PipelineSession session = new PipelineSession(
                ManifestLoader.parse(
                        "nodes:\n  - {id: bad, type: exec, params: {command: [sh, -c, 'exit 2']}}\n",
                        directory.resolve("f.yaml")),
                directory,
                executor);
        session.send(new RuntimeData.Text("x"));
        assertThatThrownBy(session::pump).hasMessage("node 'bad' (exec): 'sh -c exit 2' exited with 2");
    }
}
