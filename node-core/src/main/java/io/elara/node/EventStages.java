package io.elara.node;

import io.elara.node.dataflow.Control;
import io.elara.node.dataflow.CycleContext;
import io.elara.node.dataflow.DataflowExecutor;
import io.elara.node.dataflow.ExecutorLimits;
import io.elara.node.dataflow.GraphNode;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectCounters;
import io.elara.node.event.RejectReason;
import io.elara.node.lane.SendReceipt;
import io.elara.node.peer.Peer;
import io.elara.node.session.Session;
import io.elara.node.session.SessionTable;
import io.elara.node.stage.MergeStage;
import io.elara.node.stage.ProcessStage;
import io.elara.node.stage.PropagateStage;
import io.elara.node.stage.ValidateStage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * VALIDATE → PROCESS → MERGE → PROPAGATE as four nodes of a dataflow executor, each triggered by the one before it.
 * The core hands in events (received ones, and its own with their recipients) and runs the executor's cycles; each
 * stage passes on what it accepted in the same cycle, so a batch of events from one datagram crosses all four stages
 * in one cycle, in order. Loop thread only.
 */
final class EventStages {
    /** Executor bounds for four stage nodes: small, since a simulator runs one executor per node core. */
    private static final ExecutorLimits LIMITS = new ExecutorLimits(16, 16, 16, 16, 4);

    /** One event on its way through the stages. */
    private record Item(
            Event event, List<Peer> recipients, SendReceipt receipt, CompletableFuture<SendResult> refusal, Peer from) {
        boolean local() {
            return recipients != null;
        }
    }

    /** What a stage holds: its input this cycle, and what it passed on. */
    private static final class Batch {
        final ArrayDeque<Item> in = new ArrayDeque<>();
        final List<Item> out = new ArrayList<>();
    }

    private final DataflowExecutor executor;
    private final SessionTable sessions;
    private final ValidateStage validate;
    private final ProcessStage process;
    private final MergeStage merge;
    private final PropagateStage propagate;
    private final RejectCounters rejects;
    private final GraphNode<Batch> validateNode;
    private final GraphNode<Batch> processNode;
    private final GraphNode<Batch> mergeNode;
    private long eventsSent;
    private EventJournal journal = EventJournal.NONE;
    private long storeFailures;

    EventStages(
            LongSupplier nowNs,
            SessionTable sessions,
            ValidateStage validate,
            ProcessStage process,
            MergeStage merge,
            PropagateStage propagate,
            RejectCounters rejects) {
        this.executor = new DataflowExecutor(nowNs::getAsLong, LIMITS);
        this.sessions = sessions;
        this.validate = validate;
        this.process = process;
        this.merge = merge;
        this.propagate = propagate;
        this.rejects = rejects;
        this.validateNode = executor.node(new Batch()).build(this::validate);
        this.processNode = executor.node(new Batch()).triggeredBy(validateNode).build(this::process);
        this.mergeNode = executor.node(new Batch()).triggeredBy(processNode).build(this::merge);
        executor.node(new Batch()).triggeredBy(mergeNode).build(this::propagate);
    }

    /** Queues an event received from {@code from}. */
    void received(Event event, Peer from) {
        validateNode.state().in.add(new Item(event, null, null, null, from));
        executor.scheduleNow(validateNode);
    }

    /**
     * Queues this node's own event for {@code recipients}; when VALIDATE refuses it, {@code refusal} fails with the
     * reason in words.
     */
    void local(Event event, List<Peer> recipients, SendReceipt receipt, CompletableFuture<SendResult> refusal) {
        validateNode.state().in.add(new Item(event, recipients, receipt, refusal, null));
        executor.scheduleNow(validateNode);
    }

    /** Runs cycles until every queued event has crossed all four stages. */
    void run() {
        run(null);
    }

    /**
     * Runs cycles until every queued event has crossed all four stages, then {@code then} (may be null). Called from
     * inside a cycle (a stage's handler that sends, such as the session layer answering a sync with many operations),
     * it runs nothing itself: the cycles already running take the new events, and {@code then} runs after them.
     */
    void run(Runnable then) {
        if (then != null) {
            afterRun.add(then);
        }
        if (running) {
            return;
        }
        running = true;
        try {
            while (executor.runCycle() > 0) {
                // Each cycle moves the queued events through every stage; a new cycle only runs for events queued
                // meanwhile (a subscriber or a handler that sends).
            }
        } finally {
            running = false;
        }
        while (!afterRun.isEmpty()) {
            afterRun.remove(0).run();
        }
    }

    private boolean running;
    private final List<Runnable> afterRun = new ArrayList<>();

    /** Acts on received session control messages. */
    interface ControlHandler {
        void onControl(Event event, Peer from, long nowNs);
    }

    private ControlHandler control = (event, from, nowNs) -> {};

    /** Where received session control messages go. */
    void control(ControlHandler handler) {
        this.control = handler;
    }

    /** Passes received events on, where their session runs on an overlay. */
    interface Forwarder {
        void forward(Event event, Peer from, long nowNs);
    }

    private Forwarder forwarder = (event, from, nowNs) -> {};

    /** What PROPAGATE hands every received event new here to, after the local subscribers. */
    void forwarder(Forwarder handler) {
        this.forwarder = handler;
    }

    /** Where MERGE makes new events durable. */
    void journal(EventJournal eventJournal) {
        this.journal = eventJournal;
    }

    /** Received events the journal refused: each leaves a hole its sender must not see acknowledged as stored. */
    long storeFailures() {
        return storeFailures;
    }

    long eventsSent() {
        return eventsSent;
    }

    private Control validate(Batch batch, CycleContext context) {
        batch.out.clear();
        Item item;
        while ((item = batch.in.poll()) != null) {
            RejectReason reason = validate.validate(item.event(), item.local(), context.nowNs());
            if (reason == RejectReason.NONE) {
                batch.out.add(item);
            } else if (item.local()) {
                item.refusal()
                        .completeExceptionally(new SendException(
                                NodeCore.describeLocal(reason, item.event().text(), validate.textBytesMax())));
            } else {
                rejects.increment(reason);
            }
        }
        return batch.out.isEmpty() ? Control.UNCHANGED : Control.BROADCAST;
    }

    private Control process(Batch batch, CycleContext context) {
        batch.out.clear();
        for (Item item : validateNode.state().out) {
            process.process(item.event(), session(item), item.local(), context.nowNs());
            batch.out.add(item);
        }
        return batch.out.isEmpty() ? Control.UNCHANGED : Control.BROADCAST;
    }

    private Control merge(Batch batch, CycleContext context) {
        batch.out.clear();
        for (Item item : processNode.state().out) {
            if (!merge.merge(item.event(), session(item)) && !item.local()) {
                rejects.increment(RejectReason.DUPLICATE);
                continue;
            }
            Event event = item.event();
            if (event.kind().numbered() && !append(item)) {
                // Not durable, so not shown and not acknowledged as stored; forgotten as seen and taken out of the
                // session's log and held events, so that a copy sent again once the journal works is taken (and not
                // acknowledged as a duplicate of what was never stored).
                validate.forget(event.id());
                Session session = session(item);
                if (session != null) {
                    session.forget(event);
                }
                if (item.local()) {
                    item.refusal().completeExceptionally(new SendException(journal.failure()));
                } else {
                    rejects.increment(RejectReason.STORE_FAILED);
                    storeFailures++;
                }
                continue;
            }
            batch.out.add(item);
        }
        return batch.out.isEmpty() ? Control.UNCHANGED : Control.BROADCAST;
    }

    /** Hands a new event to the journal: with a mailbox entry per recipient when it is this node's own. */
    private boolean append(Item item) {
        if (!item.local()) {
            return journal.append(
                    item.event(),
                    false,
                    item.from() == null ? null : item.from().label());
        }
        List<String> destinations = new ArrayList<>(item.recipients().size());
        for (Peer recipient : item.recipients()) {
            destinations.add(recipient.label());
        }
        return journal.appendOutgoing(item.event(), destinations);
    }

    private Control propagate(Batch batch, CycleContext context) {
        for (Item item : mergeNode.state().out) {
            List<Peer> recipients = item.local() ? item.recipients() : List.of();
            if (item.event().kind() == EventKind.SESSION) {
                // Session control goes to its recipients or to the session layer, never to subscribers.
                if (item.local()) {
                    propagate.enqueue(item.event(), recipients, item.receipt(), context.nowNs());
                } else if (item.from() != null) {
                    control.onControl(item.event(), item.from(), context.nowNs());
                }
                continue;
            }
            propagate.propagate(item.event(), session(item), recipients, item.receipt(), item.from(), context.nowNs());
            if (item.local()) {
                eventsSent++;
            } else if (item.from() != null) {
                forwarder.forward(item.event(), item.from(), context.nowNs());
            }
        }
        return Control.UNCHANGED;
    }

    private Session session(Item item) {
        return sessions.byId(item.event().session());
    }
}
