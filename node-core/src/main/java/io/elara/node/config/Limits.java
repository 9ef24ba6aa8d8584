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
 * @param reassemblyBytesMaxPerPeer bytes one peer's partial reassemblies and out-of-order fragments may hold
 * @param reassemblyBytesMax bytes all peers' partial reassemblies and out-of-order fragments may hold together
 */
public record Limits(
        int peersMax,
        int sendQueueMax,
        int textBytesMax,
        long deliveryTimeoutMs,
        int subscribersMax,
        int flowQueueMax,
        long reassemblyBytesMaxPerPeer,
        long reassemblyBytesMax) {
    /** Largest {@code text-bytes-max}: the EVENT frame's Text Length field has 16 bits. */
    public static final int TEXT_BYTES_MAX_CAP = 0xFFFF;

    public static final long REASSEMBLY_BYTES_MAX_PER_PEER_DEFAULT = 1L << 20;
    public static final long REASSEMBLY_BYTES_MAX_DEFAULT = 16L << 20;

    public static final Limits DEFAULT = new Limits(64, 4096, 1024, 30_000, 16, 4096);

    /** Limits with the default reassembly memory. */
    public Limits(
            int peersMax,
            int sendQueueMax,
            int textBytesMax,
            long deliveryTimeoutMs,
            int subscribersMax,
            int flowQueueMax) {
        this(
                peersMax,
                sendQueueMax,
                textBytesMax,
                deliveryTimeoutMs,
                subscribersMax,
                flowQueueMax,
                REASSEMBLY_BYTES_MAX_PER_PEER_DEFAULT,
                REASSEMBLY_BYTES_MAX_DEFAULT);
    }
}
