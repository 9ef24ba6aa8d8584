package io.elara.node.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.testing.clock.ManualClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Goal: the same graph and the same input schedule give the same execution trace, and every cycle keeps the order
 * rules. Method: for each of many seeds, build a random graph and drive it with random inputs (scheduling, clock
 * steps, timers, yields, sweeps, spawns, failures), twice from scratch; compare the traces and check each cycle.
 */
class DataflowDeterminismTest {
    private static final int SEEDS = 200;
    private static final int NODES_MAX = 40;
    private static final int CYCLES = 60;
    private static final long MS_NS = 1_000_000L;

    /** A failure without a stack trace, so that the warnings it causes stay one line each. */
    private static final class SeededFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SeededFailure() {
            super("seeded failure", null, false, false);
        }
    }

    /** One entry per node run: cycle, label, depth. */
    private record Step(long cycle, int label, int depth) {}

    @Test
    void shouldProduceIdenticalTracesWhenSameSeedRunsTwice() {
        for (int seed = 0; seed < SEEDS; seed++) {
            List<Step> first = run(seed);
            List<Step> second = run(seed);
            assertThat(second).as("trace of seed %d", seed).isEqualTo(first);
            assertThat(first).as("seed %d ran something", seed).isNotEmpty();
            checkCycles(seed, first);
        }
    }

    private static void checkCycles(int seed, List<Step> trace) {
        Set<Integer> ranInCycle = new HashSet<>();
        long cycle = -1;
        int depth = -1;
        for (Step step : trace) {
            if (step.cycle() != cycle) {
                cycle = step.cycle();
                depth = -1;
                ranInCycle.clear();
            }
            assertThat(ranInCycle.add(step.label()))
                    .as("seed %d: label %d ran twice in cycle %d", seed, step.label(), cycle)
                    .isTrue();
            assertThat(step.depth())
                    .as("seed %d: depth order in cycle %d", seed, cycle)
                    .isGreaterThanOrEqualTo(depth);
            depth = step.depth();
        }
    }

    /** A graph whose behaviour, inputs and structure all come from {@code seed}. */
    private static final class World {
        final ManualClock clock = new ManualClock();
        final DataflowExecutor executor = new DataflowExecutor(clock::nowNs);
        final Random random;
        final List<Step> trace = new ArrayList<>();
        final List<GraphNode<Integer>> nodes = new ArrayList<>();
        int nextLabel;

        World(long seed) {
            random = new Random(seed);
        }

        GraphNode<Integer> addNode() {
            List<GraphNode<Integer>> live = new ArrayList<>();
            for (GraphNode<Integer> node : nodes) {
                if (node.isLive()) {
                    live.add(node);
                }
            }
            NodeBuilder<Integer> builder = executor.node(nextLabel++);
            int parents = live.isEmpty() ? 0 : random.nextInt(Math.min(3, live.size()) + 1);
            for (int i = 0; i < parents; i++) {
                GraphNode<Integer> parent = live.get(random.nextInt(live.size()));
                if (random.nextInt(4) == 0) {
                    builder.observes(parent);
                } else {
                    builder.triggeredBy(parent);
                }
            }
            if (random.nextBoolean()) {
                builder.restartWith(() -> nextLabel++);
            }
            GraphNode<Integer> node = builder.build(this::cycle);
            nodes.add(node);
            return node;
        }

        Control cycle(Integer label, CycleContext context) {
            trace.add(new Step(context.cycle(), label, context.self().depth()));
            int roll = random.nextInt(100);
            if (roll < 55) {
                return Control.BROADCAST;
            }
            if (roll < 80) {
                return Control.UNCHANGED;
            }
            if (roll < 85) {
                return Control.SWEEP;
            }
            if (roll < 88) {
                throw new SeededFailure();
            }
            if (roll < 92) {
                context.yieldNow();
            } else if (roll < 96) {
                context.scheduleTimer(context.nowNs() + (1 + random.nextInt(5)) * MS_NS);
            } else if (nextLabel < NODES_MAX * 2) {
                context.spawn(executor -> addNode());
            }
            return Control.UNCHANGED;
        }
    }

    private static List<Step> run(long seed) {
        World world = new World(seed);
        int nodeCount = 1 + world.random.nextInt(NODES_MAX);
        for (int i = 0; i < nodeCount; i++) {
            world.addNode();
        }
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            int inputs = world.random.nextInt(4);
            for (int i = 0; i < inputs; i++) {
                GraphNode<Integer> target = world.nodes.get(world.random.nextInt(world.nodes.size()));
                if (!target.isLive()) {
                    continue;
                }
                if (world.random.nextBoolean()) {
                    world.executor.scheduleNow(target);
                } else {
                    world.executor.scheduleTimer(target, world.clock.nowNs() + world.random.nextInt(10) * MS_NS);
                }
            }
            world.clock.advanceNs(world.random.nextInt(3) * MS_NS);
            world.executor.runCycle();
        }
        return world.trace;
    }
}
