package io.elara.node.session;

import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A session's recent messages. Inserting is idempotent (an event already held is ignored), so replays and reordering
 * are harmless; reading returns causal order. Holds at most {@link #EVENTS_MAX} events, forgetting the oldest inserted.
 * The sequence CRDT of the CRDT issue replaces this.
 */
public final class ChatLog {
    /** Events held per session. */
    public static final int EVENTS_MAX = 1000;

    private final LinkedHashMap<EventId, Event> events = new LinkedHashMap<>();

    /** Adds {@code event}; returns false when it was already there. */
    public boolean insert(Event event) {
        if (events.putIfAbsent(event.id(), event) != null) {
            return false;
        }
        if (events.size() > EVENTS_MAX) {
            Iterator<EventId> oldest = events.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** Takes {@code id} out again (its journal write failed); returns false when it was not here. */
    public boolean remove(EventId id) {
        return events.remove(id) != null;
    }

    public boolean contains(EventId id) {
        return events.containsKey(id);
    }

    public int size() {
        return events.size();
    }

    /** The events in causal order (hybrid logical clock, then author). */
    public List<Event> ordered() {
        List<Event> ordered = new ArrayList<>(events.values());
        ordered.sort(Event.ORDER);
        return ordered;
    }
}
