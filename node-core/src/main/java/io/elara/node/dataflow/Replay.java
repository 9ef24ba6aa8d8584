package io.elara.node.dataflow;

import io.elara.node.time.HistoricalClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Replays recorded input into an executor at the recorded times, as fast as possible: the {@link HistoricalClock}
 * jumps straight to the next recorded time or timer deadline, so a recording of an hour replays in the time its cycles
 * take. Deterministic: the same recording and graph give the same cycles. Runs on the executor's thread.
 *
 * @param <E> the recorded input
 */
public final class Replay<E> implements IoPoller {
    /** One recorded input and the clock time, in nanoseconds, at which it arrived. */
    public record Entry<E>(long timeNs, E value) {}

    private final List<Entry<E>> recording;
    private final Consumer<? super E> sink;
    private final GraphNode<?> target;
    private int next;

    /**
     * @param recording inputs in non-decreasing time order
     * @param sink receives each input on the executor's thread, e.g. into {@code target}'s state
     * @param target scheduled in every cycle that delivered input
     */
    public Replay(List<Entry<E>> recording, Consumer<? super E> sink, GraphNode<?> target) {
        this.recording = List.copyOf(recording);
        for (int i = 1; i < this.recording.size(); i++) {
            if (this.recording.get(i).timeNs() < this.recording.get(i - 1).timeNs()) {
                throw new IllegalArgumentException("recording goes back in time at entry " + i);
            }
        }
        this.sink = Objects.requireNonNull(sink, "sink");
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public int poll(long nowNs, DataflowExecutor executor) {
        int delivered = 0;
        while (next < recording.size() && recording.get(next).timeNs() <= nowNs) {
            sink.accept(recording.get(next++).value());
            delivered++;
        }
        if (delivered > 0) {
            executor.scheduleNow(target);
        }
        return delivered;
    }

    /** The time of the next recorded input, or {@link DataflowExecutor#NO_DEADLINE} at the end. */
    public long nextTimeNs() {
        return next < recording.size() ? recording.get(next).timeNs() : DataflowExecutor.NO_DEADLINE;
    }

    public boolean isDone() {
        return next == recording.size();
    }

    /**
     * Installs this replay as {@code executor}'s I/O poller and runs cycles until the recording is delivered and no
     * timer or yield remains, the executor terminates, or {@code cycleLimit} cycles ran. Returns the cycles run.
     */
    public long runToEnd(DataflowExecutor executor, HistoricalClock clock, long cycleLimit) {
        executor.ioPoller(this);
        long cycles = 0;
        while (cycles < cycleLimit && !executor.isTerminated()) {
            long dueNs = Math.min(nextTimeNs(), executor.nextDeadlineNs());
            if (dueNs == DataflowExecutor.NO_DEADLINE) {
                break;
            }
            clock.advanceTo(Math.max(dueNs, clock.nowNs()));
            executor.runCycle();
            cycles++;
        }
        return cycles;
    }

    /** Convenience for building a recording. */
    public static <E> List<Entry<E>> recording(List<Long> timesNs, List<E> values) {
        if (timesNs.size() != values.size()) {
            throw new IllegalArgumentException("times and values differ in length");
        }
        List<Entry<E>> entries = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            entries.add(new Entry<>(timesNs.get(i), values.get(i)));
        }
        return entries;
    }
}
