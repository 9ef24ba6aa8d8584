package io.elara.node.channel;

/** The outcome of one {@link QueueChannel#offer}. */
public enum OfferResult {
    /** Queued. */
    ACCEPTED,
    /** Queued after discarding the oldest queued message ({@link OverflowPolicy#DROP_OLDEST}). */
    ACCEPTED_DROPPED_OLDEST,
    /** Not queued: the channel was full ({@link OverflowPolicy#DROP_NEWEST}). */
    DROPPED_NEWEST,
    /** Not queued: the channel was full ({@link OverflowPolicy#FAIL}). */
    REJECTED_FULL,
    /** Not queued: the deadline passed while the producer waited for room ({@link OverflowPolicy#BLOCK}). */
    TIMED_OUT,
    /** Not queued: the producer was interrupted while waiting for room; its interrupt flag is still set. */
    INTERRUPTED;

    /** True when the message is in the queue. */
    public boolean accepted() {
        return this == ACCEPTED || this == ACCEPTED_DROPPED_OLDEST;
    }
}
