package io.elara.node.gossip;

import io.elara.node.event.EventId;
import java.util.ArrayDeque;
import java.util.HashSet;

/** Message ids seen, at most {@code max}, the oldest forgotten first. Single thread. */
final class SeenSet {
    private final int max;
    private final HashSet<EventId> ids;
    private final ArrayDeque<EventId> order;

    SeenSet(int max) {
        this.max = max;
        this.ids = new HashSet<>();
        this.order = new ArrayDeque<>();
    }

    /** Adds {@code id}; false if it was already there. */
    boolean add(EventId id) {
        if (!ids.add(id)) {
            return false;
        }
        order.addLast(id);
        if (order.size() > max) {
            ids.remove(order.removeFirst());
        }
        assert ids.size() == order.size() && ids.size() <= max;
        return true;
    }

    boolean contains(EventId id) {
        return ids.contains(id);
    }

    int size() {
        return ids.size();
    }
}
