package io.elara.node.dataflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.testing.clock.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataflowExecutorTest {
    private static final long MS_NS = 1_000_000L;

    private final ManualClock clock = new ManualClock();
    private final DataflowExecutor executor = new DataflowExecutor(clock::nowNs);
    private final List<String> trace = new ArrayList<>();

    /** A node that records its name and answers {@code control}. */
    private GraphNode<String> node(String name, Control control, GraphNode<?>... triggers) {
        return executor.node(name).triggeredBy(triggers).build((state, context) -> {
            trace.add(state);
            return control;
        });
    }

    @Test
    void shouldRunNodesInDepthOrderWithIdTieBreakWhenRootBroadcasts() {
        GraphNode<String> root = node("root", Control.BROADCAST);
        GraphNode<String> deep = node("deep", Control.UNCHANGED); // depth set below through its parents
        assertThat(deep.depth()).isZero();
        GraphNode<String> b = node("b", Control.BROADCAST, root);
        GraphNode<String> a = node("a", Control.BROADCAST, root);
        GraphNode<String> c = node("c", Control.BROADCAST, a, b);
        node("d", Control.UNCHANGED, c);
        node("e", Control.UNCHANGED, root);

        executor.scheduleNow(root);
        executor.runCycle();

        // b was built before a, so it has the lower id and runs first among depth-1 nodes; e (depth 1) also runs
        // before c (depth 2) although it was built last.
        assertThat(b.id()).isLessThan(a.id());
        assertThat(trace).containsExactly("root", "b", "a", "e", "c", "d");
    }

    @Test
    void shouldRunNodeOnceWhenSeveralParentsBroadcastInOneCycle() {
        GraphNode<String> left = node("left", Control.BROADCAST);
        GraphNode<String> right = node("right", Control.BROADCAST);
        node("join", Control.UNCHANGED, left, right);

        executor.scheduleNow(left);
        executor.scheduleNow(right);
        executor.scheduleNow(left);
        int ran = executor.runCycle();

        assertThat(trace).containsExactly("left", "right", "join");
        assertThat(ran).isEqualTo(3);
    }

    @Test
    void shouldNotScheduleObserverWhenObservedParentBroadcasts() {
        GraphNode<String> observed = node("observed", Control.BROADCAST);
        GraphNode<String> trigger = node("trigger", Control.BROADCAST);
        List<Boolean> seen = new ArrayList<>();
        executor.node("observer").observes(observed).triggeredBy(trigger).build((state, context) -> {
            seen.add(context.hasChanged(observed));
            trace.add(state);
            return Control.UNCHANGED;
        });

        executor.scheduleNow(observed);
        executor.runCycle();
        assertThat(trace).containsExactly("observed");

        executor.scheduleNow(observed);
        executor.scheduleNow(trigger);
        executor.runCycle();
        executor.scheduleNow(trigger);
        executor.runCycle();

        assertThat(trace).containsExactly("observed", "observed", "trigger", "observer", "trigger", "observer");
        assertThat(seen).containsExactly(true, false);
    }

    @Test
    void shouldSweepChildrenLeftWithoutParentWhenParentSweeps() {
        List<String> dropped = new ArrayList<>();
        GraphNode<String> doomed = node("doomed", Control.SWEEP);
        GraphNode<String> other = node("other", Control.UNCHANGED);
        GraphNode<String> onlyChild = executor.node("onlyChild")
                .triggeredBy(doomed)
                .onDrop(dropped::add)
                .build((state, context) -> Control.UNCHANGED);
        GraphNode<String> grandChild = executor.node("grandChild")
                .observes(onlyChild)
                .onDrop(dropped::add)
                .build((state, context) -> Control.UNCHANGED);
        GraphNode<String> sharedChild = node("sharedChild", Control.UNCHANGED, doomed, other);

        executor.scheduleNow(doomed);
        executor.runCycle();

        assertThat(doomed.isLive()).isFalse();
        assertThat(onlyChild.isLive()).isFalse();
        assertThat(grandChild.isLive()).isFalse();
        assertThat(sharedChild.isLive()).isTrue();
        assertThat(dropped).containsExactly("onlyChild", "grandChild");
        assertThat(executor.liveNodeCount()).isEqualTo(2);
    }

    @Test
    void shouldKeepOneEdgeWhenParentIsNamedTwice() {
        GraphNode<String> parent = node("parent", Control.BROADCAST);
        GraphNode<String> child = executor.node("child")
                .triggeredBy(parent, parent)
                .observes(parent)
                .build((state, context) -> Control.SWEEP);
        executor.scheduleNow(parent);
        executor.runCycle();
        assertThat(child.isLive()).isFalse();

        // The swept child's id goes to the next node; the parent must not trigger it through a stale edge.
        GraphNode<String> unrelated = node("unrelated", Control.UNCHANGED);
        assertThat(unrelated.id()).isEqualTo(child.id());
        executor.scheduleNow(parent);
        executor.runCycle();

        assertThat(trace).containsExactly("parent", "parent");
    }

    @Test
    void shouldAttachSpawnedSubgraphAfterCycleWhenSpawnedDuringIt() {
        GraphNode<String> source = node("source", Control.BROADCAST);
        List<GraphNode<String>> spawned = new ArrayList<>();
        executor.node("spawner").triggeredBy(source).build((state, context) -> {
            trace.add(state);
            if (spawned.isEmpty()) {
                context.spawn(graph -> spawned.add(node("worker", Control.UNCHANGED, source)));
            }
            return Control.UNCHANGED;
        });

        executor.scheduleNow(source);
        executor.runCycle();
        assertThat(trace).containsExactly("source", "spawner");
        assertThat(spawned).hasSize(1);
        assertThat(spawned.get(0).isLive()).isTrue();

        executor.scheduleNow(source);
        executor.runCycle();
        assertThat(trace).containsExactly("source", "spawner", "source", "spawner", "worker");
    }

    @Test
    void shouldRejectNodeBuiltDirectlyWhenInsideCycle() {
        GraphNode<String> builder = executor.node("builder").build((state, context) -> {
            node("illegal", Control.UNCHANGED);
            return Control.UNCHANGED;
        });

        executor.scheduleNow(builder);
        executor.runCycle();

        assertThat(executor.errorCount()).isEqualTo(1);
        assertThat(builder.isLive()).isFalse();
    }

    @Test
    void shouldFireOneShotTimerOnceWhenManualClockReachesDeadline() {
        GraphNode<String> timed = node("timed", Control.UNCHANGED);
        long deadlineNs = clock.nowNs() + 10 * MS_NS;
        executor.scheduleTimer(timed, deadlineNs);
        assertThat(executor.nextDeadlineNs()).isEqualTo(deadlineNs);

        clock.advanceNs(10 * MS_NS - 1);
        executor.runCycle();
        assertThat(trace).isEmpty();

        clock.advanceNs(1);
        executor.runCycle();
        clock.advanceNs(100 * MS_NS);
        executor.runCycle();

        assertThat(trace).containsExactly("timed");
        assertThat(executor.armedTimerCount()).isZero();
        assertThat(executor.nextDeadlineNs()).isEqualTo(DataflowExecutor.NO_DEADLINE);
    }

    @Test
    void shouldFirePeriodicTimerOncePerPeriodWhenClockAdvances() {
        List<Long> firedNs = new ArrayList<>();
        GraphNode<String> ticker = executor.node("ticker").build((state, context) -> {
            firedNs.add(context.nowNs());
            return Control.UNCHANGED;
        });
        long startNs = clock.nowNs();
        executor.schedulePeriodic(ticker, startNs + 5 * MS_NS, 5 * MS_NS);

        for (int ms = 1; ms <= 20; ms++) {
            clock.advanceNs(MS_NS);
            executor.runCycle();
        }
        // A cycle that comes late fires once and keeps the timer's phase.
        clock.advanceNs(12 * MS_NS);
        executor.runCycle();

        assertThat(firedNs)
                .containsExactly(
                        startNs + 5 * MS_NS,
                        startNs + 10 * MS_NS,
                        startNs + 15 * MS_NS,
                        startNs + 20 * MS_NS,
                        startNs + 32 * MS_NS);
        assertThat(executor.nextDeadlineNs()).isEqualTo(startNs + 35 * MS_NS);
    }

    @Test
    void shouldNotFireTimerWhenCancelledBeforeDeadline() {
        GraphNode<String> timed = node("timed", Control.UNCHANGED);
        long oneShot = executor.scheduleTimer(timed, clock.nowNs() + MS_NS);
        long periodic = executor.schedulePeriodic(timed, clock.nowNs() + MS_NS, MS_NS);
        long kept = executor.scheduleTimer(timed, clock.nowNs() + 3 * MS_NS);

        assertThat(executor.cancelTimer(oneShot)).isTrue();
        assertThat(executor.cancelTimer(periodic)).isTrue();
        assertThat(executor.cancelTimer(periodic)).isFalse();
        clock.advanceNs(2 * MS_NS);
        executor.runCycle();
        assertThat(trace).isEmpty();

        clock.advanceNs(MS_NS);
        executor.runCycle();
        assertThat(trace).containsExactly("timed");
        assertThat(executor.cancelTimer(kept)).isFalse();
    }

    @Test
    void shouldCancelTimersWhenNodeIsSwept() {
        GraphNode<String> doomed = node("doomed", Control.SWEEP);
        executor.schedulePeriodic(doomed, clock.nowNs() + MS_NS, MS_NS);
        executor.scheduleNow(doomed);
        executor.runCycle();

        assertThat(executor.armedTimerCount()).isZero();
    }

    @Test
    void shouldRunYieldingNodeInNextCycleWhenItYields() {
        int[] runs = {0};
        GraphNode<String> yielder = executor.node("yielder").build((state, context) -> {
            if (++runs[0] < 3) {
                context.yieldNow();
            }
            return Control.UNCHANGED;
        });
        executor.scheduleNow(yielder);

        for (int i = 0; i < 5; i++) {
            executor.runCycle();
        }

        assertThat(runs[0]).isEqualTo(3);
        assertThat(executor.nextDeadlineNs()).isEqualTo(DataflowExecutor.NO_DEADLINE);
    }

    @Test
    void shouldCountOverflowAndStillWakeEveryNodeWhenNotifyQueueIsFull() {
        DataflowExecutor small =
                new DataflowExecutor(clock::nowNs, ExecutorLimits.defaults().withNotifyQueueCapacity(1));
        List<Notifier> notifiers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "n" + i;
            GraphNode<String> woken = small.node(name).build((state, context) -> {
                trace.add(state);
                return Control.UNCHANGED;
            });
            notifiers.add(small.notifier(woken));
        }

        for (Notifier notifier : notifiers) {
            assertThat(notifier.wake()).isTrue();
        }
        assertThat(notifiers.get(0).wake()).isFalse();
        small.runCycle();

        assertThat(small.notifierOverflowCount()).isEqualTo(2);
        assertThat(trace).containsExactly("n0", "n1", "n2");
        small.runCycle();
        assertThat(trace).hasSize(3);
    }

    @Test
    void shouldSweepFailingNodeAndGoOnWhenCycleThrows() {
        GraphNode<String> root = node("root", Control.BROADCAST);
        GraphNode<String> failing = executor.node("failing").triggeredBy(root).build((state, context) -> {
            throw new IllegalStateException("boom");
        });
        node("sibling", Control.UNCHANGED, root);

        executor.scheduleNow(root);
        executor.runCycle();
        executor.scheduleNow(root);
        executor.runCycle();

        assertThat(executor.errorCount()).isEqualTo(1);
        assertThat(failing.isLive()).isFalse();
        assertThat(trace).containsExactly("root", "sibling", "root", "sibling");
    }

    @Test
    void shouldRestartWithFreshStateWhenPolicyIsRestart() {
        List<String> inits = new ArrayList<>();
        GraphNode<List<String>> flaky = executor.node((List<String>) new ArrayList<String>())
                .restartWith(ArrayList::new)
                .onInit((state, context) -> inits.add("init"))
                .build((state, context) -> {
                    state.add("run");
                    if (state.size() == 2) {
                        throw new IllegalArgumentException("second run fails");
                    }
                    return Control.UNCHANGED;
                });
        List<String> first = flaky.state();

        for (int i = 0; i < 3; i++) {
            executor.scheduleNow(flaky);
            executor.runCycle();
        }

        assertThat(flaky.isLive()).isTrue();
        assertThat(flaky.state()).isNotSameAs(first).containsExactly("run");
        assertThat(inits).containsExactly("init", "init");
        assertThat(executor.errorCount()).isEqualTo(1);
        assertThat(executor.restartCount()).isEqualTo(1);
    }

    @Test
    void shouldRethrowJvmErrorWhenCycleThrowsOne() {
        GraphNode<String> fatal = executor.node("fatal").build((state, context) -> {
            throw new StackOverflowError("simulated");
        });

        executor.scheduleNow(fatal);

        assertThatThrownBy(executor::runCycle).isInstanceOf(StackOverflowError.class);
        assertThat(executor.errorCount()).isZero();
    }

    @Test
    void shouldStopRunningNodesWhenOneTerminates() {
        GraphNode<String> root = node("root", Control.BROADCAST);
        node("stop", Control.TERMINATE, root);
        node("after", Control.UNCHANGED, root);

        executor.scheduleNow(root);
        executor.runCycle();

        assertThat(trace).containsExactly("root", "stop");
        assertThat(executor.isTerminated()).isTrue();
        assertThatThrownBy(executor::runCycle).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRunInitAtBuildAndDropAtRemovalWhenNodeLivesAndDies() {
        List<String> hooks = new ArrayList<>();
        GraphNode<String> node = executor.node("hooked")
                .onInit((state, context) -> {
                    hooks.add("init " + state);
                    context.yieldNow();
                })
                .onDrop(state -> hooks.add("drop " + state))
                .build((state, context) -> {
                    hooks.add("run " + state);
                    return Control.SWEEP;
                });
        assertThat(hooks).containsExactly("init hooked");

        executor.runCycle();

        assertThat(hooks).containsExactly("init hooked", "run hooked", "drop hooked");
        assertThat(node.isLive()).isFalse();
    }

    @Test
    void shouldDropEveryNodeWhenClosed() {
        List<String> dropped = new ArrayList<>();
        GraphNode<String> root =
                executor.node("root").onDrop(dropped::add).build((state, context) -> Control.UNCHANGED);
        executor.node("child").triggeredBy(root).onDrop(dropped::add).build((state, context) -> Control.UNCHANGED);

        executor.close();

        assertThat(dropped).containsExactly("root", "child");
        assertThat(executor.liveNodeCount()).isZero();
    }
}
