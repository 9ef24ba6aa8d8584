package io.elara.node.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a manifest once to completion on the calling thread (unary mode): the items given as input go to the entry
 * nodes whose kind they match, sources are drained, each item is pushed through the nodes in topological order, and at
 * the end every node finishes in that order. What the exit nodes emit is returned. Nodes that block (exec) block the
 * caller, so call it off any event loop.
 */
public final class PipelineRunner {
    private final Manifest manifest;
    private final Map<String, Processor> processors = new LinkedHashMap<>();
    private final List<RuntimeData> output = new ArrayList<>();

    /**
     * @param base the folder relative paths in the manifest resolve against
     * @throws PipelineException when a node cannot be created
     */
    public PipelineRunner(Manifest manifest, Path base) throws PipelineException {
        this.manifest = manifest;
        for (Manifest.NodeSpec node : manifest.nodes()) {
            processors.put(
                    node.id(),
                    Processors.create(node, manifest.inputsOf(node.id()).size(), base));
        }
    }

    /** Runs with {@code inputs} and returns what leaves the pipeline, in order. */
    public List<RuntimeData> run(List<RuntimeData> inputs) throws PipelineException {
        for (RuntimeData input : inputs) {
            boolean taken = false;
            for (Manifest.NodeSpec entry : manifest.entries()) {
                if (entry.type().input() == input.kind()) {
                    deliver(entry.id(), 0, input);
                    taken = true;
                }
            }
            if (!taken) {
                throw new PipelineException("pipeline '" + manifest.name() + "' has no entry that takes "
                        + input.kind().label());
            }
        }
        for (Manifest.NodeSpec node : manifest.nodes()) {
            if (node.type().isSource()) {
                Processor source = processors.get(node.id());
                RuntimeData item;
                while ((item = source.next()) != null) {
                    emitFrom(node.id(), item);
                }
            }
        }
        for (Manifest.NodeSpec node : manifest.nodes()) {
            String id = node.id();
            processors.get(id).finish(item -> emitFrom(id, item));
        }
        return List.copyOf(output);
    }

    private void deliver(String id, int input, RuntimeData item) throws PipelineException {
        processors.get(id).accept(input, item, emitted -> emitFrom(id, emitted));
    }

    /**
     * Sends what {@code id} produced on to its consumers (or out of the pipeline). Exceptions from downstream nodes
     * travel back up as unchecked wrappers and are unwrapped by the caller of {@link #run}.
     */
    private void emitFrom(String id, RuntimeData item) {
        List<String> consumers = manifest.outputsOf(id);
        if (consumers.isEmpty()) {
            output.add(item);
            return;
        }
        for (String consumer : consumers) {
            int input = manifest.inputsOf(consumer).indexOf(id);
            try {
                deliver(consumer, input, item);
            } catch (PipelineException e) {
                throw new Failure(e);
            }
        }
    }

    /** Carries a {@link PipelineException} through the {@link Consumer} callbacks. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(PipelineException cause) {
            super(cause);
        }
    }

    /** Runs {@code manifest} with {@code inputs}; convenience for one-off runs. */
    public static List<RuntimeData> runOnce(Manifest manifest, Path base, List<RuntimeData> inputs)
            throws PipelineException {
        try {
            return new PipelineRunner(manifest, base).run(inputs);
        } catch (Failure e) {
            throw (PipelineException) e.getCause();
        }
    }
}
