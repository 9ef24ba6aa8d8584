package io.elara.node;

import io.elara.node.event.Event;

/**
 * An event as delivered to local subscribers.
 *
 * @param event the event
 * @param session the session's name at this node ({@code direct} for direct messages)
 * @param local true when this node authored it
 */
public record DeliveredEvent(Event event, String session, boolean local) {}
