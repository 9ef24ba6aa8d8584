package io.elara.cli.bench;

import java.time.Duration;

/** This process's CPU time, all threads, user and system. */
final class CpuTime {
    private CpuTime() {}

    /**
     * Nanoseconds of CPU this process has used, or -1 where the OS does not say. Read through {@link ProcessHandle}
     * (portable, no {@code com.sun.management}); on Linux it comes from {@code /proc/self/stat} in clock ticks of 10 ms,
     * which is 0.1 % of a one-second window.
     */
    static long processNs() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(-1L);
    }
}
