package io.elara.node.pipeline;

import io.elara.node.pipeline.audio.AudioOps;
import io.elara.node.pipeline.audio.Resampler;
import io.elara.node.pipeline.audio.VoiceActivityDetector;
import io.elara.node.pipeline.audio.Wav;
import io.elara.node.pipeline.audio.WavFormatException;
import io.elara.node.pipeline.text.ExecRunner;
import io.elara.node.pipeline.text.TextTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Creates the {@link Processor} for each node type of a manifest. */
public final class Processors {
    private Processors() {}

    /**
     * The processor for {@code node}, which has {@code inputs} connections feeding it; relative paths resolve against
     * {@code base} (the manifest's folder).
     *
     * @throws PipelineException when it cannot be created (a WAV file that does not read, a bad template)
     */
    public static Processor create(Manifest.NodeSpec node, int inputs, Path base) throws PipelineException {
        String label = "node '" + node.id() + "' (" + node.type().name() + ")";
        switch (node.type().name()) {
            case "wav-source" -> {
                try {
                    RuntimeData.Audio audio = Wav.read(base.resolve(node.string("path")));
                    return new Frames(audio, (int) node.integer("frame-ms"));
                } catch (WavFormatException e) {
                    throw new PipelineException(label + ": " + e.getMessage(), e);
                }
            }
            case "tone" -> {
                int rate = (int) node.integer("sample-rate");
                int frames = (int) (rate * node.integer("duration-ms") / 1000);
                RuntimeData.Audio audio =
                        AudioOps.tone(node.number("frequency-hz"), node.number("amplitude"), rate, frames, 0);
                return new Frames(audio, (int) node.integer("frame-ms"));
            }
            case "wav-sink" -> {
                return new WavSink(base.resolve(node.string("path")), label);
            }
            case "gain" -> {
                double db = node.number("db");
                return (Processor.Transform) (item, emit) -> emit.accept(AudioOps.gain((RuntimeData.Audio) item, db));
            }
            case "resample" -> {
                int rate = (int) node.integer("sample-rate");
                return (Processor.Transform)
                        (item, emit) -> emit.accept(Resampler.resample((RuntimeData.Audio) item, rate));
            }
            case "mixer" -> {
                return new Mixer(label, Math.max(1, inputs));
            }
            case "vad" -> {
                VoiceActivityDetector vad = new VoiceActivityDetector(
                        node.number("threshold-db"), node.integer("hangover-ms") * 1_000_000L);
                return (Processor.Transform) (item, emit) -> {
                    if (vad.isVoice((RuntimeData.Audio) item)) {
                        emit.accept(item);
                    }
                };
            }
            case "text-filter" -> {
                Pattern pattern = Pattern.compile(node.string("matches"));
                return (Processor.Transform) (item, emit) -> {
                    if (pattern.matcher(((RuntimeData.Text) item).text()).find()) {
                        emit.accept(item);
                    }
                };
            }
            case "text-template" -> {
                TextTemplate template;
                try {
                    template = TextTemplate.parse(node.string("template"));
                } catch (IllegalArgumentException e) {
                    throw new PipelineException(label + ": template " + e.getMessage(), e);
                }
                return (Processor.Transform) (item, emit) ->
                        emit.accept(new RuntimeData.Text(template.apply(((RuntimeData.Text) item).text())));
            }
            case "exec" -> {
                ExecRunner runner = new ExecRunner(node.strings("command"), node.integer("deadline-ms"));
                return (Processor.Transform) (item, emit) -> {
                    try {
                        emit.accept(new RuntimeData.Text(runner.run(((RuntimeData.Text) item).text())));
                    } catch (ExecRunner.ExecException e) {
                        throw new PipelineException(label + ": " + e.getMessage(), e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new PipelineException(label + ": interrupted", e);
                    }
                };
            }
            default ->
                throw new IllegalStateException(
                        "no processor for node type " + node.type().name());
        }
    }

    /** A source that hands out {@code audio} in frames of {@code frameMs}. */
    static final class Frames implements Processor {
        private final RuntimeData.Audio audio;
        private final int framesPerItem;
        private int position;

        Frames(RuntimeData.Audio audio, int frameMs) {
            this.audio = audio;
            this.framesPerItem = Math.max(1, audio.sampleRate() * frameMs / 1000);
        }

        @Override
        public RuntimeData next() {
            int total = audio.frames();
            if (position >= total) {
                return null;
            }
            int frames = Math.min(framesPerItem, total - position);
            int channels = audio.channels();
            float[] samples = Arrays.copyOfRange(audio.samples(), position * channels, (position + frames) * channels);
            position += frames;
            return new RuntimeData.Audio(samples, audio.sampleRate(), channels);
        }
    }

    /** Collects audio and writes one WAV file at the end. */
    static final class WavSink implements Processor {
        private final Path file;
        private final String label;
        private final List<RuntimeData.Audio> frames = new ArrayList<>();

        WavSink(Path file, String label) {
            this.file = file;
            this.label = label;
        }

        @Override
        public void accept(int input, RuntimeData item, Consumer<RuntimeData> emit) throws PipelineException {
            RuntimeData.Audio audio = (RuntimeData.Audio) item;
            if (!frames.isEmpty()
                    && (frames.get(0).sampleRate() != audio.sampleRate()
                            || frames.get(0).channels() != audio.channels())) {
                throw new PipelineException(
                        label + ": the format changed mid-stream (" + frames.get(0) + ", then " + audio + ")");
            }
            frames.add(audio);
        }

        @Override
        public void finish(Consumer<RuntimeData> emit) throws PipelineException {
            if (frames.isEmpty()) {
                return;
            }
            int total = 0;
            for (RuntimeData.Audio frame : frames) {
                total += frame.samples().length;
            }
            float[] all = new float[total];
            int at = 0;
            for (RuntimeData.Audio frame : frames) {
                System.arraycopy(frame.samples(), 0, all, at, frame.samples().length);
                at += frame.samples().length;
            }
            try {
                Wav.write(
                        file,
                        new RuntimeData.Audio(
                                all, frames.get(0).sampleRate(), frames.get(0).channels()));
            } catch (IOException e) {
                throw new PipelineException(label + ": cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Mixes its inputs frame by frame: waits until every input has a frame, then emits their sum; at the end, inputs
     * that ran out count as silence.
     */
    static final class Mixer implements Processor {
        private final String label;
        private final List<List<RuntimeData.Audio>> pending = new ArrayList<>();

        Mixer(String label, int inputs) {
            this.label = label;
            for (int i = 0; i < inputs; i++) {
                pending.add(new ArrayList<>());
            }
        }

        @Override
        public void accept(int input, RuntimeData item, Consumer<RuntimeData> emit) throws PipelineException {
            pending.get(input).add((RuntimeData.Audio) item);
            while (pending.stream().allMatch(queue -> !queue.isEmpty())) {
                emit.accept(mixHeads());
            }
        }

        @Override
        public void finish(Consumer<RuntimeData> emit) throws PipelineException {
            while (pending.stream().anyMatch(queue -> !queue.isEmpty())) {
                emit.accept(mixHeads());
            }
        }

        private RuntimeData.Audio mixHeads() throws PipelineException {
            List<RuntimeData.Audio> heads = new ArrayList<>();
            for (List<RuntimeData.Audio> queue : pending) {
                if (!queue.isEmpty()) {
                    heads.add(queue.remove(0));
                }
            }
            try {
                return AudioOps.mix(heads);
            } catch (IllegalArgumentException e) {
                throw new PipelineException(label + ": " + e.getMessage(), e);
            }
        }
    }
}
