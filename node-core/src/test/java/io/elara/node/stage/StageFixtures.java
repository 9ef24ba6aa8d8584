package io.elara.node.stage;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import java.util.Random;

/** Events for stage tests. */
final class StageFixtures {
    /** 2026-01-01T00:00:00Z. */
    static final long NOW_MS = 1_767_225_600_000L;

    static final long NOW_NS = NOW_MS * 1_000_000L;

    private static final Random RANDOM = new Random(1);

    private StageFixtures() {}

    static NodeId author(int seed) {
        byte[] key = new byte[NodeId.LENGTH];
        new Random(seed).nextBytes(key);
        return NodeId.of(key);
    }

    static Event text(SessionId session, String text) {
        return text(session, "ada", text, Hlc.pack(NOW_MS, 0));
    }

    static Event text(SessionId session, String name, String text, long hlc) {
        return new Event(
                new EventId(RANDOM.nextLong(), RANDOM.nextLong()), session, author(1), name, hlc, EventKind.TEXT, text);
    }
}
