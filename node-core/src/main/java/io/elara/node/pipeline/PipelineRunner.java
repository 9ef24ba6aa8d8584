package io.elara.node.pipeline;

import io.elara.node.dataflow.DataflowExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a manifest once to completion (unary mode) on a dataflow executor of its own, on the calling thread: the inputs
 * go to the entries of their kind, the input is closed, and the executor cycles until every node has finished. What
 * the exit nodes emit is returned. Time does not matter to one pass, so the executor's clock stands still. Nodes that
 * block (exec) block the caller: call it off any event loop.
 */
public final class PipelineRunner {
    private PipelineRunner() {}

    /** Runs {@code manifest} over {@code inputs}; relative paths resolve against {@code base}. */
    public static List<RuntimeData> runOnce(Manifest manifest, Path base, List<RuntimeData> inputs)
            throws PipelineException {
        DataflowExecutor executor = new DataflowExecutor(() -> 0L);
        try {
            PipelineSession session = new PipelineSession(manifest, base, executor);
            for (RuntimeData input : inputs) {
                session.send(input);
            }
            session.close();
            session.pump();
            if (!session.isFinished()) {
                throw new PipelineException("pipeline '" + manifest.name() + "' stopped before every node finished");
            }
            List<RuntimeData> results = new ArrayList<>();
            RuntimeData item;
            while ((item = session.recv()) != null) {
                results.add(item);
            }
            return results;
        } finally {
            executor.close();
        }
    }
}
