package io.elara.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.sync.DotRange;
import io.elara.node.session.HeldEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a sync answers with: the ranges a member lacks, members' events only, within the room of its lane. */
class SessionLayerLackingTest {
    private static final long GONE = 0x10L; // sorts first: a member who left and wrote a lot
    private static final long ADA = 0x20L;
    private static final long BOB = 0x30L;

    @Test
    void shouldLeaveOutRemovedMembersSoTheirEventsDoNotTakeTheRoom() {
        HeldEvents mine = new HeldEvents();
        for (long counter = 1; counter <= 2_000; counter++) {
            mine.add(GONE, counter);
        }
        for (long counter = 1; counter <= 5; counter++) {
            mine.add(ADA, counter);
            mine.add(BOB, counter);
        }
        List<DotRange> lacking =
                SessionLayer.lacking(mine, Map.of(), Long.MIN_VALUE, Long.MAX_VALUE, 1_024, key -> key != GONE);
        assertThat(lacking).containsExactly(new DotRange(ADA, 1, 5), new DotRange(BOB, 1, 5));
    }

    @Test
    void shouldOfferAnAuthorThePartsRangeCoversButDoesNotList() {
        // A list split in parts: the second covers keys from 0x25 on and lists only bob. Ada's key (0x20) is below it;
        // a third author at 0x28 is in the range and unlisted, so the sender holds none of its events.
        HeldEvents mine = new HeldEvents();
        mine.add(ADA, 1);
        mine.add(0x28L, 1);
        mine.add(BOB, 1);
        Map<Long, HeldEvents.Summary> part = Map.of(BOB, new HeldEvents.Summary(1, List.of()));
        assertThat(SessionLayer.lacking(mine, part, 0x25L, Long.MAX_VALUE, 100, key -> true))
                .containsExactly(new DotRange(0x28L, 1, 1));
    }

    @Test
    void shouldCompareOnlyTheAuthorsAPartListsAndStopAtTheRoom() {
        HeldEvents mine = new HeldEvents();
        for (long counter = 1; counter <= 10; counter++) {
            mine.add(ADA, counter);
            mine.add(BOB, counter);
        }
        Map<Long, HeldEvents.Summary> part = Map.of(BOB, new HeldEvents.Summary(4, List.of(new DotRange(BOB, 7, 7))));
        assertThat(SessionLayer.lacking(mine, part, BOB, Long.MAX_VALUE, 100, key -> true))
                .as("ada is in another part (keys below bob's)")
                .containsExactly(new DotRange(BOB, 5, 6), new DotRange(BOB, 8, 10));
        assertThat(SessionLayer.lacking(mine, part, Long.MIN_VALUE, Long.MAX_VALUE, 12, key -> true))
                .as("covering every key: ada lacks all of hers; the room ends in bob's first range")
                .containsExactly(new DotRange(ADA, 1, 10), new DotRange(BOB, 5, 6));
    }
}
