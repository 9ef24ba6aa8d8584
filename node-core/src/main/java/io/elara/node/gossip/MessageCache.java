package io.elara.node.gossip;

import io.elara.node.event.EventId;
import java.util.HashMap;

/**
 * The last {@code max} payloads a node received or sent, kept to answer GRAFTs and anti-entropy pulls, in arrival
 * order (a ring), so a digest can name the newest ids and walk the older ones in turn. Single thread.
 */
final class MessageCache {
    /** A cached message and the hop count it arrived with. The payload is shared, never modified. */
    static final class Entry {
        private final byte[] payload;
        private final int hops;

        Entry(byte[] payload, int hops) {
            this.payload = payload;
            this.hops = hops;
        }

        byte[] payload() {
            return payload;
        }

        int hops() {
            return hops;
        }
    }

    private final EventId[] ring;
    private final HashMap<EventId, Entry> entries = new HashMap<>();
    private int next;
    private int size;
    private int cursor;

    MessageCache(int max) {
        this.ring = new EventId[max];
    }

    void put(EventId id, byte[] payload, int hops) {
        if (entries.containsKey(id)) {
            return;
        }
        if (size == ring.length) {
            entries.remove(ring[next]);
        } else {
            size++;
        }
        ring[next] = id;
        next = (next + 1) % ring.length;
        entries.put(id, new Entry(payload, hops));
    }

    Entry get(EventId id) {
        return entries.get(id);
    }

    int size() {
        return size;
    }

    /**
     * Writes up to {@code max} ids into {@code into}: the newest half of them, then older ones from a cursor that moves
     * on at each call, so repeated digests cover the whole cache. Returns how many it wrote.
     */
    int digest(EventId[] into, int max) {
        int count = Math.min(max, size);
        int newest = Math.min(size, (count + 1) / 2);
        for (int i = 0; i < newest; i++) {
            into[i] = ring[Math.floorMod(next - 1 - i, ring.length)];
        }
        int older = size - newest;
        int written = newest;
        for (int i = 0; i < count - newest && older > 0; i++) {
            // Older entries are the ring positions before the newest ones; the cursor walks them round.
            int age = newest + (cursor + i) % older;
            into[written++] = ring[Math.floorMod(next - 1 - age, ring.length)];
        }
        if (older > 0) {
            cursor = (cursor + (count - newest)) % older;
        }
        return written;
    }
}
