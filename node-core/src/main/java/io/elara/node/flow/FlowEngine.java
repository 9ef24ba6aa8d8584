package io.elara.node.flow;

import io.elara.node.DeliveredEvent;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.channel.Message;
import io.elara.node.channel.OfferResult;
import io.elara.node.channel.OverflowPolicy;
import io.elara.node.channel.QueueChannel;
import io.elara.node.dataflow.Control;
import io.elara.node.dataflow.CycleContext;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.dataflow.GraphNode;
import io.elara.node.dataflow.Notifier;
import io.elara.node.flow.StepSpec.AggregateStep;
import io.elara.node.flow.StepSpec.FilterStep;
import io.elara.node.flow.StepSpec.ReplyStep;
import io.elara.node.flow.StepSpec.RouteStep;
import io.elara.node.flow.StepSpec.SendStep;
import io.elara.node.flow.StepSpec.SplitStep;
import io.elara.node.flow.StepSpec.TransformStep;
import io.elara.node.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a node's flows as nodes of a {@link DataflowExecutor}: one source node that takes delivered events from a
 * {@link QueueChannel} (filled on the node's loop thread by {@link #offer}), then one node per step, each triggered by
 * the step before it; a route step triggers the first step of each flow it routes to. So one cycle carries a batch of
 * events through every step that does not block, in a fixed order.
 *
 * <p>Blocking steps (stdout, file, exec, webhook, pipeline) hand each message to their own worker from {@link FlowIo}
 * — one at a time, in order, at most {@link #IN_FLIGHT_MAX} outstanding — and pass on the results when the worker
 * posts them back through a channel that wakes the step. A reply or send completes later on the node's thread; a
 * failure comes back the same way. Whatever cannot be delivered becomes a {@link DeadLetter} with the reason; nothing
 * is dropped silently. Bounds: the input channel's capacity, {@link #BACKLOG_MAX} messages waiting at a blocking step,
 * the aggregate steps' group limits.
 *
 * <p>Threads: {@link #offer} and {@link #counters} from any thread; everything else on the executor's thread.
 */
public final class FlowEngine {
    /** Events waiting to enter the flows, by default. */
    public static final int INPUT_CAPACITY_DEFAULT = 4096;
    /** Events the source takes per cycle before letting the steps run. */
    static final int DRAIN_PER_CYCLE = 256;
    /** Messages a blocking step has on its worker at once. */
    public static final int IN_FLIGHT_MAX = 64;
    /** Messages waiting at a blocking step (beyond those in flight) before new ones become dead letters. */
    public static final int BACKLOG_MAX = 4096;

    private final DataflowExecutor executor;
    private final FlowIo io;
    private final Clock clock;
    private final QueueChannel<FlowEvent> input;
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong inputDropped = new AtomicLong();
    private long delivered;
    private long completed;
    /** Also counted from the node's thread, when a reply or send fails. */
    private final AtomicLong deadLetters = new AtomicLong();

    /**
     * Builds the graph on {@code executor}.
     *
     * @param specs validated flows (route targets exist, routes form no cycle)
     * @param clock the clock stamped on messages as they enter (read on the offering thread)
     */
    public FlowEngine(List<FlowSpec> specs, DataflowExecutor executor, FlowIo io, Clock clock, int inputCapacity) {
        this.executor = executor;
        this.io = io;
        this.clock = clock;
        Source source = new Source();
        GraphNode<Source> sourceNode = executor.node(source).build(this::runSource);
        Notifier wake = executor.notifier(sourceNode);
        this.input = QueueChannel.<FlowEvent>builder(inputCapacity)
                .overflow(OverflowPolicy.DROP_NEWEST)
                .wakeUp(wake::wake)
                .build();

        // Build flows after every flow that routes to them: a node's parents must exist before it.
        Map<String, FlowSpec> byName = new LinkedHashMap<>();
        specs.forEach(spec -> byName.put(spec.name(), spec));
        Map<String, List<GraphNode<Step>>> routeParents = new HashMap<>();
        Map<String, Step> firstSteps = new HashMap<>();
        for (FlowSpec spec : routeOrder(specs)) {
            List<GraphNode<?>> parents = new ArrayList<>(routeParents.getOrDefault(spec.name(), List.of()));
            if (spec.source() == FlowSpec.Source.EVENTS) {
                parents.add(0, sourceNode);
            }
            Step previous = null;
            for (StepSpec stepSpec : spec.steps()) {
                Step step = new Step(spec.name(), stepSpec);
                GraphNode<Step> node = executor.node(step)
                        .triggeredBy(parents.toArray(new GraphNode<?>[0]))
                        .build(this::runStep);
                if (stepSpec.blocking()) {
                    Notifier notifier = executor.notifier(node);
                    step.done = QueueChannel.<Outcome>builder(2 * IN_FLIGHT_MAX)
                            .wakeUp(notifier::wake)
                            .build();
                    step.worker = io.worker(spec.name(), stepSpec);
                }
                if (previous == null) {
                    firstSteps.put(spec.name(), step);
                    if (spec.source() == FlowSpec.Source.EVENTS) {
                        source.flows.add(new Entry(spec, step));
                    }
                } else {
                    previous.next = step;
                }
                if (stepSpec instanceof RouteStep route) {
                    for (StepSpec.Route r : route.routes()) {
                        routeParents
                                .computeIfAbsent(r.flow(), k -> new ArrayList<>())
                                .add(node);
                    }
                }
                previous = step;
                parents = List.of(node);
            }
        }
        // Route steps reach their targets' first steps (built later, so linked now).
        for (Step first : firstSteps.values()) {
            linkRoutes(first, firstSteps);
        }
    }

    private static void linkRoutes(Step step, Map<String, Step> firstSteps) {
        for (Step s = step; s != null; s = s.next) {
            if (s.spec instanceof RouteStep route && s.routeTargets == null) {
                s.routeTargets = new ArrayList<>();
                for (StepSpec.Route r : route.routes()) {
                    s.routeTargets.add(firstSteps.get(r.flow()));
                }
            }
        }
    }

    /** The flows ordered so that each comes after every flow that routes to it (the config rejects cycles). */
    static List<FlowSpec> routeOrder(List<FlowSpec> specs) {
        Map<String, Integer> incoming = new HashMap<>();
        specs.forEach(spec -> incoming.put(spec.name(), 0));
        for (FlowSpec spec : specs) {
            for (String target : routeTargets(spec)) {
                incoming.merge(target, 1, Integer::sum);
            }
        }
        List<FlowSpec> ordered = new ArrayList<>();
        List<FlowSpec> remaining = new ArrayList<>(specs);
        while (!remaining.isEmpty()) {
            FlowSpec ready = null;
            for (FlowSpec spec : remaining) {
                if (incoming.get(spec.name()) == 0) {
                    ready = spec;
                    break;
                }
            }
            if (ready == null) {
                throw new IllegalArgumentException("the flows' routes form a cycle");
            }
            remaining.remove(ready);
            ordered.add(ready);
            for (String target : routeTargets(ready)) {
                incoming.merge(target, -1, Integer::sum);
            }
        }
        return ordered;
    }

    /** The flows {@code spec} routes to, each once. */
    static List<String> routeTargets(FlowSpec spec) {
        List<String> targets = new ArrayList<>();
        for (StepSpec step : spec.steps()) {
            if (step instanceof RouteStep route) {
                for (StepSpec.Route r : route.routes()) {
                    if (!targets.contains(r.flow())) {
                        targets.add(r.flow());
                    }
                }
            }
        }
        return targets;
    }

    /**
     * Hands a delivered event to the flows; never blocks. Returns false, and counts it, when the input is full. Any
     * thread (in a node: its loop thread, from an event listener).
     */
    public boolean offer(DeliveredEvent event) {
        Message<FlowEvent> message = Message.builder(nextId.getAndIncrement(), FlowEvent.of(event))
                .createdNs(clock.nowNs())
                .build();
        OfferResult result = input.offer(message);
        if (result != OfferResult.ACCEPTED) {
            inputDropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** What the flows have done so far. Exact on the executor's thread; a snapshot elsewhere. */
    public Counters counters() {
        return new Counters(delivered, completed, deadLetters.get(), inputDropped.get());
    }

    /**
     * What the flows have done.
     *
     * @param entered events that entered at least one flow
     * @param completed messages that came out of a flow's last step
     * @param deadLetters messages given up, with a reason, to the dead-letter store
     * @param inputDropped events that found the input full
     */
    public record Counters(long entered, long completed, long deadLetters, long inputDropped) {}

    private record Entry(FlowSpec spec, Step first) {}

    private static final class Source {
        final List<Entry> flows = new ArrayList<>();
    }

    /** A finished blocking call or send: what to pass on, or why it failed. */
    private record Outcome(Message<FlowEvent> in, Message<FlowEvent> out, String failure) {}

    private static final class Step {
        final String flow;
        final StepSpec spec;
        final ArrayDeque<Message<FlowEvent>> inbox = new ArrayDeque<>();
        Step next;
        List<Step> routeTargets;
        QueueChannel<Outcome> done;
        Executor worker;
        int inFlight;
        /** Aggregate state: groups by key, oldest first, so the first group has the earliest deadline. */
        final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();

        long timerId = DataflowExecutor.TIMER_REJECTED;
        long timerDeadlineNs;

        Step(String flow, StepSpec spec) {
            this.flow = flow;
            this.spec = spec;
        }
    }

    private static final class Group {
        final Message<FlowEvent> first;
        final long deadlineNs;
        final StringBuilder text = new StringBuilder();
        int count;

        Group(Message<FlowEvent> first, long deadlineNs) {
            this.first = first;
            this.deadlineNs = deadlineNs;
        }
    }

    private Control runSource(Source source, CycleContext context) {
        int[] entered = {0};
        int taken = input.drain(
                message -> {
                    Message<FlowEvent> stamped = message.withSentNs(context.nowNs());
                    FlowEvent body = stamped.body();
                    boolean any = false;
                    for (Entry entry : source.flows) {
                        if (entry.spec().accepts(body.session(), body.local())) {
                            entry.first().inbox.add(stamped);
                            any = true;
                        }
                    }
                    if (any) {
                        entered[0]++;
                    }
                },
                DRAIN_PER_CYCLE);
        if (taken == DRAIN_PER_CYCLE) {
            context.yieldNow();
        }
        delivered += entered[0];
        return entered[0] > 0 ? Control.BROADCAST : Control.UNCHANGED;
    }

    private Control runStep(Step step, CycleContext context) {
        boolean passed = false;
        if (step.done != null) {
            Message<Outcome> done;
            while ((done = step.done.poll()) != null) {
                Outcome outcome = done.body();
                if (step.spec.blocking()) {
                    step.inFlight--;
                }
                if (outcome.failure() != null) {
                    deadLetter(step, outcome.in(), outcome.failure(), context.nowNs());
                } else if (outcome.out() != null) {
                    passed |= pass(step, outcome.out());
                }
            }
        }
        if (step.spec.blocking()) {
            submit(step, context);
        } else {
            Message<FlowEvent> message;
            while ((message = step.inbox.poll()) != null) {
                passed |= handle(step, message, context);
            }
            if (step.spec instanceof AggregateStep) {
                passed |= expire(step, context);
            }
        }
        return passed ? Control.BROADCAST : Control.UNCHANGED;
    }

    /** Hands waiting messages to the worker, up to the in-flight limit; dead-letters what exceeds the backlog. */
    private void submit(Step step, CycleContext context) {
        while (step.inbox.size() > BACKLOG_MAX) {
            deadLetter(
                    step,
                    step.inbox.pollLast(),
                    "step backlog full (" + BACKLOG_MAX + " messages waiting for the worker)",
                    context.nowNs());
        }
        while (step.inFlight < IN_FLIGHT_MAX && !step.inbox.isEmpty()) {
            Message<FlowEvent> message = step.inbox.poll();
            step.inFlight++;
            try {
                step.worker.execute(() -> work(step, message));
            } catch (RejectedExecutionException e) {
                step.inFlight--;
                deadLetter(step, message, "the step's worker has stopped", context.nowNs());
            }
        }
    }

    /** On the worker's thread: the blocking call, its outcome posted back to the step. */
    private void work(Step step, Message<FlowEvent> message) {
        Outcome outcome;
        try {
            outcome = new Outcome(message, io.effect(step.flow, step.spec, message), null);
        } catch (FlowIo.FlowFailure e) {
            outcome = new Outcome(message, null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome(message, null, "the node stopped before the step finished");
        } catch (RuntimeException e) {
            outcome = new Outcome(message, null, "the step failed: " + e);
        }
        // The channel holds twice the in-flight limit, so this never finds it full.
        step.done.offer(Message.of(message.id(), outcome, message.createdNs()));
    }

    private boolean handle(Step step, Message<FlowEvent> message, CycleContext context) {
        StepSpec spec = step.spec;
        if (spec instanceof FilterStep filter) {
            return filter.filter().test(FlowEvent.subject(message)) && pass(step, message);
        } else if (spec instanceof TransformStep transform) {
            String text = render(transform.template(), message, step.flow);
            return pass(step, FlowEvent.withText(message, text));
        } else if (spec instanceof SplitStep split) {
            String[] parts = split.separator().split(message.body().text(), split.partsMax());
            boolean passed = false;
            int index = 0;
            for (String part : parts) {
                if (!part.isEmpty()) {
                    index++;
                    Message<FlowEvent> piece = Message.builder(
                                    nextId.getAndIncrement(), message.body().withText(part))
                            .correlationId(message.id())
                            .createdNs(message.createdNs())
                            .sentNs(message.sentNs())
                            .build();
                    passed |= pass(step, headers(piece, message, "part", Integer.toString(index)));
                }
            }
            return passed;
        } else if (spec instanceof AggregateStep aggregate) {
            return aggregate(step, aggregate, message, context);
        } else if (spec instanceof RouteStep route) {
            List<StepSpec.Route> routes = route.routes();
            for (int i = 0; i < routes.size(); i++) {
                StepSpec.Route r = routes.get(i);
                if (r.when() == null || r.when().test(FlowEvent.subject(message))) {
                    step.routeTargets.get(i).inbox.add(message);
                    return true;
                }
            }
            completed++;
            return false;
        } else if (spec instanceof ReplyStep reply) {
            FlowEvent body = message.body();
            SendTarget target;
            if (!"direct".equals(body.session())) {
                target = SendTarget.session(body.session());
            } else if (body.from() != null) {
                target = SendTarget.peer(body.from());
            } else {
                deadLetter(step, message, "a direct message this node sent has no sender to reply to", context.nowNs());
                return false;
            }
            send(step, message, target, render(reply.template(), message, step.flow), context.nowNs());
            return pass(step, message);
        } else if (spec instanceof SendStep send) {
            send(step, message, send.target(), render(send.template(), message, step.flow), context.nowNs());
            return pass(step, message);
        }
        throw new IllegalStateException("not a non-blocking step: " + spec);
    }

    /** Sends; a failure, reported later on the node's thread, becomes a dead letter there. */
    private void send(Step step, Message<FlowEvent> message, SendTarget target, String text, long nowNs) {
        CompletableFuture<SendResult> sent;
        try {
            sent = io.send(target, text);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        // What the returned future would report is handled right here.
        @SuppressWarnings("unused")
        CompletableFuture<?> handled = sent.whenComplete((result, error) -> {
            String failure = null;
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                failure = "send to " + target + " failed: " + cause.getMessage();
            } else if (!result.allAcknowledged()) {
                failure = "send to " + target + " not acknowledged: " + result.failures();
            }
            if (failure != null) {
                deadLetter(step, message, failure, nowNs);
            }
        });
    }

    private boolean aggregate(Step step, AggregateStep spec, Message<FlowEvent> message, CycleContext context) {
        boolean passed = false;
        String key = spec.key().apply(name -> FlowEvent.field(message, step.flow, name));
        Group group = step.groups.get(key);
        if (group == null) {
            if (step.groups.size() >= spec.groupsMax()) {
                // Full: the oldest group goes out early rather than anything being lost.
                Iterator<Map.Entry<String, Group>> oldest =
                        step.groups.entrySet().iterator();
                Group evicted = oldest.next().getValue();
                oldest.remove();
                passed |= pass(step, joined(evicted));
            }
            group = new Group(message, context.nowNs() + spec.timeoutNs());
            step.groups.put(key, group);
        } else {
            group.text.append(spec.separator());
        }
        group.text.append(message.body().text());
        group.count++;
        if (group.count >= spec.count()) {
            step.groups.remove(key);
            passed |= pass(step, joined(group));
        }
        armTimer(step, context);
        return passed;
    }

    private boolean expire(Step step, CycleContext context) {
        boolean passed = false;
        Iterator<Group> groups = step.groups.values().iterator();
        while (groups.hasNext()) {
            Group group = groups.next();
            if (group.deadlineNs > context.nowNs()) {
                break; // oldest first: the rest are due later
            }
            groups.remove();
            passed |= pass(step, joined(group));
        }
        armTimer(step, context);
        return passed;
    }

    /** Keeps one timer per aggregate step, at the oldest group's deadline. */
    private void armTimer(Step step, CycleContext context) {
        long due = step.groups.isEmpty()
                ? DataflowExecutor.NO_DEADLINE
                : step.groups.values().iterator().next().deadlineNs;
        if (step.timerId != DataflowExecutor.TIMER_REJECTED && step.timerDeadlineNs == due) {
            return;
        }
        if (step.timerId != DataflowExecutor.TIMER_REJECTED) {
            context.cancelTimer(step.timerId);
            step.timerId = DataflowExecutor.TIMER_REJECTED;
        }
        if (due != DataflowExecutor.NO_DEADLINE) {
            step.timerId = context.scheduleTimer(due);
            step.timerDeadlineNs = due;
            if (step.timerId == DataflowExecutor.TIMER_REJECTED) {
                // No timer slot: look again next cycle rather than hold a group forever.
                context.yieldNow();
            }
        }
    }

    private Message<FlowEvent> joined(Group group) {
        Message<FlowEvent> first = group.first;
        Message<FlowEvent> out = Message.builder(
                        nextId.getAndIncrement(), first.body().withText(group.text.toString()))
                .correlationId(first.id())
                .createdNs(first.createdNs())
                .sentNs(first.sentNs())
                .build();
        return headers(out, first, "aggregated", Integer.toString(group.count));
    }

    /** {@code message} with {@code original}'s headers plus {@code name: value}. */
    private static Message<FlowEvent> headers(
            Message<FlowEvent> message, Message<FlowEvent> original, String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(original.headers());
        headers.put(name, value);
        if (headers.size() > Message.HEADERS_MAX) {
            headers.remove(name);
        }
        return new Message<>(
                message.id(), message.correlationId(), message.createdNs(), message.sentNs(), headers, message.body());
    }

    /** Puts {@code message} in the next step's inbox, or counts it complete at the end of the flow. */
    private boolean pass(Step step, Message<FlowEvent> message) {
        if (step.next == null) {
            completed++;
            return false;
        }
        step.next.inbox.add(message);
        return true;
    }

    private void deadLetter(Step step, Message<FlowEvent> message, String reason, long nowNs) {
        deadLetters.incrementAndGet();
        io.deadLetter(new DeadLetter(step.flow, step.spec.label(), reason, message, nowNs));
    }

    static String render(io.elara.node.pipeline.text.TextTemplate template, Message<FlowEvent> message, String flow) {
        return template.apply(name -> FlowEvent.field(message, flow, name));
    }

    /** The executor the flows run on. */
    public DataflowExecutor executor() {
        return executor;
    }
}
