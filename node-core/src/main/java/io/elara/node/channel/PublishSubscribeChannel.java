package io.elara.node.channel;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Offers each message to every subscribed channel, in the order they subscribed. A subscriber is itself a {@link
 * MessageChannel}: typically a {@link QueueChannel} read by another thread, whose own overflow policy decides what
 * happens when that subscriber falls behind, so one slow subscriber does not hold up the others; or a {@link
 * DirectChannel} to handle the message on the publisher's thread. A subscriber that refuses a message is counted in
 * {@link #refusals}; the others still get it. A subscriber {@link QueueChannel} with {@link OverflowPolicy#BLOCK}
 * makes the publisher wait for that subscriber, so prefer a dropping or failing policy for subscribers.
 *
 * <p>Thread-safe: publish from any thread; {@link #subscribe} and {@link #unsubscribe} may run concurrently with
 * sends, and a send in progress keeps the subscriber list it started with.
 */
public final class PublishSubscribeChannel<T> implements MessageChannel<T> {
    /** Subscribers per channel, at most. */
    public static final int SUBSCRIBERS_MAX = 64;

    private final SubscriberList<MessageChannel<T>> subscribers = new SubscriberList<>(SUBSCRIBERS_MAX);

    private final LongAdder published = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder refusals = new LongAdder();

    /** Adds {@code subscriber}; false when it is already subscribed or there are {@link #SUBSCRIBERS_MAX}. */
    public boolean subscribe(MessageChannel<T> subscriber) {
        return subscribers.add(subscriber);
    }

    /** Removes {@code subscriber}; false when it was not subscribed. Messages it already holds stay with it. */
    public boolean unsubscribe(MessageChannel<T> subscriber) {
        return subscribers.remove(subscriber);
    }

    /**
     * Offers {@code message} to every subscriber on this thread; true when there is at least one and every one took
     * it. A subscriber's exception propagates (channels report refusal by returning false, not by throwing).
     */
    @Override
    @SuppressWarnings("unchecked")
    public boolean send(Message<T> message) {
        Objects.requireNonNull(message, "message");
        published.increment();
        Object[] current = subscribers.snapshot();
        boolean allTook = current.length > 0;
        for (Object subscriber : current) {
            if (((MessageChannel<T>) subscriber).send(message)) {
                deliveries.increment();
            } else {
                refusals.increment();
                allTook = false;
            }
        }
        return allTook;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** Messages published. */
    public long published() {
        return published.sum();
    }

    /** Messages taken by a subscriber: one per subscriber per message. */
    public long deliveries() {
        return deliveries.sum();
    }

    /** Messages a subscriber refused or dropped. */
    public long refusals() {
        return refusals.sum();
    }
}
