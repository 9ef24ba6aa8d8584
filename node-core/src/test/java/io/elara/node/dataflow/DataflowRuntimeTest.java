package io.elara.node.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.dataflow.runtime.DataflowRuntime;
import io.elara.node.dataflow.runtime.ExecutionMode;
import io.elara.node.transport.SystemClock;
import io.elara.testing.Await;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DataflowRuntimeTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    // Long enough that only a notifier, not the poll interval, can explain a prompt wake-up.
    private static final Duration PARK_INTERVAL_LONG = Duration.ofSeconds(60);
    private static final int WAKES = 10_000;

    private final SystemClock clock = new SystemClock();
    private final DataflowExecutor executor = new DataflowExecutor(clock);
    private Thread loop;
    private DataflowRuntime runtime;

    @AfterEach
    void stopLoop() throws InterruptedException {
        if (runtime != null) {
            runtime.stop();
        }
        if (loop != null) {
            loop.join(LIMIT.toMillis());
            assertThat(loop.isAlive()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void shouldSeeEveryPostedItemWhenAnotherThreadWakesTheNode(ExecutionMode mode) {
        ConcurrentLinkedQueue<Integer> inbox = new ConcurrentLinkedQueue<>();
        AtomicLong sum = new AtomicLong();
        GraphNode<ConcurrentLinkedQueue<Integer>> consumer = executor.node(inbox)
                .build((state, context) -> {
                    Integer item;
                    while ((item = state.poll()) != null) {
                        sum.addAndGet(item);
                    }
                    return Control.UNCHANGED;
                });
        Notifier notifier = executor.notifier(consumer);
        runtime = new DataflowRuntime(executor, clock, mode, PARK_INTERVAL_LONG);
        loop = runtime.start("dataflow-test");

        long expected = 0;
        for (int i = 1; i <= WAKES; i++) {
            inbox.add(i);
            expected += i;
            notifier.wake();
        }

        long total = expected;
        Await.until(() -> sum.get() == total, LIMIT, () -> "sum " + total + ", seen " + sum.get());
        assertThat(inbox).isEmpty();
    }

    @Test
    void shouldFireTimerWhenParkedUntilItsDeadline() {
        AtomicInteger fired = new AtomicInteger();
        executor.node("timed")
                .onInit((state, context) -> context.scheduleTimer(
                        context.nowNs() + Duration.ofMillis(20).toNanos()))
                .build((state, context) -> {
                    fired.incrementAndGet();
                    return Control.UNCHANGED;
                });
        runtime = new DataflowRuntime(executor, clock, ExecutionMode.PARK, PARK_INTERVAL_LONG);
        loop = runtime.start("dataflow-test");

        Await.until(() -> fired.get() == 1, LIMIT, "the timer to fire");
    }

    @Test
    void shouldEndLoopAndDropNodesWhenNodeTerminates() throws InterruptedException {
        AtomicInteger dropped = new AtomicInteger();
        GraphNode<String> stopper = executor.node("stopper")
                .onDrop(state -> dropped.incrementAndGet())
                .build((state, context) -> Control.TERMINATE);
        Notifier notifier = executor.notifier(stopper);
        DataflowRuntime terminating = new DataflowRuntime(executor, clock, ExecutionMode.PARK, PARK_INTERVAL_LONG);
        Thread thread = terminating.start("dataflow-test");

        notifier.wake();
        thread.join(LIMIT.toMillis());

        assertThat(thread.isAlive()).isFalse();
        assertThat(executor.isTerminated()).isTrue();
        assertThat(dropped.get()).isEqualTo(1);
    }
}
