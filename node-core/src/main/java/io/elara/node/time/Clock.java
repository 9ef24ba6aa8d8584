package io.elara.node.time;

/**
 * A source of time in nanoseconds since the Unix epoch. Drivers read it once per cycle and pass the value into the
 * core; the core never reads a clock. Realtime: {@code io.elara.node.transport.SystemClock}; tests: a manual clock's
 * {@code nowNs} method reference.
 */
@FunctionalInterface
public interface Clock {
    long nowNs();
}
