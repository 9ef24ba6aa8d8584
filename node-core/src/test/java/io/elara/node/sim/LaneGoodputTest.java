package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goodput of one reliable lane, in virtual time: a node queues 2,000 text events for a second node at once, over a
 * 20 ms ± 5 ms link capped at 500,000 bytes/s (so the 256-event window is several bandwidth-delay products), and the
 * test measures how long until every event is acknowledged. The figure is what a user notices; nothing here reads the
 * machine's clock.
 *
 * <p>Bounds, from runs of seeds 1-3 (see docs/PROTOCOL.md, "The reliable lane"): with cumulative acknowledgements
 * only and whole-window retransmission on timeout, the transfer took 3.5-3.7 s without loss and 4.3-5.4 s at 5% loss;
 * with selective acknowledgements and RFC 9002 loss detection, 2.0-2.1 s and 2.2-2.7 s.
 */
class LaneGoodputTest {
    private static final int EVENTS = 2000;
    private static final int TEXT_BYTES = 100;
    private static final long LIMIT_NS = TimeUnit.SECONDS.toNanos(60);

    private static LinkProfile link(double loss) {
        return new LinkProfile(
                TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(5), loss, 0, 0, 500_000);
    }

    private static LaneTransfer.Result transfer(double loss, long seed) {
        LaneTransfer.Result result = new LaneTransfer(link(loss), seed).run(EVENTS, TEXT_BYTES, LIMIT_NS);
        assertThat(result.acknowledged())
                .as("acknowledged, loss %s seed %d", loss, seed)
                .isEqualTo(EVENTS);
        assertThat(LaneTransfer.inOrderExactlyOnce(result.delivered(), EVENTS))
                .as("delivered exactly once, in order")
                .isTrue();
        return result;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    @DisplayName("lane: bulk transfer at 5% loss keeps 70% of loss-free goodput (2,000 events, 500 kB/s, 40 ms RTT)")
    void shouldKeepSeventyPercentOfLossFreeGoodputWhenFivePercentIsLost(long seed) {
        LaneTransfer.Result lossFree = transfer(0, seed);
        LaneTransfer.Result lossy = transfer(0.05, seed);
        // Cumulative-only acknowledgements needed 4.3 s or more here on every seed; the new lane needs at most 2.7 s.
        assertThat(lossy.elapsedNs()).as("virtual time at 5% loss").isLessThan(TimeUnit.MILLISECONDS.toNanos(3200));
        assertThat((double) lossFree.elapsedNs() / lossy.elapsedNs())
                .as("goodput at 5% loss relative to loss-free")
                .isGreaterThanOrEqualTo(0.70);
        // Held events are never sent again: retransmissions stay near the events actually lost.
        assertThat(lossy.retransmitted()).isLessThan(EVENTS / 10);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    @DisplayName("lane: bulk transfer completes at 10% and 30% loss (2,000 events, 500 kB/s, 40 ms RTT)")
    void shouldDeliverEverythingExactlyOnceInOrderWhenLossIsHeavy(long seed) {
        assertThat(transfer(0.10, seed).elapsedNs()).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(transfer(0.30, seed).elapsedNs()).isLessThan(TimeUnit.SECONDS.toNanos(30));
    }
}
