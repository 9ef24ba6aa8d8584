package io.elara.cli.bench;

/**
 * The receiver's answer to {@code report}: the delivery checks over the whole run and the one-way latency of the
 * measured events.
 *
 * @param delivered benchmark events delivered
 * @param nextExpected one past the highest sequence number delivered in order or after a gap
 * @param outOfOrder events whose sequence number was not the next expected one (duplicates and gaps alike)
 * @param duplicates events whose sequence number had been delivered before
 * @param foreign delivered events that were not benchmark events
 * @param firstDeliveryUs wall clock of the first delivery, µs since the epoch; 0 if none
 * @param lastDeliveryUs wall clock of the last delivery
 * @param latencySamples measured events whose latency was recorded
 * @param latencyP50Us one-way latency, median
 * @param latencyP99Us 99th percentile
 * @param latencyP999Us 99.9th percentile
 * @param latencyMaxUs largest
 * @param negativeLatencies deliveries stamped earlier than their send time (the wall clock stepped back)
 */
public record ReceiverReport(
        long delivered,
        long nextExpected,
        long outOfOrder,
        long duplicates,
        long foreign,
        long firstDeliveryUs,
        long lastDeliveryUs,
        long latencySamples,
        long latencyP50Us,
        long latencyP99Us,
        long latencyP999Us,
        long latencyMaxUs,
        long negativeLatencies) {}
