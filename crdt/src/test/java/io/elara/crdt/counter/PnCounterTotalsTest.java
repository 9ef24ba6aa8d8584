package io.elara.crdt.counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crdt.clock.VersionVector;
import io.elara.crdt.codec.CrdtCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Totals are bounded so that a replica's progress (increments plus decrements) always fits a long. Before the bound,
 * merging (MAX, 0) with (0, MAX) for one replica, each valid alone, made {@code digest()} throw
 * {@link ArithmeticException} on every later anti-entropy round (and {@code deltaSince} wrap and send nothing).
 */
class PnCounterTotalsTest {
    @Test
    void shouldKeepTheDigestWorkingWhenMergedTotalsAreBothAtTheirBound() {
        PnCounter ups = PnCounter.of(Map.of(1L, new PnCounter.Totals(PnCounter.TOTAL_MAX, 0)));
        PnCounter downs = PnCounter.of(Map.of(1L, new PnCounter.Totals(0, PnCounter.TOTAL_MAX)));
        PnCounter merged = ups.merge(downs);
        assertThat(merged.digest().get(1)).isEqualTo(2 * PnCounter.TOTAL_MAX);
        assertThat(merged.deltaSince(VersionVector.empty())).isEqualTo(merged);
        assertThat(merged.value()).isZero();
    }

    @Test
    void shouldRefuseWhenATotalWouldExceedItsBound() {
        assertThatThrownBy(() -> new PnCounter.Totals(PnCounter.TOTAL_MAX + 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        PnCounter full = PnCounter.empty().increment(1, PnCounter.TOTAL_MAX);
        assertThatThrownBy(() -> full.increment(1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldEqualAndEncodeLikeACounterWithoutTheReplicaWhenOnlyZeroWasAdded() throws Exception {
        // Found by the delta-since property (seed 1650): a replica that added 0 made an entry of zeros, so a catch-up
        // delta (which leaves it out) and the whole state merged to counters that were equal in value but not in bytes.
        PnCounter base = PnCounter.empty().increment(2, 5);
        PnCounter withZero = base.merge(base.increment(7, 0));
        assertThat(withZero).isEqualTo(base);
        assertThat(CrdtCodec.encode(withZero)).isEqualTo(CrdtCodec.encode(base));
        assertThat(PnCounter.of(Map.of(2L, new PnCounter.Totals(5, 0), 7L, new PnCounter.Totals(0, 0))))
                .isEqualTo(base);
    }
}
