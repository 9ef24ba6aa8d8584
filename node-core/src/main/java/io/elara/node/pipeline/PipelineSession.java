package io.elara.node.pipeline;

import io.elara.node.dataflow.Control;
import io.elara.node.dataflow.CycleContext;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.dataflow.GraphNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A manifest compiled into a subgraph of a {@link DataflowExecutor}, used as a streaming session: {@link #send} items
 * in, {@link #recv} what comes out, {@link #close} to end the stream (every node then finishes, in order). Each
 * manifest node is an executor node triggered by the nodes that feed it; what a node emits in a cycle is read by its
 * consumers in the same cycle (depth order runs producers first). Sources hand out one item per cycle, yielding until
 * they are exhausted, so a long source never starves other work on the executor.
 *
 * <p>All methods run on the executor's thread. {@link #pump} runs the executor's cycles until the pipeline is idle;
 * an executor driven elsewhere (a node's event loop) runs them itself.
 */
public final class PipelineSession {
    /** Cycles {@link #pump} runs at most before it reports the pipeline as stuck. */
    public static final int PUMP_CYCLES_MAX = 10_000_000;

    private final Manifest manifest;
    private final DataflowExecutor executor;
    private final List<Stage> entries = new ArrayList<>();
    private final ArrayDeque<RuntimeData> output = new ArrayDeque<>();
    private final List<Stage> stages = new ArrayList<>();
    private PipelineException failure;
    private boolean closed;

    /** What one manifest node holds between cycles. */
    private final class Stage {
        final Manifest.NodeSpec spec;
        final Processor processor;
        final List<Stage> producers = new ArrayList<>();
        final ArrayDeque<RuntimeData> sent = new ArrayDeque<>();
        final List<RuntimeData> emitted = new ArrayList<>();
        long emittedCycle = -1;
        boolean finished;
        GraphNode<Stage> node;

        Stage(Manifest.NodeSpec spec, Processor processor) {
            this.spec = spec;
            this.processor = processor;
        }

        Control cycle(CycleContext context) {
            if (finished) {
                return Control.UNCHANGED;
            }
            emitted.clear();
            emittedCycle = context.cycle();
            try {
                if (spec.type().isSource()) {
                    RuntimeData item = processor.next();
                    if (item != null) {
                        emitted.add(item);
                        context.yieldNow();
                    } else {
                        finish();
                    }
                } else {
                    for (int input = 0; input < producers.size(); input++) {
                        Stage producer = producers.get(input);
                        if (producer.emittedCycle == context.cycle()) {
                            for (RuntimeData item : producer.emitted) {
                                processor.accept(input, item, emitted::add);
                            }
                        }
                    }
                    while (!sent.isEmpty()) {
                        processor.accept(0, sent.poll(), emitted::add);
                    }
                    boolean inputsDone =
                            producers.isEmpty() ? closed : producers.stream().allMatch(producer -> producer.finished);
                    if (inputsDone) {
                        finish();
                    }
                }
            } catch (PipelineException e) {
                fail(e);
                return Control.UNCHANGED;
            }
            if (manifest.outputsOf(spec.id()).isEmpty() && !spec.type().isSink()) {
                output.addAll(emitted);
            }
            return emitted.isEmpty() && !finished ? Control.UNCHANGED : Control.BROADCAST;
        }

        private void finish() throws PipelineException {
            processor.finish(emitted::add);
            finished = true;
        }
    }

    /**
     * Compiles {@code manifest} into {@code executor}; relative paths resolve against {@code base}.
     *
     * @throws PipelineException when a node cannot be created
     */
    public PipelineSession(Manifest manifest, Path base, DataflowExecutor executor) throws PipelineException {
        this.manifest = manifest;
        this.executor = executor;
        Map<String, Stage> byId = new HashMap<>();
        for (Manifest.NodeSpec spec : manifest.nodes()) {
            List<String> inputs = manifest.inputsOf(spec.id());
            Stage stage = new Stage(spec, Processors.create(spec, inputs.size(), base));
            GraphNode<?>[] parents = new GraphNode<?>[inputs.size()];
            for (int i = 0; i < inputs.size(); i++) {
                Stage producer = byId.get(inputs.get(i));
                stage.producers.add(producer);
                parents[i] = producer.node;
            }
            stage.node = executor.node(stage).triggeredBy(parents).build(Stage::cycle);
            byId.put(spec.id(), stage);
            stages.add(stage);
            if (!spec.type().isSource() && inputs.isEmpty()) {
                entries.add(stage);
            }
            if (spec.type().isSource()) {
                executor.scheduleNow(stage.node);
            }
        }
    }

    /**
     * Sends {@code item} to every entry node that takes its kind.
     *
     * @throws PipelineException when no entry takes it, or the session is closed
     */
    public void send(RuntimeData item) throws PipelineException {
        if (closed) {
            throw new PipelineException("pipeline '" + manifest.name() + "' is closed");
        }
        boolean taken = false;
        for (Stage entry : entries) {
            if (entry.spec.type().input() == item.kind()) {
                entry.sent.add(item);
                executor.scheduleNow(entry.node);
                taken = true;
            }
        }
        if (!taken) {
            throw new PipelineException("pipeline '" + manifest.name() + "' has no entry that takes "
                    + item.kind().label());
        }
    }

    /** The next item that came out of the pipeline, or null if none is waiting. */
    public RuntimeData recv() {
        return output.poll();
    }

    /** Ends the input: entries finish, and with them, in order, every node downstream. */
    public void close() {
        closed = true;
        for (Stage entry : entries) {
            executor.scheduleNow(entry.node);
        }
    }

    /** True when every node has finished (after {@link #close}, or when a pipeline of sources ran dry). */
    public boolean isFinished() {
        return stages.stream().allMatch(stage -> stage.finished);
    }

    /**
     * Runs executor cycles until nothing is scheduled, and throws the first failure of a node.
     *
     * @throws PipelineException what a node failed with
     */
    public void pump() throws PipelineException {
        for (int cycles = 0; cycles < PUMP_CYCLES_MAX; cycles++) {
            if (failure != null) {
                throw failure;
            }
            if (executor.runCycle() == 0) {
                if (failure != null) {
                    throw failure;
                }
                return;
            }
        }
        throw new PipelineException(
                "pipeline '" + manifest.name() + "' still busy after " + PUMP_CYCLES_MAX + " cycles");
    }

    private void fail(PipelineException e) {
        if (failure == null) {
            failure = e;
        }
    }
}
