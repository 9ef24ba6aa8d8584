package io.elara.node.channel;

import java.util.Arrays;
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

    private static final MessageHandler<?>[] NONE = new MessageHandler<?>[0];

    private final Object lock = new Object();
    /** Copied on write, so a send iterates a stable array without locking. */
    private volatile MessageHandler<?>[] subscribers = NONE;

    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder unrouted = new LongAdder();

    /**
     * Adds {@code handler} after the existing subscribers; false when it is already subscribed or the channel has
     * {@link #SUBSCRIBERS_MAX} of them.
     */
    public boolean subscribe(MessageHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        synchronized (lock) {
            MessageHandler<?>[] current = subscribers;
            if (current.length >= SUBSCRIBERS_MAX || indexOf(current, handler) >= 0) {
                return false;
            }
            MessageHandler<?>[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = handler;
            subscribers = next;
            return true;
        }
    }

    /** Removes {@code handler}; false when it was not subscribed. */
    public boolean unsubscribe(MessageHandler<T> handler) {
        synchronized (lock) {
            MessageHandler<?>[] current = subscribers;
            int index = indexOf(current, handler);
            if (index < 0) {
                return false;
            }
            MessageHandler<?>[] next = new MessageHandler<?>[current.length - 1];
            System.arraycopy(current, 0, next, 0, index);
            System.arraycopy(current, index + 1, next, index, current.length - index - 1);
            subscribers = current.length == 1 ? NONE : next;
            return true;
        }
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
        MessageHandler<?>[] current = subscribers;
        if (current.length == 0) {
            unrouted.increment();
            return false;
        }
        boolean allDelivered = true;
        for (MessageHandler<?> subscriber : current) {
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
        return subscribers.length;
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

    private static int indexOf(MessageHandler<?>[] handlers, Object handler) {
        for (int index = 0; index < handlers.length; index++) {
            if (handlers[index] == handler) {
                return index;
            }
        }
        return -1;
    }
}
