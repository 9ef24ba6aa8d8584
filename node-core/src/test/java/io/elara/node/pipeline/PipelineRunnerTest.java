package io.elara.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.node.pipeline.audio.AudioOps;
import io.elara.node.pipeline.audio.Wav;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunnerTest {
    @TempDir
    Path directory;

    private Manifest manifest(String yaml) throws ManifestException {
        return ManifestLoader.parse(yaml, directory.resolve("p.yaml"));
    }

    @Test
    void shouldRenderAToneThroughGainAndResampleIntoAWavFile() throws Exception {
        Manifest manifest = manifest("""
                nodes:
                  - {id: beep, type: tone, params: {frequency-hz: 1000, amplitude: 0.25, duration-ms: 500}}
                  - {id: louder, type: gain, params: {db: 6.0206}}
                  - {id: phone, type: resample, params: {sample-rate: 16000}}
                  - {id: out, type: wav-sink, params: {path: beep.wav}}
                connections:
                  - {from: beep, to: louder}
                  - {from: louder, to: phone}
                  - {from: phone, to: out}
                """);
        assertThat(PipelineRunner.runOnce(manifest, directory, List.of())).isEmpty();
        RuntimeData.Audio written = Wav.read(directory.resolve("beep.wav"));
        assertThat(written.sampleRate()).isEqualTo(16_000);
        assertThat(written.frames()).isBetween(7_900, 8_000);
        // 0.25 amplitude raised 6 dB is 0.5: an RMS of 0.5 / sqrt(2), about -9 dBFS.
        assertThat(AudioOps.rmsDb(written)).isBetween(-9.5, -8.5);
    }

    @Test
    void shouldMixTwoTonesFrameByFrame() throws Exception {
        Manifest manifest = manifest("""
                nodes:
                  - {id: low, type: tone, params: {frequency-hz: 300, amplitude: 0.3, duration-ms: 100}}
                  - {id: high, type: tone, params: {frequency-hz: 900, amplitude: 0.3, duration-ms: 60}}
                  - {id: mix, type: mixer}
                connections:
                  - {from: low, to: mix}
                  - {from: high, to: mix}
                """);
        List<RuntimeData> frames = PipelineRunner.runOnce(manifest, directory, List.of());
        assertThat(frames).hasSize(5);
        int total =
                frames.stream().mapToInt(f -> ((RuntimeData.Audio) f).frames()).sum();
        assertThat(total).isEqualTo(4_800);
    }

    @Test
    void shouldPassSentTextThroughFilterTemplateAndCommand() throws Exception {
        Manifest manifest = manifest("""
                nodes:
                  - {id: keep, type: text-filter, params: {matches: "^!"}}
                  - {id: say, type: text-template, params: {template: "bot heard: {text}"}}
                  - {id: upper, type: exec, params: {command: [tr, a-z, A-Z]}}
                connections:
                  - {from: keep, to: say}
                  - {from: say, to: upper}
                """);
        List<RuntimeData> out = PipelineRunner.runOnce(
                manifest,
                directory,
                List.of(new RuntimeData.Text("!ping"), new RuntimeData.Text("ignore me"), new RuntimeData.Text("!x")));
        assertThat(out)
                .containsExactly(new RuntimeData.Text("BOT HEARD: !PING"), new RuntimeData.Text("BOT HEARD: !X"));
    }

    @Test
    void shouldNameTheNodeWhenItFails() throws Exception {
        Manifest missingFile = manifest("""
                nodes:
                  - {id: in, type: wav-source, params: {path: nowhere.wav}}
                  - {id: out, type: wav-sink, params: {path: o.wav}}
                connections:
                  - {from: in, to: out}
                """);
        assertThatThrownBy(() -> PipelineRunner.runOnce(missingFile, directory, List.of()))
                .isInstanceOf(PipelineException.class)
                .hasMessage("node 'in' (wav-source): " + directory.resolve("nowhere.wav") + ": no such file");

        Manifest failing = manifest("nodes:\n  - {id: bad, type: exec, params: {command: [sh, -c, 'exit 4']}}\n");
        assertThatThrownBy(() -> PipelineRunner.runOnce(failing, directory, List.of(new RuntimeData.Text("x"))))
                .hasMessage("node 'bad' (exec): 'sh -c exit 4' exited with 4");
        assertThatThrownBy(
                        () -> PipelineRunner.runOnce(failing, directory, List.of(new RuntimeData.Binary(new byte[1]))))
                .hasMessage("pipeline 'p' has no entry that takes binary");
    }
}
