package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.AudioOps;
import io.elara.node.pipeline.audio.Wav;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCommandTest {
    @TempDir
    Path directory;

    private Path file(String name, String text) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void shouldWriteAWavFileFromAToneManifest() throws Exception {
        Path manifest = file("beep.yaml", """
                nodes:
                  - {id: beep, type: tone, params: {frequency-hz: 880, duration-ms: 250, sample-rate: 16000}}
                  - {id: out, type: wav-sink, params: {path: beep.wav}}
                connections:
                  - {from: beep, to: out}
                """);
        Cli.Result result = Cli.run("pipeline", "run", manifest.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        RuntimeData.Audio written = Wav.read(directory.resolve("beep.wav"));
        assertThat(written.sampleRate()).isEqualTo(16_000);
        assertThat(written.frames()).isEqualTo(4_000);
    }

    @Test
    void shouldTurnAWavIntoALouderWav() throws Exception {
        Wav.write(directory.resolve("in.wav"), AudioOps.tone(440, 0.1, 8_000, 8_000, 0));
        Path manifest = file("louder.yaml", "nodes:\n  - {id: up, type: gain, params: {db: 12}}\n");
        Path output = directory.resolve("out.wav");
        Cli.Result result = Cli.run(
                "pipeline",
                "run",
                manifest.toString(),
                "--input",
                directory.resolve("in.wav").toString(),
                "--output",
                output.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        double gained = AudioOps.rmsDb(Wav.read(output)) - AudioOps.rmsDb(Wav.read(directory.resolve("in.wav")));
        assertThat(gained).isBetween(11.9, 12.1);
    }

    @Test
    void shouldPrintTextResultsOnePerLine() throws Exception {
        Path manifest = file("shout.yaml", """
                nodes:
                  - {id: keep, type: text-filter, params: {matches: "!$"}}
                  - {id: say, type: text-template, params: {template: "<{text}>"}}
                connections:
                  - {from: keep, to: say}
                """);
        Path input = file("chat.txt", "hello!\nquiet\nbye!\n");
        Cli.Result result = Cli.run("pipeline", "run", manifest.toString(), "--input", input.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("<hello!>\n<bye!>\n");
    }

    @Test
    void shouldExitTwoForABadManifestAndOneWhenANodeFails() throws Exception {
        Path bad = file("bad.yaml", "nodes:\n  - {id: x, type: warp-drive}\n");
        Cli.Result invalid = Cli.run("pipeline", "run", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(invalid.err()).startsWith("elara: " + bad + ":2:19: node 'x': unknown type 'warp-drive'");
        assertThat(invalid.err().lines()).hasSize(1);

        Path notWav = file("notwav.wav", "this is text, not audio");
        Path gain = file("gain.yaml", "nodes:\n  - {id: up, type: gain, params: {db: 1}}\n");
        Cli.Result failed = Cli.run(
                "pipeline",
                "run",
                gain.toString(),
                "--input",
                notWav.toString(),
                "--output",
                directory.resolve("o.wav").toString());
        assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(failed.err()).isEqualTo("elara: " + notWav + ": not a WAV file (no RIFF/WAVE header)\n");

        Cli.Result noOutput = Cli.run("pipeline", "run", gain.toString(), "--input", notWav.toString());
        assertThat(noOutput.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noOutput.err()).isEqualTo("elara: the pipeline puts out audio; give --output FILE.wav\n");
    }
}
