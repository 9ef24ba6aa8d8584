package io.elara.node.store;

import io.elara.node.event.Event;
import java.util.List;
import java.util.Objects;

/**
 * An event as the store keeps it.
 *
 * @param event the event, with its proof when it has one
 * @param local true when this node authored it
 * @param receivedFrom the label of the peer it came from, or null for a local event (or when unknown)
 * @param destinations for this node's own event, the peers it was sent to (their labels), kept with the event so that
 *     a restart can queue it again for them when the journal had not yet written their mailbox entries ({@link
 *     StoreJournal}); empty otherwise
 */
public record StoredEvent(Event event, boolean local, String receivedFrom, List<String> destinations) {
    public StoredEvent {
        Objects.requireNonNull(event, "event");
        destinations = List.copyOf(destinations);
    }

    public StoredEvent(Event event, boolean local, String receivedFrom) {
        this(event, local, receivedFrom, List.of());
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
