package io.elara.crdt.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalContextTest {
    @Test
    void shouldFoldTheCloudIntoTheVectorWhenTheGapsFill() {
        CausalContext context = CausalContext.empty().add(new Dot(1, 3)).add(new Dot(1, 2));
        assertThat(context.cloudSize()).isEqualTo(2);
        assertThat(context.next(1)).isEqualTo(new Dot(1, 4));
        context = context.add(new Dot(1, 1));
        assertThat(context.cloudSize()).isZero();
        assertThat(context.versionVector().get(1)).isEqualTo(3);
        assertThat(context).isEqualTo(CausalContext.of(VersionVector.of(Map.of(1L, 3L))));
    }

    @Test
    void shouldCompareVectorsWhenOneHasSeenMore() {
        VersionVector older = VersionVector.of(Map.of(1L, 2L));
        VersionVector newer = older.with(2, 1);
        VersionVector other = VersionVector.of(Map.of(1L, 3L));
        assertThat(older.compare(newer)).isEqualTo(Causality.BEFORE);
        assertThat(newer.compare(older)).isEqualTo(Causality.AFTER);
        assertThat(newer.compare(other)).isEqualTo(Causality.CONCURRENT);
        assertThat(newer.merge(other).compare(newer.merge(other))).isEqualTo(Causality.EQUAL);
        assertThat(newer.merge(other).dominates(newer)).isTrue();
    }

    @Test
    void shouldDominateWhenTheCloudCoversTheOtherPrefix() {
        CausalContext cloud = CausalContext.of(VersionVector.of(Map.of(1L, 1L)), List.of(new Dot(1, 3)));
        assertThat(cloud.add(new Dot(1, 2)).dominates(CausalContext.of(VersionVector.of(Map.of(1L, 3L)))))
                .isTrue();
        assertThat(cloud.dominates(CausalContext.of(VersionVector.of(Map.of(1L, 3L)))))
                .isFalse();
    }
}
