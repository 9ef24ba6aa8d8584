package io.elara.node.channel;

import java.util.Arrays;
import java.util.Objects;

/**
 * A bounded, copy-on-write list of subscribers: changes take a lock and publish a new array, so senders iterate a
 * stable snapshot without locking. Thread-safe.
 */
final class SubscriberList<S> {
    private static final Object[] NONE = new Object[0];

    private final Object lock = new Object();
    private final int subscribersMax;
    private volatile Object[] subscribers = NONE;

    SubscriberList(int subscribersMax) {
        this.subscribersMax = subscribersMax;
    }

    /** Adds {@code subscriber} at the end; false when it is already there or the list is full. */
    boolean add(S subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        synchronized (lock) {
            Object[] current = subscribers;
            if (current.length >= subscribersMax || indexOf(current, subscriber) >= 0) {
                return false;
            }
            Object[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = subscriber;
            subscribers = next;
            return true;
        }
    }

    /** Removes {@code subscriber}; false when it was not there. */
    boolean remove(S subscriber) {
        synchronized (lock) {
            Object[] current = subscribers;
            int index = indexOf(current, subscriber);
            if (index < 0) {
                return false;
            }
            if (current.length == 1) {
                subscribers = NONE;
                return true;
            }
            Object[] next = new Object[current.length - 1];
            System.arraycopy(current, 0, next, 0, index);
            System.arraycopy(current, index + 1, next, index, current.length - index - 1);
            subscribers = next;
            return true;
        }
    }

    /** The subscribers now, in the order they were added; callers must not change the array. */
    Object[] snapshot() {
        return subscribers;
    }

    int size() {
        return subscribers.length;
    }

    private static int indexOf(Object[] array, Object subscriber) {
        for (int i = 0; i < array.length; i++) {
            if (array[i] == subscriber) {
                return i;
            }
        }
        return -1;
    }
}
