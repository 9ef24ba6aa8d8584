package io.elara.node.flow.bench;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.identity.NodeId;
import io.elara.node.DeliveredEvent;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.channel.Message;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.node.flow.DeadLetter;
import io.elara.node.flow.FlowEngine;
import io.elara.node.flow.FlowEvent;
import io.elara.node.flow.FlowIo;
import io.elara.node.flow.StepSpec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * Cost per event through a flow's non-blocking steps on one thread: the input channel, the source node, a filter, a
 * transform template and a reply (whose send is a completed future). One invocation offers {@link #BATCH} events and
 * runs the executor until they have crossed; JMH divides by the batch. Run with {@code -prof gc} for bytes per event.
 *
 * <pre>./mvnw -Pbench -pl node-core -am test-compile exec:exec -Djmh.args="FlowBenchmark -prof gc"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlowBenchmark {
    static final int BATCH = 128;

    private static final CompletableFuture<SendResult> SENT = CompletableFuture.completedFuture(
            new SendResult(new EventId(1, 1), java.util.List.of(), java.util.Map.of()));

    private final long nowNs = 1_767_225_600_000_000_000L;
    private DataflowExecutor executor;
    private FlowEngine engine;
    private DeliveredEvent[] events;
    private long sent;

    @Setup
    public void setUp() throws ConfigException {
        NodeConfig config = NodeConfig.builder("bot")
                .peer("alice", "127.0.0.1:7001")
                .session("lobby", "alice")
                .flowsYaml("""
                        - name: echo
                          steps:
                            - filter: 'kind == "text" and not text startsWith "/"'
                            - transform: '{author}: {text}'
                            - reply: 'echo {text}'
                        """)
                .build();
        executor = new DataflowExecutor(() -> nowNs);
        engine = new FlowEngine(config.flows(), executor, new CountingIo(), () -> nowNs, 256);
        events = new DeliveredEvent[BATCH];
        byte[] key = new byte[NodeId.LENGTH];
        key[0] = 1;
        for (int i = 0; i < BATCH; i++) {
            Event event = new Event(
                    new EventId(i, i),
                    SessionId.forName("lobby"),
                    NodeId.of(key),
                    "alice",
                    Hlc.pack(1_767_225_600_000L, i),
                    EventKind.TEXT,
                    "message number " + i);
            events[i] = new DeliveredEvent(event, "lobby", false, "alice");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long filterTransformReply() {
        for (DeliveredEvent event : events) {
            engine.offer(event);
        }
        while (executor.runCycle() > 0) {
            // until the batch has crossed every step
        }
        return sent;
    }

    private final class CountingIo implements FlowIo {
        @Override
        public Message<FlowEvent> effect(String flow, StepSpec step, Message<FlowEvent> message) {
            return message;
        }

        @Override
        public Executor worker(String flow, StepSpec step) {
            return Runnable::run;
        }

        @Override
        public CompletableFuture<SendResult> send(SendTarget target, String text) {
            sent++;
            return SENT;
        }

        @Override
        public void deadLetter(DeadLetter letter) {
            throw new IllegalStateException(letter.reason());
        }
    }
}
