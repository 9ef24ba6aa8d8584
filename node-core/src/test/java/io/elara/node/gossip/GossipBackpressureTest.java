package io.elara.node.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.node.sim.LinkProfile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goal: one slow member cannot stall the others or grow their memory. Method: 100 nodes (20 ms links, 1% loss); one
 * member stops draining (every link towards it reports unwritable) for 6 s while the others broadcast 1,000-byte
 * messages every 20 ms; the rest must keep receiving everything, every queue stays within its bound, the slow member
 * is dropped from its neighbours' active views, and once it drains again it catches up through anti-entropy.
 */
class GossipBackpressureTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    @DisplayName("gossip: a stuck member, 100 nodes")
    void shouldKeepDeliveringToTheOthersWhenOneMemberStopsDraining(long seed) {
        LinkProfile link = new LinkProfile(TimeUnit.MILLISECONDS.toNanos(20), 0, 0.01, 0, 0, 0);
        GossipSimulator sim = new GossipSimulator(100, seed, link, GossipConfig.DEFAULT);
        sim.startAll(100, TimeUnit.SECONDS.toNanos(1));
        sim.runUntil(TimeUnit.SECONDS.toNanos(5));
        int slow = 17;
        sim.slow(slow, true);
        long stepNs = TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < 300; i++) {
            int origin = sim.random().nextInt(100);
            sim.broadcast(origin == slow ? (origin + 1) % 100 : origin);
            sim.runUntil(sim.nowNs() + stepNs);
        }
        sim.runUntil(sim.nowNs() + TimeUnit.SECONDS.toNanos(1));
        long missingElsewhere = 0;
        for (GossipSimulator.Message message : sim.messages()) {
            for (int node = 0; node < 100; node++) {
                if (node != slow && !message.delivered.get(node)) {
                    missingElsewhere++;
                }
            }
        }
        int stillNeighbour = 0;
        for (int node = 0; node < 100; node++) {
            if (node != slow && sim.node(node).activeView().contains(slow)) {
                stillNeighbour++;
            }
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "gossip backpressure: seed %d, queue max %d bytes (bound %d), %d nodes still link the stuck one%n",
                seed,
                sim.queuedBytesObservedMax(),
                GossipConfig.DEFAULT.queueBytesMax(),
                stillNeighbour);
        assertThat(missingElsewhere)
                .as("seed %d: everyone else got everything", seed)
                .isZero();
        assertThat(sim.queuedBytesObservedMax()).isLessThanOrEqualTo(GossipConfig.DEFAULT.queueBytesMax());
        assertThat(stillNeighbour)
                .as("seed %d: the stuck member is pruned from active views", seed)
                .isZero();

        sim.slow(slow, false);
        long convergedNs = sim.runUntilConverged(sim.nowNs() + TimeUnit.SECONDS.toNanos(60), stepNs);
        assertThat(convergedNs)
                .as("seed %d: the stuck member catches up once it drains", seed)
                .isPositive();
        assertThat(sim.violations()).isEmpty();
    }
}
