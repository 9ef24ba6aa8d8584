package io.elara.node.channel.bench;

import io.elara.node.channel.Message;
import io.elara.node.channel.OverflowPolicy;
import io.elara.node.channel.QueueChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Hand-off between two threads: one producer offers, one consumer polls, through one {@link QueueChannel}. Each
 * operation is one message that made it across: the producer retries a refused offer and the consumer retries an
 * empty poll inside the operation, so neither side's score counts failures. The secondary results {@code offer} and
 * {@code poll} are therefore each the message rate; the group's primary score is their sum (twice the message rate).
 * The message is allocated once, so {@code -prof gc} shows what the channel itself allocates per message.
 *
 * <pre>./mvnw -Pbench -pl node-core -am test-compile exec:exec -Djmh.args="QueueChannelBenchmark -prof gc"</pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class QueueChannelBenchmark {
    /** Slots; a large ring also rides out the moments when this shared machine runs only one of the two threads. */
    @Param({"1024", "65536"})
    int capacity;

    /** FAIL: the consumer takes with a plain store; DROP_OLDEST: it takes with a CAS, since producers may evict. */
    @Param({"FAIL", "DROP_OLDEST"})
    OverflowPolicy policy;

    private QueueChannel<String> channel;
    private final Message<String> message = Message.of(1L, "body", 0L);

    @Setup(Level.Iteration)
    public void setUp() {
        channel = QueueChannel.<String>builder(capacity)
                .overflow(policy)
                .wakeUp(() -> {})
                .build();
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean offer(Control control) {
        while (!channel.offer(message).accepted()) {
            if (control.stopMeasurement) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public Message<String> poll(Control control) {
        Message<String> taken;
        while ((taken = channel.poll()) == null) {
            if (control.stopMeasurement) {
                return null;
            }
            Thread.onSpinWait();
        }
        return taken;
    }

    @Benchmark
    @Group("handoffSpin")
    @GroupThreads(1)
    public boolean offerToSpinner(Control control) {
        return offer(control);
    }

    /** A consumer that never sleeps, so never arms the wake-up. */
    @Benchmark
    @Group("handoffSpin")
    @GroupThreads(1)
    public Message<String> tryPoll(Control control) {
        Message<String> taken;
        while ((taken = channel.tryPoll()) == null) {
            if (control.stopMeasurement) {
                return null;
            }
            Thread.onSpinWait();
        }
        return taken;
    }
}
