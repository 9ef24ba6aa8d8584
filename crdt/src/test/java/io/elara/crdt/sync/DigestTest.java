package io.elara.crdt.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crdt.clock.CausalContext;
import io.elara.crdt.clock.Dot;
import io.elara.crdt.clock.VersionVector;
import io.elara.crdt.set.OrSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestTest {
    @Test
    void shouldListTheGapsAroundTheOtherSidesOutOfOrderDotsWhenComputingWhatItMisses() {
        CausalContext mine = CausalContext.of(VersionVector.of(Map.of(1L, 10L, 2L, 3L)), List.of(new Dot(3, 5)));
        CausalContext theirs = CausalContext.of(VersionVector.of(Map.of(1L, 2L)), List.of(new Dot(1, 5)));
        List<DotRange> missing = new Digest(mine, 0).missingFrom(new Digest(theirs, 0));
        assertThat(missing)
                .containsExactly(
                        new DotRange(1, 3, 4), new DotRange(1, 6, 10), new DotRange(2, 1, 3), new DotRange(3, 5, 5));
        assertThat(new Digest(theirs, 0).missingFrom(new Digest(mine, 0))).isEmpty();
    }

    @Test
    void shouldSendTheStateWhenOnlyARemoveDiffers() {
        OrSet<String> shared = OrSet.<String>empty();
        shared = shared.merge(shared.add("x", 1));
        OrSet<String> removed = shared.merge(shared.remove("x"));
        assertThat(Digest.of(removed.store()).seen())
                .isEqualTo(Digest.of(shared.store()).seen());
        assertThat(Digest.of(removed.store()).inSyncWith(Digest.of(shared.store())))
                .isFalse();
        OrSet<String> delta = AntiEntropy.deltaFor(removed, Digest.of(shared.store()));
        assertThat(shared.merge(delta).elements()).isEmpty();
        assertThat(AntiEntropy.deltaFor(shared, Digest.of(shared.store()))
                        .store()
                        .entries())
                .isEmpty();
    }
}
