package io.elara.node.dataflow.bench;

import io.elara.node.dataflow.Control;
import io.elara.node.dataflow.CycleFunction;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.dataflow.GraphNode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Executor cost per triggered node (issue 3 target: at most 100 ns), for a chain (every node one depth deeper) and a
 * fan-out (one root, all children at depth 1). One invocation schedules the root and runs one cycle, in which
 * {@link #NODES} nodes run; JMH divides by that, so the figures are per triggered node, including the cycle's fixed
 * cost (time snapshot, timer and yield checks) shared among them. Run with {@code -prof gc} for bytes per node.
 *
 * <pre>./mvnw -Pbench -pl node-core -am test-compile exec:exec -Djmh.args="ExecutorBenchmark -prof gc"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExecutorBenchmark {
    /** Nodes run per cycle: the root and its descendants. */
    static final int NODES = 64;

    private static final CycleFunction<long[]> COUNT_AND_BROADCAST = (state, context) -> {
        state[0]++;
        return Control.BROADCAST;
    };

    private long nowNs = 1_767_225_600_000_000_000L;
    private DataflowExecutor chain;
    private GraphNode<long[]> chainRoot;
    private DataflowExecutor fanOut;
    private GraphNode<long[]> fanOutRoot;

    @Setup
    public void setUp() {
        chain = new DataflowExecutor(() -> nowNs);
        chainRoot = chain.node(new long[1]).build(COUNT_AND_BROADCAST);
        GraphNode<long[]> previous = chainRoot;
        for (int i = 1; i < NODES; i++) {
            previous = chain.node(new long[1]).triggeredBy(previous).build(COUNT_AND_BROADCAST);
        }
        fanOut = new DataflowExecutor(() -> nowNs);
        fanOutRoot = fanOut.node(new long[1]).build(COUNT_AND_BROADCAST);
        for (int i = 1; i < NODES; i++) {
            fanOut.node(new long[1]).triggeredBy(fanOutRoot).build(COUNT_AND_BROADCAST);
        }
    }

    /** A chain of {@link #NODES}: one cycle runs every depth from 0 to NODES - 1. */
    @Benchmark
    @OperationsPerInvocation(NODES)
    public int chain() {
        nowNs += 1_000;
        chain.scheduleNow(chainRoot);
        return chain.runCycle();
    }

    /** A root with NODES - 1 children: one cycle runs the root and then one bucket of NODES - 1 nodes. */
    @Benchmark
    @OperationsPerInvocation(NODES)
    public int fanOut() {
        nowNs += 1_000;
        fanOut.scheduleNow(fanOutRoot);
        return fanOut.runCycle();
    }
}
