package io.elara.node.store;

import io.elara.node.event.EventId;

/**
 * A delivery that was given up: the event is kept, the attempt to deliver it to {@code destination} is not.
 *
 * @param eventId the event
 * @param destination who it was for
 * @param reason why it was given up, one line ({@link NodeStore#REASON_EXPIRED} for a mailbox entry that expired)
 * @param attempts deliveries tried
 * @param deadAtMs when it was given up, in milliseconds since the Unix epoch
 */
public record DeadLetter(EventId eventId, String destination, String reason, int attempts, long deadAtMs) {}
