package io.elara.node.session;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who a member of a large session exchanges events with: a bounded overlay that every member computes alike from the
 * member list, with no message of its own.
 *
 * <p><b>Construction.</b> Each of {@link #RINGS} rings orders the members by a key, the first 8 bytes of SHA-256 over
 * (session id, ring number, node id). A member's neighbours are its successor and predecessor on every ring: at most
 * {@code 2 × RINGS} = 10 members, whatever the session's size. The union of a few random Hamiltonian cycles is an
 * expander with high probability, so the overlay is connected and its diameter grows as log n: at 100 members the
 * mean path is 2.3 hops and the longest 3, at 1,000 members 3.3 and 5 with 99.9 % of pairs within 4 ({@code
 * OverlayTest} measures it). Five rings rather than four is what brings every pair of a 100-member session within 3
 * hops (with four, 1 % of pairs are 4 hops apart), at the cost of two more copies of each event per member. Since every member derives the same rings from the same membership,
 * the relation is symmetric without any negotiation, and a membership change moves only the neighbours of the members
 * next to the change on each ring. Hashing with the session id means a member cannot pick its key once to sit next to
 * a chosen victim in every session.
 *
 * <p><b>Members that cannot be reached</b> (no address known, or silent past a timeout) are passed over: a member
 * walks on along the ring to the next one it can use, so an offline member does not cut its neighbours off. Their
 * views of who is down may differ for a while; links stay symmetric in practice because both ends of a link see each
 * other's silence, and a member that forwards to a non-neighbour only adds a path.
 */
public final class Overlay {
    /** Rings in the overlay: each gives a member up to two neighbours. */
    public static final int RINGS = 5;

    private final NodeId self;
    /** Per ring, the members (self included) in key order. */
    private final List<List<NodeId>> rings;

    private Overlay(NodeId self, List<List<NodeId>> rings) {
        this.self = self;
        this.rings = rings;
    }

    /** The overlay of {@code session} with {@code members} (which must hold {@code self}), as {@code self} sees it. */
    public static Overlay of(SessionId session, NodeId self, Collection<NodeId> members) {
        if (!members.contains(self)) {
            throw new IllegalArgumentException("the overlay is built by a member");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        List<List<NodeId>> rings = new ArrayList<>(RINGS);
        ByteBuffer prefix = ByteBuffer.allocate(SessionId.LENGTH + 1);
        for (int ring = 0; ring < RINGS; ring++) {
            prefix.clear();
            prefix.putLong(session.high()).putLong(session.low()).put((byte) ring);
            List<Keyed> keyed = new ArrayList<>(members.size());
            for (NodeId member : members) {
                sha.update(prefix.array());
                byte[] hash = sha.digest(member.toBytes());
                keyed.add(new Keyed(ByteBuffer.wrap(hash).getLong(), member));
            }
            keyed.sort(Comparator.comparingLong(Keyed::key).thenComparing(Keyed::member));
            List<NodeId> order = new ArrayList<>(keyed.size());
            for (Keyed entry : keyed) {
                order.add(entry.member());
            }
            rings.add(order);
        }
        return new Overlay(self, rings);
    }

    private record Keyed(long key, NodeId member) {}

    /**
     * This member's neighbours: on every ring, the nearest member after it and the nearest before it that {@code
     * usable} accepts. In ring order, without repeats; never this member itself.
     */
    public List<NodeId> neighbours(Predicate<NodeId> usable) {
        Set<NodeId> found = new LinkedHashSet<>();
        for (List<NodeId> ring : rings) {
            int n = ring.size();
            int at = ring.indexOf(self);
            for (int step = 1; step < n; step++) {
                NodeId next = ring.get((at + step) % n);
                if (usable.test(next)) {
                    found.add(next);
                    break;
                }
            }
            for (int step = 1; step < n; step++) {
                NodeId previous = ring.get(((at - step) % n + n) % n);
                if (usable.test(previous)) {
                    found.add(previous);
                    break;
                }
            }
        }
        return List.copyOf(found);
    }
}
