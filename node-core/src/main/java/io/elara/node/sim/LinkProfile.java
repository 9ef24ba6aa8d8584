package io.elara.node.sim;

import java.util.concurrent.TimeUnit;

/**
 * How one direction of a simulated link treats datagrams. The one-way delay of a datagram is {@code latencyNs} plus a
 * jitter drawn uniformly from {@code [0, jitterNs]}; a reordered datagram is held back by a further uniform delay of up
 * to {@code latencyNs + jitterNs}, so datagrams sent after it overtake it.
 *
 * @param latencyNs fixed one-way delay
 * @param jitterNs largest extra random delay
 * @param loss probability that a datagram is dropped
 * @param duplication probability that a datagram arrives twice
 * @param reorder probability that a datagram is held back past later ones
 * @param bandwidthBytesPerSecond serialisation rate of the link, 0 for unlimited; datagrams queue behind each other
 */
public record LinkProfile(
        long latencyNs, long jitterNs, double loss, double duplication, double reorder, long bandwidthBytesPerSecond) {
    /** A plausible wide-area link: 20 ms ± 10 ms, 1% loss, rare duplication and reordering, no bandwidth cap. */
    public static final LinkProfile DEFAULT =
            new LinkProfile(TimeUnit.MILLISECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(10), 0.01, 0.001, 0.01, 0);

    public LinkProfile {
        if (latencyNs < 0 || jitterNs < 0 || bandwidthBytesPerSecond < 0) {
            throw new IllegalArgumentException("latency, jitter and bandwidth cannot be negative");
        }
        checkProbability("loss", loss);
        checkProbability("duplication", duplication);
        checkProbability("reorder", reorder);
    }

    private static void checkProbability(String what, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be between 0 and 1, got " + value);
        }
    }

    public LinkProfile withLoss(double newLoss) {
        return new LinkProfile(latencyNs, jitterNs, newLoss, duplication, reorder, bandwidthBytesPerSecond);
    }
}
