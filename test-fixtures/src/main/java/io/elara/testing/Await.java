package io.elara.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline. Tests never sleep for a fixed time: they wait until what they expect is true,
 * and fail with a message that says what they were waiting for.
 */
public final class Await {
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {}

    /** Polls {@code condition} until it is true; fails with {@code what} when {@code timeout} passes first. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    /** Like {@link #until} but the failure message is computed at failure time, e.g. to show the last state seen. */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }
}
