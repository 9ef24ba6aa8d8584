package io.elara.node.stage;

import io.elara.node.DeliveredEvent;
import io.elara.node.EventListener;
import io.elara.node.event.Event;
import io.elara.node.lane.SendReceipt;
import io.elara.node.peer.Peer;
import io.elara.node.session.Session;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PROPAGATE: hands a merged event on. A local event goes to each recipient's reliable lane (a signal to its signal
 * lane); every event goes to the
 * local subscribers, and into a short history that a new subscriber can start from. Whether a received event goes on
 * to other members is the session layer's call (sessions larger than a full mesh forward over their overlay), made
 * after this stage. Loop thread only.
 */
public final class PropagateStage {
    /** Delivered events kept for new subscribers. */
    public static final int RECENT_EVENTS_MAX = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(PropagateStage.class);

    private final List<EventListener> listeners = new ArrayList<>();
    private final ArrayDeque<DeliveredEvent> recent = new ArrayDeque<>();
    private final int subscribersMax;
    private long delivered;
    private long listenerFailures;

    public PropagateStage(int subscribersMax) {
        this.subscribersMax = subscribersMax;
    }

    /**
     * Sends {@code event} to {@code recipients} (empty for a received event) and delivers it locally.
     *
     * @param receipt told about each recipient's acknowledgement; null when there are no recipients
     * @param from the peer a received event came from; null for this node's own events
     */
    public void propagate(
            Event event, Session session, List<Peer> recipients, SendReceipt receipt, Peer from, long nowNs) {
        enqueue(event, recipients, receipt, nowNs);
        DeliveredEvent delivery =
                new DeliveredEvent(event, session.name(), receipt != null, from == null ? null : from.label());
        recent.addLast(delivery);
        if (recent.size() > RECENT_EVENTS_MAX) {
            recent.removeFirst();
        }
        delivered++;
        for (int i = 0; i < listeners.size(); i++) {
            try {
                listeners.get(i).onEvent(delivery);
            } catch (RuntimeException e) {
                // A subscriber's bug must not stop delivery to the others or break the loop.
                listenerFailures++;
                LOG.warn("a local subscriber failed on event {}", event.id(), e);
            }
        }
    }

    /** Queues {@code event} on each recipient's lane, without delivering it to local subscribers. */
    public void enqueue(Event event, List<Peer> recipients, SendReceipt receipt, long nowNs) {
        for (Peer recipient : recipients) {
            recipient.senderFor(event).enqueue(event, receipt, nowNs);
        }
    }

    /** Puts {@code delivery}, delivered before this node restarted, into the history new subscribers start from. */
    public void restore(DeliveredEvent delivery) {
        recent.addLast(delivery);
        if (recent.size() > RECENT_EVENTS_MAX) {
            recent.removeFirst();
        }
    }

    /**
     * Adds {@code listener}, returning up to {@code backlog} recent events to show first; the listener then receives
     * every later event, with no gap and no overlap. Returns null when {@link #subscribersMax} are subscribed.
     */
    public List<DeliveredEvent> subscribe(EventListener listener, int backlog) {
        if (listeners.size() >= subscribersMax) {
            return null;
        }
        listeners.add(listener);
        int skip = Math.max(0, recent.size() - Math.max(0, backlog));
        List<DeliveredEvent> history = new ArrayList<>(recent.size() - skip);
        int index = 0;
        for (DeliveredEvent event : recent) {
            if (index++ >= skip) {
                history.add(event);
            }
        }
        return history;
    }

    public void unsubscribe(EventListener listener) {
        listeners.remove(listener);
    }

    public int subscribers() {
        return listeners.size();
    }

    public long delivered() {
        return delivered;
    }

    public long listenerFailures() {
        return listenerFailures;
    }
}
