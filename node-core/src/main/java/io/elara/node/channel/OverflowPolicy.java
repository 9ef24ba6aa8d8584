package io.elara.node.channel;

/** What a {@link QueueChannel} does with an offer when it is full. Every outcome is counted. */
public enum OverflowPolicy {
    /** Park the producer until there is room, its deadline passes, or it is interrupted. */
    BLOCK,
    /** Discard the oldest queued message to make room; for "latest wins" traffic. */
    DROP_OLDEST,
    /** Discard the offered message and report it dropped; the producer carries on. */
    DROP_NEWEST,
    /** Refuse the offered message so the producer can retry or report "busy". */
    FAIL
}
