package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.pipeline.DataKind;
import io.elara.node.pipeline.Manifest;
import io.elara.node.pipeline.ManifestException;
import io.elara.node.pipeline.ManifestLoader;
import io.elara.node.pipeline.PipelineException;
import io.elara.node.pipeline.PipelineRunner;
import io.elara.node.pipeline.RuntimeData;
import io.elara.node.pipeline.audio.Wav;
import io.elara.node.pipeline.audio.WavFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara pipeline}: pipelines from manifests. */
@Command(
        name = "pipeline",
        description = "Run processing pipelines described by manifests (YAML or JSON).",
        subcommands = {PipelineCommand.Run.class})
public final class PipelineCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand (run)");
    }

    /** {@code elara pipeline run}: one pass of a manifest over an input. */
    @Command(
            name = "run",
            description = {
                "Run a pipeline once: the input goes to its entry nodes, what leaves its exit nodes is written out.",
                "Text input is one item per line (from --input or stdin); audio input is a WAV file, cut into 20 ms"
                        + " frames. Text output is printed one item per line (or written to --output); audio output"
                        + " is written as a WAV file to --output."
            },
            footer = {
                "",
                "Examples:",
                "  elara pipeline run tone-to-wav.yaml",
                "  elara pipeline run shout.yaml --input chat.txt",
                "  elara pipeline run louder.yaml --input in.wav --output out.wav"
            })
    public static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MANIFEST", description = "the pipeline manifest")
        Path manifestFile;

        @Option(names = "--input", paramLabel = "FILE", description = "text lines, or a WAV file for audio entries")
        Path input;

        @Option(names = "--output", paramLabel = "FILE", description = "where output goes (required for audio)")
        Path output;

        @Override
        public Integer call() throws IOException {
            Manifest manifest;
            try {
                manifest = ManifestLoader.load(manifestFile);
            } catch (ManifestException e) {
                throw new ElaraUserException(ExitCode.USAGE, e.getMessage(), e);
            }
            Set<DataKind> entryKinds = EnumSet.noneOf(DataKind.class);
            manifest.entries().forEach(entry -> entryKinds.add(entry.type().input()));
            Set<DataKind> exitKinds = EnumSet.noneOf(DataKind.class);
            manifest.exits().forEach(exit -> exitKinds.add(exit.type().output()));
            if (exitKinds.contains(DataKind.AUDIO) && output == null) {
                throw new ElaraUserException(ExitCode.USAGE, "the pipeline puts out audio; give --output FILE.wav");
            }
            List<RuntimeData> items = inputs(entryKinds);
            List<RuntimeData> results;
            try {
                Path base = manifestFile.toAbsolutePath().getParent();
                results = PipelineRunner.runOnce(manifest, base, items);
            } catch (PipelineException e) {
                throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
            }
            write(results);
            return ExitCode.OK;
        }

        private List<RuntimeData> inputs(Set<DataKind> kinds) throws IOException {
            List<RuntimeData> items = new ArrayList<>();
            if (kinds.isEmpty()) {
                if (input != null) {
                    throw new ElaraUserException(ExitCode.USAGE, "the pipeline takes no input, but --input was given");
                }
                return items;
            }
            if (kinds.size() > 1) {
                throw new ElaraUserException(
                        ExitCode.USAGE,
                        "the pipeline's entries take " + kinds + "; this command feeds one kind at a time");
            }
            DataKind kind = kinds.iterator().next();
            try {
                switch (kind) {
                    case AUDIO -> {
                        if (input == null) {
                            throw new ElaraUserException(
                                    ExitCode.USAGE, "the pipeline takes audio; give --input FILE.wav");
                        }
                        items.add(Wav.read(input));
                    }
                    case TEXT -> {
                        List<String> lines = input != null
                                ? Files.readAllLines(input, StandardCharsets.UTF_8)
                                : new java.io.BufferedReader(
                                                new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                                        .lines()
                                        .toList();
                        lines.forEach(line -> items.add(new RuntimeData.Text(line)));
                    }
                    case BINARY -> {
                        if (input == null) {
                            throw new ElaraUserException(ExitCode.USAGE, "the pipeline takes bytes; give --input FILE");
                        }
                        items.add(new RuntimeData.Binary(Files.readAllBytes(input)));
                    }
                    case IMAGE ->
                        throw new ElaraUserException(ExitCode.USAGE, "image input arrives with the media issue");
                }
            } catch (NoSuchFileException e) {
                throw new ElaraUserException(ExitCode.FAILURE, "input file not found: " + input, e);
            } catch (WavFormatException e) {
                throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
            }
            return items;
        }

        private void write(List<RuntimeData> results) throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<String> texts = new ArrayList<>();
            List<RuntimeData.Audio> audio = new ArrayList<>();
            for (RuntimeData result : results) {
                if (result instanceof RuntimeData.Text text) {
                    texts.add(text.text());
                } else if (result instanceof RuntimeData.Audio frame) {
                    audio.add(frame);
                } else if (result instanceof RuntimeData.Binary bytes && output != null) {
                    Files.write(output, bytes.bytes());
                }
            }
            if (!audio.isEmpty()) {
                int total = audio.stream().mapToInt(a -> a.samples().length).sum();
                float[] samples = new float[total];
                int at = 0;
                for (RuntimeData.Audio frame : audio) {
                    System.arraycopy(frame.samples(), 0, samples, at, frame.samples().length);
                    at += frame.samples().length;
                }
                Wav.write(
                        output,
                        new RuntimeData.Audio(
                                samples, audio.get(0).sampleRate(), audio.get(0).channels()));
            }
            if (!texts.isEmpty()) {
                if (output != null) {
                    Files.write(output, texts, StandardCharsets.UTF_8);
                } else {
                    texts.forEach(out::println);
                }
            }
        }
    }
}
