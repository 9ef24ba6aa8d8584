package io.elara.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private static final int WINDOW = ReplayWindow.WINDOW_SIZE;

    private final ReplayWindow window = new ReplayWindow();

    @Test
    void shouldAcceptCounterZeroOnceWhenNothingWasSeen() {
        assertThat(window.check(0)).isTrue();
        assertThat(window.accept(0)).isTrue();
        assertThat(window.check(0)).isFalse();
        assertThat(window.accept(0)).isFalse();
    }

    @Test
    void shouldRefuseEveryCounterASecondTimeWhenCountersArriveInOrder() {
        for (long counter = 0; counter < 10_000; counter++) {
            assertThat(window.accept(counter)).as("counter %d", counter).isTrue();
            assertThat(window.accept(counter))
                    .as("replayed counter %d", counter)
                    .isFalse();
        }
        assertThat(window.highest()).isEqualTo(9_999);
    }

    @Test
    void shouldNotChangeStateWhenOnlyChecking() {
        window.accept(100);
        assertThat(window.check(5_000)).isTrue();
        assertThat(window.check(5_000)).isTrue();
        assertThat(window.highest()).isEqualTo(100);
        // 99 is still inside the window because check(5_000) did not move it.
        assertThat(window.accept(99)).isTrue();
    }

    @Test
    void shouldAcceptTheOldestCounterInTheWindowAndRefuseOneBelowIt() {
        long highest = 10_000;
        window.accept(highest);

        long oldestInside = highest - WINDOW + 1;
        long newestOutside = highest - WINDOW;
        assertThat(window.check(newestOutside)).as("exactly WINDOW_SIZE back").isFalse();
        assertThat(window.accept(newestOutside)).isFalse();
        assertThat(window.check(oldestInside)).as("WINDOW_SIZE - 1 back").isTrue();
        assertThat(window.accept(oldestInside)).isTrue();
        assertThat(window.accept(oldestInside)).isFalse();
    }

    @Test
    void shouldKeepTheOldestCounterWhenTheWindowEdgeCrossesAWord() {
        // Highest at the first bit of a word: the oldest counter in the window sits at the first bit of the word
        // WINDOW_SIZE / 64 words back, which shares no ring slot with any word cleared on the way.
        for (long highest : new long[] {64L * 100, 64L * 100 + 63, 64L * 100 + 1}) {
            ReplayWindow fresh = new ReplayWindow();
            fresh.accept(highest - WINDOW + 1);
            fresh.accept(highest);
            assertThat(fresh.accept(highest - WINDOW + 1))
                    .as("oldest counter already seen, highest %d", highest)
                    .isFalse();
            assertThat(fresh.accept(highest - WINDOW + 2))
                    .as("second oldest new, highest %d", highest)
                    .isTrue();
            assertThat(fresh.accept(highest - WINDOW))
                    .as("too old, highest %d", highest)
                    .isFalse();
        }
    }

    @Test
    void shouldAcceptOutOfOrderCountersOnceWhenInsideTheWindow() {
        window.accept(50);
        window.accept(10);
        window.accept(49);
        window.accept(2_000);

        assertThat(window.accept(11)).isTrue();
        assertThat(window.accept(10)).isFalse();
        assertThat(window.accept(49)).isFalse();
        assertThat(window.accept(50)).isFalse();
        assertThat(window.accept(1_999)).isTrue();
        assertThat(window.accept(0)).isTrue();
    }

    @Test
    void shouldForgetEverythingBehindWhenJumpingFurtherThanTheWindow() {
        for (long counter = 0; counter < 3_000; counter++) {
            window.accept(counter);
        }
        long jump = 3_000 + 100L * WINDOW;
        assertThat(window.accept(jump)).isTrue();

        assertThat(window.accept(2_999)).as("far behind the new window").isFalse();
        // Every counter below the new highest inside the window is new, although the ring's words were reused.
        for (long counter = jump - WINDOW + 1; counter < jump; counter++) {
            assertThat(window.check(counter)).as("counter %d", counter).isTrue();
        }
        assertThat(window.accept(jump - 1)).isTrue();
        assertThat(window.accept(jump - 1)).isFalse();
    }

    @Test
    void shouldClearReusedWordsWhenJumpingByLessThanTheRing() {
        // Fill the window densely, then jump by a bit less and a bit more than a word at a time; a stale bit left in
        // a reused word would show up as a false replay.
        for (long counter = 0; counter < WINDOW; counter++) {
            window.accept(counter);
        }
        long highest = WINDOW - 1;
        for (int step :
                new int[] {1, 63, 64, 65, 1_000, WINDOW - 1, WINDOW, WINDOW + 1, 64 * ReplayWindow.RING_WORDS}) {
            long next = highest + step;
            assertThat(window.accept(next)).as("jump by %d", step).isTrue();
            for (long counter = Math.max(highest + 1, next - WINDOW + 1); counter < next; counter++) {
                assertThat(window.check(counter))
                        .as("counter %d after a jump by %d", counter, step)
                        .isTrue();
            }
            highest = next;
        }
    }

    @Test
    void shouldTreatCountersAsUnsignedWhenNearTheTop() {
        long top = -1L - 10; // 2^64 - 11
        assertThat(window.accept(Long.MAX_VALUE)).isTrue();
        assertThat(window.accept(top)).isTrue();
        assertThat(window.accept(Long.MAX_VALUE))
                .as("2^63 - 1 is far below 2^64 - 11")
                .isFalse();
        assertThat(window.accept(top - 1)).isTrue();
        assertThat(window.accept(-1L)).isTrue();
        assertThat(window.accept(top)).isFalse();
        assertThat(window.highest()).isEqualTo(-1L);
    }

    @Test
    void shouldAcceptEveryCounterWhenARandomPermutationKeepsEachInsideTheWindow() {
        // Each counter is delayed by a random amount below the window: sorting by counter + delay gives an arrival
        // order in which no counter is ever WINDOW_SIZE or more below the highest already seen.
        Random random = new Random(6479);
        int count = 10_000;
        List<long[]> arrivals = new ArrayList<>(count);
        for (long counter = 0; counter < count; counter++) {
            arrivals.add(new long[] {counter + random.nextInt(WINDOW), counter});
        }
        arrivals.sort((a, b) -> Long.compare(a[0], b[0]));

        int displaced = 0;
        long previous = -1;
        for (long[] arrival : arrivals) {
            long counter = arrival[1];
            if (counter < previous) {
                displaced++;
            }
            previous = Math.max(previous, counter);
            assertThat(window.accept(counter)).as("counter %d", counter).isTrue();
        }
        assertThat(displaced).as("the permutation really reorders").isGreaterThan(count / 2);
        for (long counter = 0; counter < count; counter++) {
            assertThat(window.check(counter)).as("replay of %d", counter).isFalse();
        }
    }

    @Test
    void shouldAgreeWithASetModelWhenFedRandomCountersWithReplaysAndOldOnes() {
        Random random = new Random(42);
        Set<Long> seen = new HashSet<>();
        long highest = 0;
        for (int i = 0; i < 200_000; i++) {
            long counter = switch (random.nextInt(4)) {
                case 0 -> highest + random.nextInt(70); // forward, small steps
                case 1 -> highest + random.nextInt(3 * WINDOW); // forward, sometimes past the ring
                default -> Math.max(0, highest - random.nextInt(WINDOW + 200)); // behind
            };
            boolean expected = counter > highest || (highest - counter < WINDOW && !seen.contains(counter));
            assertThat(window.check(counter))
                    .as("check(%d), highest %d, step %d", counter, highest, i)
                    .isEqualTo(expected);
            assertThat(window.accept(counter))
                    .as("accept(%d), highest %d, step %d", counter, highest, i)
                    .isEqualTo(expected);
            if (expected) {
                seen.add(counter);
                highest = Math.max(highest, counter);
            }
        }
    }
}
