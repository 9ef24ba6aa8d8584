package io.elara.node.stage;

import io.elara.crdt.clock.HlcClock;
import io.elara.node.event.Event;
import io.elara.node.session.Session;

/**
 * PROCESS: per-kind logic for a valid event. Every remote event advances this node's hybrid logical clock past the
 * author's stamp (so what this node says next is ordered after what it has seen); text counts towards the session.
 * Voice, visual and presence logic joins here with their issues. Loop thread only.
 */
public final class ProcessStage {
    private final HlcClock clock;

    public ProcessStage(HlcClock clock) {
        this.clock = clock;
    }

    /** Processes {@code event} of {@code session}, which passed validation. */
    public void process(Event event, Session session, boolean local, long nowNs) {
        if (!local) {
            clock.observe(event.hlc(), nowNs / 1_000_000L);
        }
        switch (event.kind()) {
            case TEXT -> session.countMessage();
            case SIGNAL -> {
                // A control message for whoever subscribes; not a chat message.
            }
            case SESSION -> {
                // Session control: the node's session layer acts on it after MERGE.
            }
            case STATE -> {
                // A presence or topic change: MERGE applies it to the session's state.
            }
        }
    }
}
