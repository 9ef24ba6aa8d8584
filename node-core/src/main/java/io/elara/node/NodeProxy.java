package io.elara.node;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How other threads talk to a node: each call offers an immutable command to a bounded queue and wakes the node's
 * loop, which runs it (see {@link #drain}). When the queue is full the call fails at once with "busy" instead of
 * blocking or growing without bound. Thread-safe.
 */
public final class NodeProxy {
    /** Commands waiting for the loop, at most. */
    public static final int QUEUE_COMMANDS_MAX = 1024;
    /** Commands the loop runs per drain before yielding to I/O. */
    public static final int DRAIN_COMMANDS_MAX = 64;

    /** A command for the loop. */
    public sealed interface Command
            permits SendText, SendSignal, Subscribe, Unsubscribe, QueryStatus, AddPeer, AddSession, Call {}

    /** Send {@code text} to {@code target}. */
    public record SendText(SendTarget target, String text, CompletableFuture<SendResult> result) implements Command {}

    /** A signal on the signal lane; see {@link NodeCore#sendSignal}. */
    public record SendSignal(SendTarget target, String text, CompletableFuture<SendResult> result) implements Command {}

    /** Subscribe {@code listener}, starting with up to {@code backlog} recent events. */
    public record Subscribe(EventListener listener, int backlog, CompletableFuture<List<DeliveredEvent>> result)
            implements Command {}

    /** Stop delivering to {@code listener}. */
    public record Unsubscribe(EventListener listener) implements Command {}

    /** Take a status snapshot. */
    public record QueryStatus(CompletableFuture<NodeStatus> result) implements Command {}

    /** Add a peer, as if configured. */
    public record AddPeer(String name, InetSocketAddress address, CompletableFuture<Void> result) implements Command {}

    /** Add a session of configured peers. */
    public record AddSession(String name, List<String> members, CompletableFuture<Void> result) implements Command {}

    /** Work for the loop that answers later: it completes {@code result} itself (on the loop), or fails it. */
    @FunctionalInterface
    public interface LoopCall<T> {
        /** Runs on the loop at {@code nowNs}; completes {@code result} now or later; a {@link SendException} fails it. */
        void run(NodeCore core, long nowNs, CompletableFuture<T> result) throws SendException;
    }

    /** Run {@code call} on the loop. */
    public record Call<T>(LoopCall<T> call, CompletableFuture<T> result) implements Command {
        void run(NodeCore core, long nowNs) {
            try {
                call.run(core, nowNs, result);
            } catch (SendException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private final ArrayBlockingQueue<Command> queue = new ArrayBlockingQueue<>(QUEUE_COMMANDS_MAX);
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private final Runnable wakeUp;
    private volatile String closedReason;

    /** @param wakeUp schedules a {@link #drain} on the loop; called from any thread, must not block */
    public NodeProxy(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** Offers {@code command}; false when the queue is full or the node has stopped. */
    public boolean offer(Command command) {
        if (closedReason != null || !queue.offer(command)) {
            return false;
        }
        if (wakeUpPending.compareAndSet(false, true)) {
            wakeUp.run();
        }
        return true;
    }

    public CompletableFuture<SendResult> sendText(SendTarget target, String text) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        submit(new SendText(target, text, result), result);
        return result;
    }

    /** Sends a small control message on the signal lane, ahead of queued text; see {@link NodeCore#sendSignal}. */
    public CompletableFuture<SendResult> sendSignal(SendTarget target, String text) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        submit(new SendSignal(target, text, result), result);
        return result;
    }

    public CompletableFuture<List<DeliveredEvent>> subscribe(EventListener listener, int backlog) {
        CompletableFuture<List<DeliveredEvent>> result = new CompletableFuture<>();
        submit(new Subscribe(listener, backlog, result), result);
        return result;
    }

    /** Best effort: if the node is busy or stopped, the listener is dropped when the node stops anyway. */
    public void unsubscribe(EventListener listener) {
        offer(new Unsubscribe(listener));
    }

    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus> result = new CompletableFuture<>();
        submit(new QueryStatus(result), result);
        return result;
    }

    public CompletableFuture<Void> addPeer(String name, InetSocketAddress address) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(new AddPeer(name, address, result), result);
        return result;
    }

    public CompletableFuture<Void> addSession(String name, List<String> members) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(new AddSession(name, List.copyOf(members), result), result);
        return result;
    }

    /**
     * Runs {@code call} on the loop; the future completes when the call completes it (session commands: create, invite,
     * join, leave, kick, ban, list).
     */
    public <T> CompletableFuture<T> call(LoopCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(new Call<>(call, result), result);
        return result;
    }

    private void submit(Command command, CompletableFuture<?> result) {
        if (!offer(command)) {
            String reason = closedReason;
            result.completeExceptionally(new SendException(
                    reason != null ? reason : "the node is busy (" + QUEUE_COMMANDS_MAX + " commands queued)"));
        }
    }

    /**
     * Runs up to {@code limit} queued commands against {@code core} at {@code nowNs}. Loop thread only. Returns how
     * many ran; if more are waiting it asks for another wake-up, so I/O is served in between.
     */
    public int drain(NodeCore core, long nowNs, int limit) {
        wakeUpPending.set(false);
        int ran = 0;
        Command command;
        while (ran < limit && (command = queue.poll()) != null) {
            run(core, command, nowNs);
            ran++;
        }
        if (!queue.isEmpty() && wakeUpPending.compareAndSet(false, true)) {
            wakeUp.run();
        }
        return ran;
    }

    /** Refuses new commands and fails the queued ones with {@code reason}. Loop thread, at shutdown. */
    public void close(String reason) {
        closedReason = reason;
        Command command;
        while ((command = queue.poll()) != null) {
            CompletableFuture<?> result = resultOf(command);
            if (result != null) {
                result.completeExceptionally(new SendException(reason));
            }
        }
    }

    private static CompletableFuture<?> resultOf(Command command) {
        if (command instanceof SendText send) {
            return send.result();
        } else if (command instanceof SendSignal signal) {
            return signal.result();
        } else if (command instanceof Subscribe subscribe) {
            return subscribe.result();
        } else if (command instanceof QueryStatus query) {
            return query.result();
        } else if (command instanceof AddPeer add) {
            return add.result();
        } else if (command instanceof AddSession add) {
            return add.result();
        } else if (command instanceof Call<?> call) {
            return call.result();
        }
        return null;
    }

    private static void run(NodeCore core, Command command, long nowNs) {
        if (command instanceof SendText send) {
            core.sendText(send.target(), send.text(), nowNs, send.result());
        } else if (command instanceof SendSignal signal) {
            core.sendSignal(signal.target(), signal.text(), nowNs, signal.result());
        } else if (command instanceof Subscribe subscribe) {
            List<DeliveredEvent> backlog = core.subscribe(subscribe.listener(), subscribe.backlog());
            if (backlog == null) {
                subscribe.result().completeExceptionally(new SendException("too many local subscribers"));
            } else {
                subscribe.result().complete(backlog);
            }
        } else if (command instanceof Unsubscribe unsubscribe) {
            core.unsubscribe(unsubscribe.listener());
        } else if (command instanceof QueryStatus query) {
            query.result().complete(core.status(nowNs));
        } else if (command instanceof AddPeer add) {
            try {
                core.addPeer(add.name(), add.address());
                add.result().complete(null);
            } catch (SendException e) {
                add.result().completeExceptionally(e);
            }
        } else if (command instanceof AddSession add) {
            try {
                core.addSession(add.name(), add.members());
                add.result().complete(null);
            } catch (SendException e) {
                add.result().completeExceptionally(e);
            }
        } else if (command instanceof Call<?> call) {
            call.run(core, nowNs);
        }
    }
}
