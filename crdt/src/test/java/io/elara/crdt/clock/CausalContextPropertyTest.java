package io.elara.crdt.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CausalContextPropertyTest {
    @Provide
    Arbitrary<List<Dot>> dots() {
        return Combinators.combine(
                        Arbitraries.longs().between(1, 4), Arbitraries.longs().between(1, 12))
                .as(Dot::new)
                .list()
                .ofMaxSize(30);
    }

    @Property(tries = 200)
    void shouldHoldExactlyTheDotsAddedWhateverTheOrder(@ForAll("dots") List<Dot> added) {
        CausalContext context = CausalContext.empty();
        for (Dot dot : added) {
            context = context.add(dot);
        }
        Set<Dot> expected = new HashSet<>(added);
        for (long replica = 1; replica <= 4; replica++) {
            for (long counter = 1; counter <= 12; counter++) {
                Dot dot = new Dot(replica, counter);
                assertThat(context.contains(dot)).isEqualTo(expected.contains(dot));
            }
        }
        assertThat(context).isEqualTo(CausalContext.empty().addAll(added));
        for (Dot dot : context.cloud()) {
            assertThat(dot.counter()).isGreaterThan(context.versionVector().get(dot.replica()) + 1);
        }
    }

    @Property(tries = 200)
    void shouldObeyMergeLawsWhenMergingContexts(
            @ForAll("dots") List<Dot> a, @ForAll("dots") List<Dot> b, @ForAll("dots") List<Dot> c) {
        CausalContext x = CausalContext.empty().addAll(a);
        CausalContext y = CausalContext.empty().addAll(b);
        CausalContext z = CausalContext.empty().addAll(c);
        assertThat(x.merge(x)).isEqualTo(x);
        assertThat(x.merge(y)).isEqualTo(y.merge(x));
        assertThat(x.merge(y).merge(z)).isEqualTo(x.merge(y.merge(z)));
        assertThat(x.merge(y).dominates(x)).isTrue();
    }
}
