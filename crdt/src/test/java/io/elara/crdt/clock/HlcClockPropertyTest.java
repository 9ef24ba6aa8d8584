package io.elara.crdt.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Monotonicity of the hybrid logical clock under skewed and jumping wall clocks: whatever the local wall clock does
 * (stand still, jump back an hour, jump forward) and whatever acceptable remote timestamps arrive, every value the
 * clock issues is greater than every value it issued or observed before, and never runs ahead of the largest time it
 * has seen by more than its logical counter can carry.
 */
class HlcClockPropertyTest {
    private static final long DRIFT_MS = 60_000;
    private static final long START_MS = 1_767_225_600_000L;

    /** One step: a local event at a wall time, or a remote timestamp observed at that wall time. */
    record Step(long wallOffsetMs, boolean remote, long remoteOffsetMs, int remoteLogical) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Long> wall = Arbitraries.oneOf(
                Arbitraries.longs().between(-5, 5), // a clock that barely moves, or stalls
                Arbitraries.longs().between(-3_600_000, 3_600_000)); // jumps of up to an hour either way
        Arbitrary<Step> step = Combinators.combine(
                        wall,
                        Arbitraries.of(true, false),
                        Arbitraries.longs().between(-7_200_000, DRIFT_MS),
                        Arbitraries.integers().between(0, Hlc.LOGICAL_MAX))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(200);
    }

    @Property(tries = 300)
    void shouldIssueStrictlyIncreasingValuesWhateverTheWallClockDoes(@ForAll("histories") List<Step> history) {
        HlcClock clock = new HlcClock(DRIFT_MS);
        long wallMs = START_MS;
        long previous = 0;
        long largestSeenMs = 0;
        for (Step step : history) {
            wallMs = Math.max(0, wallMs + step.wallOffsetMs());
            largestSeenMs = Math.max(largestSeenMs, wallMs);
            long value;
            if (step.remote()) {
                long remote = Hlc.pack(Math.max(0, wallMs + step.remoteOffsetMs()), step.remoteLogical());
                assertThat(clock.acceptable(remote, wallMs)).isTrue();
                value = clock.observe(remote, wallMs);
                assertThat(value).isGreaterThan(remote);
                largestSeenMs = Math.max(largestSeenMs, Hlc.physicalMs(remote));
            } else {
                value = clock.now(wallMs);
            }
            assertThat(value).isGreaterThan(previous);
            assertThat(clock.last()).isEqualTo(value);
            // The physical part follows the largest time seen; only a full logical counter carries it further.
            assertThat(Hlc.physicalMs(value)).isBetween(largestSeenMs, largestSeenMs + history.size());
            previous = value;
        }
    }

    @Property(tries = 200)
    void shouldRefuseRemoteTimesBeyondTheDriftBound(@ForAll("histories") List<Step> history) {
        HlcClock clock = new HlcClock(DRIFT_MS);
        long wallMs = START_MS + history.get(0).wallOffsetMs();
        long before = clock.now(wallMs);
        long tooFar = Hlc.pack(wallMs + DRIFT_MS + 1, 0);
        assertThat(clock.acceptable(tooFar, wallMs)).isFalse();
        assertThat(clock.acceptable(Hlc.pack(wallMs + DRIFT_MS, 0), wallMs)).isTrue();
        assertThat(clock.last()).as("checking changes nothing").isEqualTo(before);
    }
}
