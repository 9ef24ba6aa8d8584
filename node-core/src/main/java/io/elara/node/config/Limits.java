package io.elara.node.config;

/**
 * Bounds on what one node holds. Every queue and table in the node is bounded by one of these or by a named constant.
 *
 * @param peersMax peers held at once, configured ones included
 * @param sendQueueMax events queued (sent or waiting) towards one peer before new sends are refused as busy
 * @param textBytesMax longest text accepted, in UTF-8 bytes
 * @param deliveryTimeoutMs how long an event may wait for its acknowledgement before its send fails
 * @param subscribersMax local subscribers (for example {@code elara tail}) at once
 * @param flowQueueMax events waiting to enter the flows; a power of two (more are dropped and counted)
 */
public record Limits(
        int peersMax,
        int sendQueueMax,
        int textBytesMax,
        long deliveryTimeoutMs,
        int subscribersMax,
        int flowQueueMax) {
    public static final Limits DEFAULT = new Limits(64, 4096, 1024, 30_000, 16, 4096);
}
