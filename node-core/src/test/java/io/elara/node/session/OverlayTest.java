package io.elara.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.NodeId;
import io.elara.node.event.SessionId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The overlay of large sessions: bounded degree, the same relation seen from both ends, connected, and a diameter that
 * grows as log n; members that cannot be reached are walked around without cutting anyone off.
 */
class OverlayTest {
    private static final SessionId SESSION = new SessionId(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    private static List<NodeId> ids(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeId> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] key = new byte[NodeId.LENGTH];
            random.nextBytes(key);
            ids.add(NodeId.of(key));
        }
        return ids;
    }

    private static Map<NodeId, List<NodeId>> graph(List<NodeId> ids, Predicate<NodeId> usable) {
        Map<NodeId, List<NodeId>> graph = new HashMap<>();
        for (NodeId id : ids) {
            if (usable.test(id)) {
                graph.put(id, Overlay.of(SESSION, id, ids).neighbours(usable));
            }
        }
        return graph;
    }

    /** Hops from {@code from} to every node it reaches. */
    private static Map<NodeId, Integer> distances(Map<NodeId, List<NodeId>> graph, NodeId from) {
        Map<NodeId, Integer> hops = new HashMap<>();
        ArrayDeque<NodeId> queue = new ArrayDeque<>();
        hops.put(from, 0);
        queue.add(from);
        while (!queue.isEmpty()) {
            NodeId at = queue.poll();
            for (NodeId next : graph.get(at)) {
                if (!hops.containsKey(next)) {
                    hops.put(next, hops.get(at) + 1);
                    queue.add(next);
                }
            }
        }
        return hops;
    }

    @Test
    void shouldKeepDegreeBoundedSymmetricAndDiameterLogarithmic() {
        // Goal: at 10 to 1,000 members every member has at most 10 neighbours, the relation is symmetric, everyone is
        // reached from everyone, and the longest shortest path is 3 hops at 100 members and 5 at 1,000.
        for (int n : new int[] {10, 30, 100, 300, 1000}) {
            List<NodeId> ids = ids(n, n);
            Map<NodeId, List<NodeId>> graph = graph(ids, id -> true);
            int diameter = 0;
            long pairs = 0;
            long hopSum = 0;
            for (NodeId id : ids) {
                List<NodeId> neighbours = graph.get(id);
                assertThat(neighbours)
                        .hasSizeBetween(Math.min(2, n - 1), 2 * Overlay.RINGS)
                        .doesNotContain(id);
                for (NodeId neighbour : neighbours) {
                    assertThat(graph.get(neighbour)).as("symmetric at n=%d", n).contains(id);
                }
                if (n <= 300 || ids.indexOf(id) % 10 == 0) {
                    Map<NodeId, Integer> hops = distances(graph, id);
                    assertThat(hops).as("connected at n=%d", n).hasSize(n);
                    for (int h : hops.values()) {
                        diameter = Math.max(diameter, h);
                        hopSum += h;
                        pairs++;
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "overlay n=%d: diameter %d hops, mean path %.2f hops%n",
                    n,
                    diameter,
                    (double) hopSum / pairs);
            if (n == 100) {
                assertThat(diameter).isLessThanOrEqualTo(3);
            }
            if (n == 1000) {
                assertThat(diameter).isLessThanOrEqualTo(5);
            }
        }
    }

    @Test
    void shouldWalkAroundMembersThatCannotBeReached() {
        // Goal: with a fifth of 200 members offline, the others still form one connected overlay, and nobody keeps an
        // offline member as a neighbour. Method: without walking on (dropping an offline neighbour and taking no
        // replacement), members next to several offline ones would be left with few or no links.
        List<NodeId> ids = ids(200, 7);
        Set<NodeId> offline = new HashSet<>(ids.subList(0, 40));
        Map<NodeId, List<NodeId>> graph = graph(ids, id -> !offline.contains(id));
        for (Map.Entry<NodeId, List<NodeId>> entry : graph.entrySet()) {
            assertThat(entry.getValue()).doesNotContainAnyElementsOf(offline).hasSizeGreaterThanOrEqualTo(4);
        }
        NodeId first = graph.keySet().iterator().next();
        assertThat(distances(graph, first)).hasSize(160);
    }

    @Test
    void shouldMoveOnlyAFewNeighboursWhenOneMemberJoins() {
        // Goal: a join changes the neighbours of the members next to it on each ring, not the whole overlay.
        List<NodeId> ids = ids(101, 11);
        List<NodeId> before = ids.subList(0, 100);
        int changed = 0;
        for (NodeId id : before) {
            Set<NodeId> old = new HashSet<>(Overlay.of(SESSION, id, before).neighbours(m -> true));
            Set<NodeId> now = new HashSet<>(Overlay.of(SESSION, id, ids).neighbours(m -> true));
            now.remove(ids.get(100));
            if (!now.equals(old)) {
                changed++;
            }
        }
        assertThat(changed).isLessThanOrEqualTo(2 * Overlay.RINGS);
    }
}
