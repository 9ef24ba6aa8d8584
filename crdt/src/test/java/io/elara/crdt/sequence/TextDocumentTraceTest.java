package io.elara.crdt.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Real editing traces (josephg/editing-traces, see shared/data/traces/README.md): replayed locally, merged remotely,
 * split across three replicas that exchange encoded deltas in random order with duplicates, and through snapshots.
 */
class TextDocumentTraceTest {
    static final List<String> TRACES = EditingTrace.NAMES;

    /** Traces parsed once for all tests: parsing the JSON cost more than some of the checks. */
    private static final Map<String, EditingTrace> LOADED = new HashMap<>();

    private static EditingTrace load(String name) {
        return LOADED.computeIfAbsent(name, EditingTrace::load);
    }

    @ParameterizedTest
    @FieldSource("TRACES")
    void shouldYieldEndContentWhenTraceIsReplayedAsLocalEdits(String name) {
        EditingTrace trace = load(name);
        TextDocument document = new TextDocument(1);
        document.insert(0, trace.startContent());
        for (List<EditingTrace.Patch> transaction : trace.transactions()) {
            EditingTrace.apply(document, transaction);
        }
        assertThat(document.text()).isEqualTo(trace.endContent());
        assertThat(document.length()).isEqualTo(trace.endContent().length());
    }

    @ParameterizedTest
    @FieldSource("TRACES")
    void shouldYieldEndContentWhenFreshReplicaMergesWholeStateEncoded(String name) throws Exception {
        EditingTrace trace = load(name);
        TextDocument author = replay(trace, 1);
        byte[] update = TextDocument.encodeDelta(author.deltaSince(TextVersion.EMPTY));
        TextDocument receiver = new TextDocument(2);
        MergeOutcome outcome = receiver.mergeEncoded(update);
        assertThat(outcome.pendingItems()).isZero();
        assertThat(receiver.text()).isEqualTo(trace.endContent());
        assertThat(receiver.encodeSnapshot()).isEqualTo(author.encodeSnapshot());
    }

    @ParameterizedTest
    @FieldSource("TRACES")
    void shouldRoundTripWhenSnapshotIsDecodedAndEditedFurther(String name) throws Exception {
        EditingTrace trace = load(name);
        TextDocument author = replay(trace, 1);
        byte[] snapshot = author.encodeSnapshot();
        TextDocument loaded = TextDocument.decodeSnapshot(snapshot, 2);
        assertThat(loaded.text()).isEqualTo(trace.endContent());
        assertThat(loaded.encodeSnapshot()).isEqualTo(snapshot);
        assertThat(loaded.version()).isEqualTo(author.version());

        TextDelta fromLoaded = loaded.insert(0, "loaded ");
        TextDelta fromAuthor = author.insert(author.length(), " author");
        author.merge(fromLoaded);
        loaded.merge(fromAuthor);
        assertThat(loaded.text()).isEqualTo("loaded " + trace.endContent() + " author");
        assertThat(author.encodeSnapshot()).isEqualTo(loaded.encodeSnapshot());
    }

    @ParameterizedTest
    @FieldSource("TRACES")
    void shouldConvergeToEndContentWhenTraceIsSplitAcrossThreeReplicas(String name) throws Exception {
        EditingTrace trace = load(name);
        SplittableRandom random = new SplittableRandom(name.hashCode());
        int replicaCount = 3;
        List<TextDocument> replicas = new ArrayList<>();
        List<ArrayDeque<byte[]>> inboxes = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(new TextDocument(100 + i));
            inboxes.add(new ArrayDeque<>());
        }
        replicas.get(0).insert(0, trace.startContent());
        broadcast(replicas.get(0).deltaSince(TextVersion.EMPTY), 0, inboxes);
        int transactionIndex = 0;
        for (List<EditingTrace.Patch> transaction : trace.transactions()) {
            int editor = transactionIndex++ % replicaCount;
            // Before editing, the editor receives everything pending for it, in random order, some twice, so the
            // trace's positions are valid on its document; the others may lag behind.
            deliverAll(replicas.get(editor), inboxes.get(editor), random);
            for (TextDelta delta : EditingTrace.apply(replicas.get(editor), transaction)) {
                broadcast(delta, editor, inboxes);
            }
        }
        for (int i = 0; i < replicaCount; i++) {
            deliverAll(replicas.get(i), inboxes.get(i), random);
        }
        byte[] expected = replicas.get(0).encodeSnapshot();
        for (TextDocument replica : replicas) {
            assertThat(replica.text()).isEqualTo(trace.endContent());
            assertThat(replica.pendingItems()).isZero();
            assertThat(replica.encodeSnapshot()).isEqualTo(expected);
        }
    }

    private static TextDocument replay(EditingTrace trace, long replicaId) {
        TextDocument document = new TextDocument(replicaId);
        document.insert(0, trace.startContent());
        for (List<EditingTrace.Patch> transaction : trace.transactions()) {
            EditingTrace.apply(document, transaction);
        }
        return document;
    }

    private static void broadcast(TextDelta delta, int from, List<ArrayDeque<byte[]>> inboxes) {
        byte[] encoded = TextDocument.encodeDelta(delta);
        for (int i = 0; i < inboxes.size(); i++) {
            if (i != from) {
                inboxes.get(i).add(encoded);
            }
        }
    }

    private static void deliverAll(TextDocument replica, ArrayDeque<byte[]> inbox, SplittableRandom random)
            throws TextRejectedException {
        List<byte[]> pending = new ArrayList<>(inbox);
        inbox.clear();
        int duplicates = pending.isEmpty() ? 0 : random.nextInt(Math.min(3, pending.size()) + 1);
        for (int i = 0; i < duplicates; i++) {
            pending.add(pending.get(random.nextInt(pending.size())));
        }
        for (int i = pending.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte[] swap = pending.get(i);
            pending.set(i, pending.get(j));
            pending.set(j, swap);
        }
        for (byte[] encoded : pending) {
            replica.mergeEncoded(encoded);
        }
    }
}
