package io.elara.crdt.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deleted characters travel in a delta since a version as elided runs: ids, origins and a length, never text. */
class TextDocumentElisionTest {
    @Test
    void shouldSendNoDeletedTextWhenDeltaSinceCoversDeletedRuns() throws TextRejectedException {
        TextDocument author = new TextDocument(1);
        author.insert(0, "keep SECRET keep");
        author.delete(5, 7);

        TextDelta delta = author.deltaSince(TextVersion.EMPTY);
        byte[] encoded = TextDocument.encodeDelta(delta);

        assertThat(delta.inserts()).anySatisfy(run -> assertThat(run.isElided()).isTrue());
        assertThat(delta.inserts())
                .allSatisfy(
                        run -> assertThat(run.text() == null ? "" : run.text()).doesNotContain("S"));
        assertThat(new String(encoded, StandardCharsets.ISO_8859_1)).doesNotContain("SECRET");
        // The deleted characters are already carried by the elided run: no delete range is needed for them.
        assertThat(delta.deletes()).isEmpty();
        TextDocument receiver = new TextDocument(2);
        receiver.mergeEncoded(encoded);
        assertThat(receiver.text()).isEqualTo("keep keep");
        assertThat(receiver.itemCount()).isEqualTo(author.itemCount());
        assertThat(receiver.encodeSnapshot()).isEqualTo(author.encodeSnapshot());
    }

    @Test
    void shouldKeepTextInLocalDeltasWhenCharactersAreInserted() {
        TextDocument author = new TextDocument(1);
        TextDelta delta = author.insert(0, "abc");
        assertThat(delta.inserts()).singleElement().satisfies(run -> {
            assertThat(run.isElided()).isFalse();
            assertThat(run.text()).isEqualTo("abc");
        });
    }

    @Test
    void shouldChangeNothingWhenElidedCharactersLaterArriveWithText() throws TextRejectedException {
        TextDocument author = new TextDocument(1);
        TextDelta typed = author.insert(0, "abcdef");
        TextDelta erased = author.delete(1, 3);
        TextDocument receiver = new TextDocument(2);
        receiver.mergeEncoded(TextDocument.encodeDelta(author.deltaSince(TextVersion.EMPTY)));
        byte[] before = receiver.encodeSnapshot();

        MergeOutcome late = receiver.merge(typed);
        receiver.merge(erased);

        assertThat(late.integratedItems()).isZero();
        assertThat(receiver.text()).isEqualTo("aef");
        assertThat(receiver.encodeSnapshot()).isEqualTo(before).isEqualTo(author.encodeSnapshot());
    }

    @Test
    void shouldDeleteHeldCharactersWhenElidedRunCoversThem() throws TextRejectedException {
        TextDocument author = new TextDocument(1);
        TextDelta typed = author.insert(0, "abcdef");
        TextDocument receiver = new TextDocument(2);
        receiver.merge(typed);

        // An elided run means "inserted and deleted", even without a delete range beside it; here it overlaps the
        // held characters and goes past them.
        TextDelta elided = new TextDelta(List.of(InsertedRun.elided(1, 2, new ItemId(1, 1), null, 6)), List.of());
        MergeOutcome outcome = receiver.merge(elided);

        assertThat(outcome.deletedItems()).isEqualTo(4);
        assertThat(outcome.integratedItems()).isEqualTo(2);
        assertThat(receiver.text()).isEqualTo("ab");
        assertThat(receiver.itemCount()).isEqualTo(8);
    }

    @Test
    void shouldSendDeleteRangesOnlyForHeldCharactersWhenVersionIsNotEmpty() throws TextRejectedException {
        TextDocument author = new TextDocument(1);
        author.insert(0, "abcdef");
        TextDocument receiver = new TextDocument(2);
        receiver.merge(author.deltaSince(TextVersion.EMPTY));
        TextVersion seen = receiver.version();
        author.insert(6, "ghij");
        author.delete(4, 4);

        TextDelta delta = author.deltaSince(seen);

        assertThat(delta.deletes()).containsExactly(new DeletedRange(1, 4, 2));
        assertThat(delta.inserts()).extracting(InsertedRun::isElided).containsExactly(true, false);
        receiver.mergeEncoded(TextDocument.encodeDelta(delta));
        assertThat(receiver.text()).isEqualTo("abcdij");
        assertThat(receiver.encodeSnapshot()).isEqualTo(author.encodeSnapshot());
    }
}
