package io.elara.node.event;

import io.elara.crypto.identity.NodeId;
import io.elara.crypto.sign.EventProof;
import java.util.Comparator;

/**
 * An application event: immutable, identified by {@link #id}, stamped by its author's hybrid logical clock.
 *
 * @param id unique per event
 * @param session the session it belongs to, or {@link SessionId#DIRECT}
 * @param author the node that created it
 * @param authorName the author's display name at the time (1 to {@link #NAME_LENGTH_MAX} bytes of UTF-8)
 * @param hlc the author's hybrid logical clock when it was created
 * @param counter the author's number for it in its session, from 1 with no gaps (a dot: author and counter name it
 *     among the author's events, which is what the session's anti-entropy compares); 0 for an event that is not
 *     numbered (a direct message, a signal, a session control message, or one stored before counters existed)
 * @param kind what it carries
 * @param text the text, for {@link EventKind#TEXT}
 * @param proof the author's signature of the event's signed bytes (as part of a batch), or null before it is signed
 *     (and always in a build with protection off, see {@code NodeCore.Protection})
 */
public record Event(
        EventId id,
        SessionId session,
        NodeId author,
        String authorName,
        long hlc,
        long counter,
        EventKind kind,
        String text,
        EventProof proof) {
    /** Longest display name, in UTF-8 bytes. */
    public static final int NAME_LENGTH_MAX = 32;

    /**
     * Longest text, in UTF-8 bytes, that fits one EVENT frame in a 1,200-byte datagram; longer text (up to {@code
     * limits.text-bytes-max}) travels in fragments.
     */
    public static final int TEXT_LENGTH_MAX = 1024;

    /**
     * Longest text of a {@link EventKind#SIGNAL} event, in UTF-8 bytes: the signal lane carries small control messages
     * only, which always fit one frame and never wait behind a long one.
     */
    public static final int SIGNAL_BYTES_MAX = 256;

    /** Largest counter: the EVENT frame carries 32 bits. */
    public static final long COUNTER_MAX = 0xFFFF_FFFFL;

    public Event {
        if (counter < 0 || counter > COUNTER_MAX) {
            throw new IllegalArgumentException("counter " + counter + " outside 0.." + COUNTER_MAX);
        }
    }

    /** An event not signed (yet), not numbered. */
    public Event(
            EventId id, SessionId session, NodeId author, String authorName, long hlc, EventKind kind, String text) {
        this(id, session, author, authorName, hlc, 0, kind, text, null);
    }

    /** An event not signed (yet), numbered {@code counter} among its author's events in its session. */
    public Event(
            EventId id,
            SessionId session,
            NodeId author,
            String authorName,
            long hlc,
            long counter,
            EventKind kind,
            String text) {
        this(id, session, author, authorName, hlc, counter, kind, text, null);
    }

    /** This event, not yet signed, numbered {@code number}. */
    public Event withCounter(long number) {
        if (proof != null) {
            throw new IllegalStateException("a signed event keeps its number");
        }
        return new Event(id, session, author, authorName, hlc, number, kind, text, null);
    }

    /** This event with its author's proof attached. */
    public Event withProof(EventProof eventProof) {
        return new Event(id, session, author, authorName, hlc, counter, kind, text, eventProof);
    }

    /** Causal order with deterministic ties: hybrid logical clock, then author, then id. */
    public static final Comparator<Event> ORDER = Comparator.comparingLong(Event::hlc)
            .thenComparing(Event::author)
            .thenComparingLong(event -> event.id().high())
            .thenComparingLong(event -> event.id().low());
}
