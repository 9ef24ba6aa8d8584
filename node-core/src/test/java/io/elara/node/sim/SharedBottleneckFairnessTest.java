package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two flows on the real reliable lane (three protected cores: congestion window, pacer, loss recovery as shipped) share
 * one bottleneck in virtual time: a first sender streams text events to a receiver from t = 0, a second sender starts
 * streaming to the same receiver at t = 5 s, and both keep their lanes full until t = 30 s. Every datagram into the
 * receiver passes one drop-tail queue of 10,000 bytes served at 250,000 bytes/s; links are 20 ms ± 2 ms each way with
 * no loss of their own, so the bandwidth-delay product is about 10,000 bytes and the queue holds one more. What a user
 * would notice: the second transfer gets its half within seconds and keeps it, the line stays full, and nothing is
 * lost, repeated or reordered.
 *
 * <p>Measured on seeds 1-3: from 10 s to 30 s the first sender got 51.1 %, 47.7 % and 53.5 % of the delivered text
 * (already 46-49 % in the five seconds after the second one joined), and the datagrams of both filled 98.9-99.2 % of
 * the bottleneck. With the first sender's congestion window disabled (it then sends up to the lane's 256-event window
 * whatever is lost), it took 76-84 % and the test fails.
 *
 * <p>The queue is one bandwidth-delay product on purpose. {@link io.elara.node.lane.CongestionWindow} cuts its window
 * only for losses while the path shows a queue of at least a quarter of the minimum RTT (10 ms here, 2,500 bytes of
 * this queue); a shallower queue never shows that much and its overflows read as random loss. With a 2,500-byte queue
 * the same runs dropped some 36,000 datagrams, the line carried 58-77 % of its capacity (retransmissions included) and
 * the first sender's share was 35-46 %: the cost that class's Javadoc names. Treating every loss as congestion there
 * kept the shares within 40-60 % but still used only 57-60 % of the line, so the shallow queue costs more than that
 * departure from NewReno (the pacer's ten-datagram bursts against a two-datagram queue are a suspect, not measured).
 */
class SharedBottleneckFairnessTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long BOTTLENECK_BYTES_PER_SECOND = 250_000;
    /** About one bandwidth-delay product (250,000 bytes/s × 40 ms). */
    private static final long BOTTLENECK_QUEUE_BYTES = 10_000;

    private static final int TEXT_BYTES = 100;
    private static final long SECOND_SENDER_STARTS_NS = 5 * SECOND;
    private static final long UNTIL_NS = 30 * SECOND;
    /** Five seconds for the second sender to leave slow start and the two windows to meet, then measure. */
    private static final long MEASURE_FROM_NS = 10 * SECOND;

    private static final LinkProfile LINK =
            new LinkProfile(TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(2), 0, 0, 0, 0);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    @DisplayName(
            "lane: a second sender joining at 5 s gets half of a shared 250 kB/s bottleneck (10 kB queue, 40 ms RTT)")
    void shouldShareBottleneckEquallyWhenSecondSenderJoinsLater(long seed) {
        SharedBottleneckTransfer.Result result = new SharedBottleneckTransfer(
                        LINK, BOTTLENECK_BYTES_PER_SECOND, BOTTLENECK_QUEUE_BYTES, TEXT_BYTES, seed)
                .run(new long[] {0, SECOND_SENDER_STARTS_NS}, UNTIL_NS);
        List<SharedBottleneckTransfer.Flow> flows = result.flows();

        long first = flows.get(0).deliveredBytes(MEASURE_FROM_NS, UNTIL_NS);
        long second = flows.get(1).deliveredBytes(MEASURE_FROM_NS, UNTIL_NS);
        // Utilisation, in datagram bytes into the receiver (headers, signatures, sealing and retransmissions included:
        // what occupies the line). Alone, one sender filled 97.9-98.4 % of it; the two together 98.9-99.2 % over the
        // window. With a queue of half this, 93-94 %. Below 90 % the flows back off further than a halving sawtooth
        // in a one-BDP queue explains, or spend the line on retransmissions.
        long arrived = flows.get(0).arrivedBytes(MEASURE_FROM_NS, UNTIL_NS)
                + flows.get(1).arrivedBytes(MEASURE_FROM_NS, UNTIL_NS);
        long capacity = BOTTLENECK_BYTES_PER_SECOND * (UNTIL_NS - MEASURE_FROM_NS) / SECOND;
        assertThat((double) first / (first + second))
                .as("first sender's share of what was delivered from 10 s to 30 s (seed %d)", seed)
                .isBetween(0.40, 0.60);
        assertThat((double) arrived / capacity)
                .as("bottleneck utilisation from 10 s to 30 s (seed %d)", seed)
                .isGreaterThan(0.90);
        // The queue did overflow: the flows found the limit by loss, as NewReno does, and answered it.
        assertThat(result.bottleneckDropped()).isPositive();

        for (int i = 0; i < flows.size(); i++) {
            SharedBottleneckTransfer.Flow flow = flows.get(i);
            assertThat(flow.failed()).as("sender %d's failed sends", i).isZero();
            List<Integer> delivered = flow.delivered();
            // Exactly once and in order: the receiver delivered events 0, 1, 2, ... of each sender, with no gap,
            // and at least everything it acknowledged (the run stops with events still in flight).
            for (int n = 0; n < delivered.size(); n++) {
                assertThat(delivered.get(n))
                        .as("sender %d's delivery number %d", i, n)
                        .isEqualTo(n);
            }
            assertThat(delivered.size()).isGreaterThanOrEqualTo(flow.acknowledged());
        }
    }
}
