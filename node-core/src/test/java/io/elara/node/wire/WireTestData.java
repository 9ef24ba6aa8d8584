package io.elara.node.wire;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;

/** Fixed values for codec tests, chosen so each field is recognisable in a hex dump. */
public final class WireTestData {
    private WireTestData() {}

    /** Author bytes 0x20, 0x21, ... 0x3f. */
    public static NodeId author() {
        byte[] key = new byte[NodeId.LENGTH];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0x20 + i);
        }
        return NodeId.of(key);
    }

    public static Event event(String name, String text) {
        return new Event(
                new EventId(0x0102030405060708L, 0x090A0B0C0D0E0F10L),
                new SessionId(0x1111111111111111L, 0x2222222222222222L),
                author(),
                name,
                0x0000019B4C3A0005L,
                0xA0000002L,
                EventKind.TEXT,
                text);
    }
}
