package io.elara.cli.bench;

import io.elara.node.DeliveredEvent;
import io.elara.node.EventListener;
import io.elara.node.event.EventKind;
import java.util.BitSet;

/**
 * The receiver's tally: counts each benchmark event as the node delivers it, checks that sequence numbers arrive as 0,
 * 1, 2, ... (exactly once, in order), and records the one-way latency of measured events. {@link #onEvent} runs on
 * the node's loop thread; the pipe thread reads through {@link #mark} and {@link #report}. One monitor guards it all:
 * it is uncontended except for the few reads per run, and costs tens of nanoseconds against microseconds per event.
 * Which sequence numbers arrived is kept in a bit set (one bit per event: 1.25 MB for ten million), so a duplicate is
 * told apart from an event that merely came late.
 */
public final class DeliveryCounter implements EventListener {
    private final LatencyHistogram latencies = new LatencyHistogram();
    private final BitSet seen = new BitSet();
    private long delivered;
    private long nextExpected;
    private long outOfOrder;
    private long duplicates;
    private long foreign;
    private long firstDeliveryUs;
    private long lastDeliveryUs;
    private long negativeLatencies;

    @Override
    public void onEvent(DeliveredEvent delivery) {
        if (delivery.local()) {
            return;
        }
        long nowUs = BenchText.nowUs();
        BenchText.Parsed parsed = delivery.event().kind() == EventKind.TEXT
                ? BenchText.parse(delivery.event().text())
                : BenchText.Parsed.FOREIGN;
        synchronized (this) {
            if (parsed.sequence() < 0) {
                foreign++;
                return;
            }
            delivered++;
            if (firstDeliveryUs == 0) {
                firstDeliveryUs = nowUs;
            }
            lastDeliveryUs = nowUs;
            if (parsed.sequence() > Integer.MAX_VALUE - 1 || seen.get((int) parsed.sequence())) {
                duplicates++;
            } else {
                seen.set((int) parsed.sequence());
            }
            if (parsed.sequence() == nextExpected) {
                nextExpected++;
            } else {
                outOfOrder++;
                if (parsed.sequence() > nextExpected) {
                    // A gap: carry on from here, so one missing event is counted once, not for every later one.
                    nextExpected = parsed.sequence() + 1;
                }
            }
            if (parsed.measured()) {
                long latencyUs = nowUs - parsed.sentUs();
                if (latencyUs < 0) {
                    negativeLatencies++;
                }
                latencies.record(latencyUs);
            }
        }
    }

    /** Deliveries so far, and this process's CPU time (the node's signature checks are the caller's to add). */
    public synchronized ReceiverMark mark() {
        return new ReceiverMark(delivered, CpuTime.processNs(), 0);
    }

    /** The whole run's checks and latency figures. */
    public synchronized ReceiverReport report() {
        return new ReceiverReport(
                delivered,
                nextExpected,
                outOfOrder,
                duplicates,
                foreign,
                firstDeliveryUs,
                lastDeliveryUs,
                latencies.count(),
                latencies.valueAt(0.5),
                latencies.valueAt(0.99),
                latencies.valueAt(0.999),
                latencies.max(),
                negativeLatencies);
    }
}
