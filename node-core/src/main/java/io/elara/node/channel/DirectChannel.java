package io.elara.node.channel;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands each message to every subscriber, synchronously, on the sender's thread, in the order they subscribed; no
 * queue, no copy. A subscriber that throws is counted and skipped, and the others still get the message.
 *
 * <p>Thread-safe: {@link #send} may be called from several threads at once, and a handler then runs on each of them,
 * so handlers shared that way must be thread-safe themselves. {@link #subscribe} and {@link #unsubscribe} may run
 * concurrently with sends; a send in progress keeps the subscriber list it started with.
 */
public final class DirectChannel<T> implements MessageChannel<T> {
    /** Subscribers per channel, at most. */
    public static final int SUBSCRIBERS_MAX = 64;

    private final SubscriberList<MessageHandler<T>> subscribers = new SubscriberList<>(SUBSCRIBERS_MAX);

    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder unrouted = new LongAdder();

    /**
     * Adds {@code handler} after the existing subscribers; false when it is already subscribed or the channel has
     * {@link #SUBSCRIBERS_MAX} of them.
     */
    public boolean subscribe(MessageHandler<T> handler) {
        return subscribers.add(handler);
    }

    /** Removes {@code handler}; false when it was not subscribed. */
    public boolean unsubscribe(MessageHandler<T> handler) {
        return subscribers.remove(handler);
    }

    /**
     * Delivers {@code message} to every subscriber in turn, on this thread. True when at least one subscriber
     * exists and none threw; a {@link RuntimeException} from a subscriber is counted in {@link #failures} and the
     * next subscriber still runs. A JVM {@link Error} propagates.
     */
    @Override
    @SuppressWarnings("unchecked")
    public boolean send(Message<T> message) {
        Objects.requireNonNull(message, "message");
        sent.increment();
        Object[] current = subscribers.snapshot();
        if (current.length == 0) {
            unrouted.increment();
            return false;
        }
        boolean allDelivered = true;
        for (Object subscriber : current) {
            try {
                ((MessageHandler<T>) subscriber).onMessage(message);
                delivered.increment();
            } catch (RuntimeException e) {
                // One faulty subscriber must not starve the others; the failure is counted for metrics.
                failures.increment();
                allDelivered = false;
            }
        }
        return allDelivered;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** Messages sent. */
    public long sent() {
        return sent.sum();
    }

    /** Successful handler calls: one per subscriber per message. */
    public long delivered() {
        return delivered.sum();
    }

    /** Handler calls that threw. */
    public long failures() {
        return failures.sum();
    }

    /** Messages sent while there was no subscriber. */
    public long unrouted() {
        return unrouted.sum();
    }
}
