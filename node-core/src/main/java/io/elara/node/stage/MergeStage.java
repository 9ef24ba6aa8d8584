package io.elara.node.stage;

import io.elara.node.event.Event;
import io.elara.node.session.Session;

/**
 * MERGE: applies an event to its session's state. Idempotent and order-free: an event already held changes nothing,
 * so replays and reordering are harmless. Loop thread only.
 */
public final class MergeStage {
    /** Applies {@code event} to {@code session}; returns false when the state already had it. */
    public boolean merge(Event event, Session session) {
        if (!event.kind().numbered()) {
            // A signal or session control message, not part of the session's history: it is not kept in the log.
            // VALIDATE's memory of seen event ids already stopped a repeat of it.
            return true;
        }
        return session.insert(event);
    }
}
