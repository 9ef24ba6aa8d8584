package io.elara.node.store;

import io.elara.node.event.EventId;
import java.util.Objects;

/**
 * One event waiting to be delivered to one destination (store-and-forward). Times are milliseconds since the Unix
 * epoch, since they must mean the same after a restart.
 *
 * @param eventId the event, which must already be stored
 * @param destination who it is for: a node id's text form or a peer label
 * @param priority higher is sent first
 * @param attempts deliveries tried so far
 * @param nextAttemptAtMs when it is next due
 * @param expiresAtMs when it stops being retried and moves to the dead letters
 * @param createdAtMs when it was queued
 */
public record MailboxEntry(
        EventId eventId,
        String destination,
        int priority,
        int attempts,
        long nextAttemptAtMs,
        long expiresAtMs,
        long createdAtMs) {
    public MailboxEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(destination, "destination");
    }

    /** A new entry: no attempts yet, due at once. */
    public static MailboxEntry queued(EventId eventId, String destination, int priority, long nowMs, long expiresAtMs) {
        return new MailboxEntry(eventId, destination, priority, 0, nowMs, expiresAtMs, nowMs);
    }
}
