package io.elara.node;

import io.elara.node.event.Event;

/**
 * An event as delivered to local subscribers.
 *
 * @param event the event
 * @param session the session's name at this node ({@code direct} for direct messages)
 * @param local true when this node authored it
 * @param from the peer it came from: its configured name, or {@code ip:port} for a peer that is not in the config;
 *     null when this node authored it. A reply to a direct message goes here.
 */
public record DeliveredEvent(Event event, String session, boolean local, String from) {}
