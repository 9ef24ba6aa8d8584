package io.elara.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The network model on its own: delays, loss, duplication, partitions and bandwidth, over many samples. */
class SimNetworkTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SAMPLES = 100_000;

    private final long[] arrivals = new long[2];

    @Test
    void shouldDelayEveryDatagramWithinLatencyPlusJitterWhenNothingIsReordered() {
        SimNetwork network = new SimNetwork(2, new SplittableRandom(1), new LinkProfile(20 * MS, 10 * MS, 0, 0, 0, 0));
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < SAMPLES; i++) {
            assertThat(network.transmit(0, 1, 100, 1_000 * MS, arrivals)).isEqualTo(1);
            min = Math.min(min, arrivals[0] - 1_000 * MS);
            max = Math.max(max, arrivals[0] - 1_000 * MS);
        }
        assertThat(min).isBetween(20 * MS, 20 * MS + MS / 10);
        assertThat(max).isBetween(30 * MS - MS / 10, 30 * MS);
    }

    @Test
    void shouldLoseAndDuplicateAtTheConfiguredRatesWhenSampledManyTimes() {
        SimNetwork network = new SimNetwork(2, new SplittableRandom(2), new LinkProfile(MS, 0, 0.1, 0.05, 0, 0));
        long arrived = 0;
        for (int i = 0; i < SAMPLES; i++) {
            arrived += network.transmit(0, 1, 100, 0, arrivals);
        }
        // Three standard deviations of a binomial with n = 100,000 and p = 0.1 are about 0.3 percentage points.
        assertThat(network.lost() / (double) SAMPLES).isBetween(0.095, 0.105);
        assertThat(network.duplicated() / (double) (SAMPLES - network.lost())).isBetween(0.045, 0.055);
        assertThat(arrived).isEqualTo(SAMPLES - network.lost() + network.duplicated());
    }

    @Test
    void shouldHoldSomeDatagramsBackWhenReorderingIsOn() {
        SimNetwork network = new SimNetwork(2, new SplittableRandom(3), new LinkProfile(20 * MS, 0, 0, 0, 0.2, 0));
        long late = 0;
        for (int i = 0; i < SAMPLES; i++) {
            network.transmit(0, 1, 100, 0, arrivals);
            assertThat(arrivals[0]).isBetween(20 * MS, 40 * MS);
            if (arrivals[0] > 20 * MS) {
                late++;
            }
        }
        assertThat(late / (double) SAMPLES).isBetween(0.19, 0.21);
    }

    @Test
    void shouldBlockOnlyLinksAcrossAPartitionAndCarryThemAgainWhenItHeals() {
        SimNetwork network = new SimNetwork(4, new SplittableRandom(4), new LinkProfile(MS, 0, 0, 0, 0, 0));
        int cut = network.partition(0, 1);
        assertThat(network.transmit(0, 2, 100, 0, arrivals)).isZero();
        assertThat(network.transmit(3, 1, 100, 0, arrivals)).isZero();
        assertThat(network.transmit(0, 1, 100, 0, arrivals)).isEqualTo(1);
        assertThat(network.transmit(2, 3, 100, 0, arrivals)).isEqualTo(1);
        assertThat(network.partitioned()).isEqualTo(2);
        assertThat(network.heal(cut)).isTrue();
        assertThat(network.heal(cut)).isFalse();
        assertThat(network.transmit(0, 2, 100, 0, arrivals)).isEqualTo(1);
        assertThat(network.connected(3, 1)).isTrue();
    }

    @Test
    void shouldQueueDatagramsBehindTheBandwidthCapAndDropWhatOverflowsTheLinkQueue() {
        // 100,000 bytes/s: a 1,000-byte datagram takes 10 ms to leave the link.
        SimNetwork network = new SimNetwork(2, new SplittableRandom(5), new LinkProfile(5 * MS, 0, 0, 0, 0, 100_000));
        network.transmit(0, 1, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(15 * MS);
        network.transmit(0, 1, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(25 * MS);
        // The other direction has a queue of its own.
        network.transmit(1, 0, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(15 * MS);
        int accepted = 2;
        while (network.transmit(0, 1, 1000, 0, arrivals) == 1) {
            accepted++;
        }
        assertThat(accepted).isEqualTo((int) (SimNetwork.LINK_QUEUE_BYTES_MAX / 1000));
        assertThat(network.queueDropped()).isEqualTo(1);
        assertThat(network.queueBytesObservedMax()).isLessThanOrEqualTo(SimNetwork.LINK_QUEUE_BYTES_MAX);
        // Once the queue drains, datagrams leave at once again.
        network.transmit(0, 1, 1000, 10_000 * MS, arrivals);
        assertThat(arrivals[0]).isEqualTo(10_015 * MS);
    }

    @Test
    void shouldSerialiseTwoSendersBehindOneIngressBottleneckAndDropWhatOverflowsItsQueue() {
        // Three nodes; links have no bandwidth cap of their own. Node 2's ingress: 100,000 bytes/s (1,000 bytes take
        // 10 ms) and room for 5,000 bytes.
        SimNetwork network = new SimNetwork(3, new SplittableRandom(6), new LinkProfile(5 * MS, 0, 0, 0, 0, 0));
        network.bottleneck(2, 100_000, 5_000);
        network.transmit(0, 2, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(15 * MS);
        // The second sender's datagram waits behind the first sender's, though it crosses another link.
        network.transmit(1, 2, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(25 * MS);
        network.transmit(0, 2, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(35 * MS);
        // Traffic from node 2, and between the senders, does not pass the bottleneck.
        network.transmit(2, 0, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(5 * MS);
        network.transmit(0, 1, 1000, 0, arrivals);
        assertThat(arrivals[0]).isEqualTo(5 * MS);
        int accepted = 3;
        int from = 1;
        while (network.transmit(from, 2, 1000, 0, arrivals) == 1) {
            accepted++;
            from = 1 - from;
        }
        assertThat(accepted).as("datagrams the shared queue took").isEqualTo(5);
        assertThat(network.bottleneckDropped()).isEqualTo(1);
        assertThat(network.transmit(0, 2, 1000, 0, arrivals)).isZero();
        assertThat(network.bottleneckDropped()).isEqualTo(2);
        assertThat(network.queueDropped()).as("no link queue overflowed").isZero();
        assertThat(network.bottleneckQueueBytesObservedMax()).isEqualTo(5_000);
        // 10 ms later one datagram has left: room for exactly one more, behind the four still queued.
        assertThat(network.transmit(1, 2, 1000, 10 * MS, arrivals)).isEqualTo(1);
        assertThat(arrivals[0]).isEqualTo(65 * MS);
        // Once the queue drains, datagrams pass at the bottleneck's rate with no wait.
        network.transmit(1, 2, 1000, 10_000 * MS, arrivals);
        assertThat(arrivals[0]).isEqualTo(10_015 * MS);
    }
}
