package io.elara.node.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.sync.DotRange;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeldEventsTest {
    private static final long ADA = 0x0102030405060708L;
    private static final long BOB = -7L;

    @Test
    void shouldKeepAPrefixAndRunsBeyondGapsAndCloseThemWhenTheGapsFill() {
        HeldEvents held = new HeldEvents();
        assertThat(held.add(ADA, 1)).isTrue();
        assertThat(held.add(ADA, 2)).isTrue();
        assertThat(held.add(ADA, 2)).as("a copy").isFalse();
        assertThat(held.add(ADA, 0)).as("not numbered").isFalse();
        assertThat(held.add(ADA, 5)).isTrue();
        assertThat(held.add(ADA, 7)).isTrue();
        assertThat(held.add(ADA, 6)).isTrue();
        assertThat(held.add(ADA, 6)).isFalse();
        assertThat(held.summary(ADA, 16)).isEqualTo(new HeldEvents.Summary(2, List.of(new DotRange(ADA, 5, 7))));
        assertThat(held.max(ADA)).isEqualTo(7);
        assertThat(held.contains(ADA, 4)).isFalse();
        assertThat(held.contains(ADA, 6)).isTrue();
        assertThat(held.add(ADA, 4)).isTrue();
        assertThat(held.summary(ADA, 16)).isEqualTo(new HeldEvents.Summary(2, List.of(new DotRange(ADA, 4, 7))));
        assertThat(held.add(ADA, 3)).isTrue();
        assertThat(held.summary(ADA, 16)).isEqualTo(new HeldEvents.Summary(7, List.of()));
        assertThat(held.size()).isEqualTo(7);
        assertThat(held.max(BOB)).isZero();
        assertThat(held.summary(BOB, 16)).isEqualTo(new HeldEvents.Summary(0, List.of()));
    }

    @Test
    void shouldFindExactlyTheDotsTheOtherSideLacksEvenInsideOneAuthorsRun() {
        HeldEvents mine = new HeldEvents();
        for (long counter = 1; counter <= 10; counter++) {
            mine.add(ADA, counter);
        }
        // They hold 1..3, 5, 8..9: a newest-stamp comparison would say they lack only 10.
        HeldEvents.Summary theirs =
                new HeldEvents.Summary(3, List.of(new DotRange(ADA, 5, 5), new DotRange(ADA, 8, 9)));
        assertThat(mine.missingFrom(ADA, theirs, 100))
                .containsExactly(new DotRange(ADA, 4, 4), new DotRange(ADA, 6, 7), new DotRange(ADA, 10, 10));
        assertThat(mine.missingFrom(ADA, theirs, 2))
                .as("bounded by the room the member's lane has")
                .containsExactly(new DotRange(ADA, 4, 4), new DotRange(ADA, 6, 6));
        assertThat(mine.missingFrom(ADA, null, 100)).containsExactly(new DotRange(ADA, 1, 10));
        assertThat(mine.missingFrom(BOB, null, 100)).isEmpty();
        assertThat(mine.missingFrom(ADA, new HeldEvents.Summary(12, List.of()), 100))
                .isEmpty();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldAgreeWithSetDifferenceOnRandomHoldings(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            NavigableSet<Long> mineSet = randomSet(random);
            NavigableSet<Long> theirSet = randomSet(random);
            HeldEvents mine = of(mineSet);
            HeldEvents theirs = of(theirSet);
            List<Long> expected = new ArrayList<>(mineSet);
            expected.removeAll(theirSet);
            long budget = 1L + random.nextInt(60);
            List<Long> found = new ArrayList<>();
            for (DotRange range : mine.missingFrom(ADA, theirs.summary(ADA, Integer.MAX_VALUE), budget)) {
                for (long counter = range.first(); counter <= range.last(); counter++) {
                    found.add(counter);
                }
            }
            assertThat(found)
                    .as("round %d: mine %s, theirs %s, budget %d", round, mineSet, theirSet, budget)
                    .containsExactlyElementsOf(expected.subList(0, (int) Math.min(budget, expected.size())));
            assertThat(mine.size()).isEqualTo(2L * mineSet.size());
            assertThat(mine.max(ADA)).isEqualTo(mineSet.isEmpty() ? 0 : mineSet.last());
            HeldEvents copy = new HeldEvents();
            copy.addAll(mine);
            assertThat(copy.summary(ADA, Integer.MAX_VALUE)).isEqualTo(mine.summary(ADA, Integer.MAX_VALUE));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    void shouldHoldExactlyWhatIsLeftWhenDotsAreTakenOutAgain(long seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            NavigableSet<Long> left = randomSet(random);
            HeldEvents held = new HeldEvents();
            for (long counter : left) {
                held.add(ADA, counter);
            }
            for (long counter : new ArrayList<>(left)) {
                if (random.nextInt(3) == 0) {
                    assertThat(held.remove(ADA, counter)).isTrue();
                    left.remove(counter);
                }
            }
            assertThat(held.remove(ADA, 1_000)).as("never held").isFalse();
            HeldEvents expected = new HeldEvents();
            for (long counter : left) {
                expected.add(ADA, counter);
            }
            assertThat(held.summary(ADA, Integer.MAX_VALUE))
                    .as("round %d: %s", round, left)
                    .isEqualTo(expected.summary(ADA, Integer.MAX_VALUE));
            assertThat(held.size()).isEqualTo(left.size());
        }
    }

    @Test
    void shouldListOnlyTheFirstRunsWhenAskedForFewer() {
        HeldEvents held = new HeldEvents();
        for (long counter = 2; counter <= 40; counter += 2) {
            held.add(BOB, counter);
        }
        HeldEvents.Summary summary = held.summary(BOB, 3);
        assertThat(summary.prefix()).isZero();
        assertThat(summary.beyond())
                .containsExactly(new DotRange(BOB, 2, 2), new DotRange(BOB, 4, 4), new DotRange(BOB, 6, 6));
        // What is left out is offered again by a side holding the same: copies, never a gap.
        assertThat(held.missingFrom(BOB, summary, 100)).hasSize(17).startsWith(new DotRange(BOB, 8, 8));
    }

    private static NavigableSet<Long> randomSet(Random random) {
        TreeSet<Long> set = new TreeSet<>();
        int span = 1 + random.nextInt(40);
        for (long counter = 1; counter <= span; counter++) {
            if (random.nextInt(4) != 0) {
                set.add(counter);
            }
        }
        return set;
    }

    private static HeldEvents of(Set<Long> counters) {
        HeldEvents held = new HeldEvents();
        List<Long> shuffled = new ArrayList<>(counters);
        java.util.Collections.shuffle(shuffled, new Random(counters.hashCode()));
        for (long counter : shuffled) {
            held.add(ADA, counter);
            held.add(BOB, counter); // another author between each two: the lookup of the last author switches
        }
        assertThat(held.summary(BOB, Integer.MAX_VALUE).beyond())
                .extracting(DotRange::first, DotRange::last)
                .isEqualTo(held.summary(ADA, Integer.MAX_VALUE).beyond().stream()
                        .map(run -> org.assertj.core.groups.Tuple.tuple(run.first(), run.last()))
                        .toList());
        return held;
    }
}
