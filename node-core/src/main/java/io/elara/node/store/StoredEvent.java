package io.elara.node.store;

import io.elara.node.event.Event;
import java.util.Objects;

/**
 * An event as the store keeps it.
 *
 * @param event the event, with its proof when it has one
 * @param local true when this node authored it
 * @param receivedFrom the label of the peer it came from, or null for a local event (or when unknown)
 */
public record StoredEvent(Event event, boolean local, String receivedFrom) {
    public StoredEvent {
        Objects.requireNonNull(event, "event");
    }

    /** An event this node authored. */
    public static StoredEvent local(Event event) {
        return new StoredEvent(event, true, null);
    }

    /** An event received from the peer labelled {@code peer}. */
    public static StoredEvent received(Event event, String peer) {
        return new StoredEvent(event, false, peer);
    }
}
