package io.elara.node.store;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.sign.BatchSigner;
import io.elara.crypto.sign.EventProof;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.node.wire.EventFrameCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Events for store tests: deterministic ids, real signatures. */
final class StoreTestData {
    static final Identity ADA = identity(1);
    static final Identity BOB = identity(2);
    static final SessionId SESSION = SessionId.forName("store-test");
    static final SessionId OTHER_SESSION = SessionId.forName("store-test-other");

    private StoreTestData() {}

    static Identity identity(int seed) {
        byte[] bytes = new byte[Identity.SEED_LENGTH];
        Arrays.fill(bytes, (byte) seed);
        return Identity.fromSeed(bytes);
    }

    /** An unsigned text event with id {@code (0, number)}, its author's event {@code number} in the session. */
    static Event event(Identity author, SessionId session, long number, long hlc, String text) {
        return new Event(new EventId(0, number), session, author.nodeId(), "ada", hlc, number, EventKind.TEXT, text);
    }

    /** {@code events}, signed by {@code author} as one batch (at most {@link BatchSigner#BATCH_MAX}). */
    static List<Event> signed(Identity author, List<Event> events) {
        List<byte[]> signedBytes = new ArrayList<>();
        for (Event event : events) {
            signedBytes.add(EventFrameCodec.signedBytes(event));
        }
        EventProof[] proofs = BatchSigner.sign(author, signedBytes);
        List<Event> result = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            result.add(events.get(i).withProof(proofs[i]));
        }
        return result;
    }

    /** {@code count} signed events numbered from {@code first}, HLC = number, 64 bytes of text each. */
    static List<Event> signedBurst(Identity author, SessionId session, long first, int count) {
        List<Event> all = new ArrayList<>();
        for (int start = 0; start < count; start += BatchSigner.BATCH_MAX) {
            List<Event> batch = new ArrayList<>();
            for (int i = start; i < Math.min(count, start + BatchSigner.BATCH_MAX); i++) {
                long number = first + i;
                batch.add(event(author, session, number, number, text64(number)));
            }
            all.addAll(signed(author, batch));
        }
        return all;
    }

    /** 64 bytes of text that differ per number. */
    static String text64(long number) {
        String prefix = "message " + number + " ";
        return prefix + "x".repeat(64 - prefix.length());
    }

    static List<StoredEvent> local(List<Event> events) {
        return events.stream().map(StoredEvent::local).toList();
    }
}
