package io.elara.crdt.set;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrSetTest {
    @Test
    void shouldKeepTheElementWhenAnAddIsConcurrentWithARemove() {
        OrSet<String> shared = OrSet.<String>empty();
        shared = shared.merge(shared.add("alice", 1));
        OrSet<String> remover = shared.merge(shared.remove("alice"));
        OrSet<String> adder = shared.merge(shared.add("alice", 2));
        assertThat(remover.contains("alice")).isFalse();
        assertThat(remover.merge(adder).contains("alice")).isTrue();
        assertThat(adder.merge(remover).contains("alice")).isTrue();
    }

    @Test
    void shouldRemoveTheElementWhenTheRemoverHadSeenEveryAdd() {
        OrSet<String> set = OrSet.<String>empty();
        set = set.merge(set.add("bob", 1));
        set = set.merge(set.add("bob", 2));
        OrSet<String> removed = set.merge(set.remove("bob"));
        assertThat(removed.elements()).isEmpty();
        assertThat(removed.store().entries()).isEmpty();
        assertThat(removed.store().context().cloudSize()).isZero();
        assertThat(set.merge(removed).elements()).isEmpty();
    }

    @Test
    void shouldRetireOlderDotsWhenTheSameElementIsAddedAgain() {
        OrSet<String> set = OrSet.<String>empty();
        for (int i = 0; i < 100; i++) {
            set = set.merge(set.add("carol", 7));
        }
        assertThat(set.store().entries()).hasSize(1);
        assertThat(set.store().context().versionVector().get(7)).isEqualTo(100);
    }
}
