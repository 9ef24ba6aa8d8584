package io.elara.node.store;

import static io.elara.node.store.StoreTestData.ADA;
import static io.elara.node.store.StoreTestData.BOB;
import static io.elara.node.store.StoreTestData.OTHER_SESSION;
import static io.elara.node.store.StoreTestData.SESSION;
import static io.elara.node.store.StoreTestData.event;
import static io.elara.node.store.StoreTestData.local;
import static io.elara.node.store.StoreTestData.signed;
import static io.elara.node.store.StoreTestData.signedBurst;
import static io.elara.node.store.StoreTestData.text64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crdt.sync.DotRange;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.SessionId;
import io.elara.node.session.HeldEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NodeStoreTest {
    private static final long NOW_MS = 1_790_000_000_000L;
    private static final int MAILBOX_MAX = 100;

    @TempDir
    Path directory;

    private DataDirectory data;
    private NodeStore store;

    @BeforeEach
    void open() throws StoreException {
        data = new DataDirectory(directory);
        store = NodeStore.open(data, NodeStore.Synchronous.FULL);
    }

    @AfterEach
    void close() throws StoreException {
        store.close();
    }

    @ParameterizedTest(name = "synchronous {0}")
    @EnumSource(NodeStore.Synchronous.class)
    void shouldReturnSignedAndUnicodeEventsExactlyWhenReadBack(NodeStore.Synchronous synchronous)
            throws StoreException {
        store.close();
        store = NodeStore.open(directory.resolve("other.db"), synchronous);
        Event unicode = new Event(
                new EventId(-1, 7), SESSION, BOB.nodeId(), "Zoë 🐈", 5, EventKind.TEXT, "héllo 👋 мир 你好 \u0000 end");
        List<Event> events = new ArrayList<>(signed(ADA, List.of(event(ADA, SESSION, 1, 3, "first"), unicode)));
        events.add(event(ADA, SESSION, 2, 4, "not signed"));
        events.add(new Event(new EventId(0, 3), SESSION, ADA.nodeId(), "ada", 6, EventKind.SIGNAL, "{\"k\":1}"));

        store.writeEvents(
                List.of(StoredEvent.local(events.get(0)), StoredEvent.received(events.get(1), "bob")), NOW_MS);
        store.writeEvents(local(events.subList(2, 4)), NOW_MS);

        assertThat(store.history(SESSION, Long.MIN_VALUE, 10))
                .containsExactly(events.get(0), events.get(2), events.get(1), events.get(3));
        assertThat(store.history(SESSION, Long.MIN_VALUE, 10).get(0).proof()).isNotNull();
        assertThat(data.database()).exists().hasFileName("elara.db");
    }

    @Test
    void shouldReportOnlyTheNewEventsWhenSomeWereStoredBefore() throws StoreException {
        List<Event> events = signedBurst(ADA, SESSION, 1, 3);

        boolean[] first = store.writeEvents(List.of(StoredEvent.received(events.get(0), "bob")), NOW_MS);
        boolean[] second = store.writeEvents(local(events), NOW_MS + 1);

        assertThat(first).containsExactly(true);
        assertThat(second).containsExactly(false, true, true);
        assertThat(store.eventCount()).isEqualTo(3);
        assertThat(store.history(SESSION, Long.MIN_VALUE, 10)).containsExactlyElementsOf(events);
    }

    @Test
    void shouldReturnHistoryInEventOrderFromSinceWithinLimit() throws StoreException {
        // Several authors at the same HLC, and ids whose high half is negative: Event.ORDER compares the id as signed
        // longs, which byte order on the stored blob does not follow.
        List<Event> events = new ArrayList<>();
        long number = 0;
        for (long hlc = 10; hlc < 16; hlc++) {
            for (long high : new long[] {5, -5, Long.MIN_VALUE, 0}) {
                number++;
                events.add(new Event(
                        new EventId(high, number),
                        SESSION,
                        (number % 2 == 0 ? ADA : BOB).nodeId(),
                        "n",
                        hlc,
                        EventKind.TEXT,
                        "t" + number));
            }
        }
        events.add(event(ADA, OTHER_SESSION, 1_000, 12, "elsewhere"));
        List<Event> shuffled = new ArrayList<>(events);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        store.writeEvents(local(shuffled), NOW_MS);
        List<Event> expected = events.stream()
                .filter(event -> event.session().equals(SESSION))
                .sorted(Event.ORDER)
                .toList();

        assertThat(store.history(SESSION, Long.MIN_VALUE, 1_000)).containsExactlyElementsOf(expected);
        for (int limit = 1; limit <= expected.size(); limit++) {
            assertThat(store.history(SESSION, Long.MIN_VALUE, limit))
                    .as("limit %d", limit)
                    .containsExactlyElementsOf(expected.subList(0, limit));
        }
        List<Event> since13 =
                expected.stream().filter(event -> event.hlc() >= 13).toList();
        assertThat(store.history(SESSION, 13, 6)).containsExactlyElementsOf(since13.subList(0, 6));
        assertThat(store.history(OTHER_SESSION, Long.MIN_VALUE, 10)).hasSize(1);
        assertThat(store.history(SessionId.forName("none"), Long.MIN_VALUE, 10)).isEmpty();
    }

    @Test
    void shouldSkipAndCountAStoredBodyWhenItNoLongerDecodes() throws Exception {
        List<Event> events = signedBurst(ADA, SESSION, 1, 3);
        store.writeEvents(local(events), NOW_MS);
        store.close();
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + data.database());
                PreparedStatement damage = raw.prepareStatement("UPDATE events SET body = ? WHERE hlc = 2")) {
            damage.setBytes(1, "not an event body".getBytes(StandardCharsets.UTF_8));
            assertThat(damage.executeUpdate()).isEqualTo(1);
        }
        store = NodeStore.open(data, NodeStore.Synchronous.FULL);

        assertThat(store.history(SESSION, Long.MIN_VALUE, 10)).containsExactly(events.get(0), events.get(2));
        assertThat(store.undecodableEvents()).isEqualTo(1);
    }

    @Test
    void shouldReadNumberedEventsByAuthorAndRangeAndListWhichAreHeld() throws StoreException {
        List<Event> ada = new ArrayList<>(signedBurst(ADA, SESSION, 1, 10));
        ada.remove(6); // her event 7 never arrived
        ada.remove(3); // nor 4
        List<Event> bob = new ArrayList<>();
        for (long counter = 1; counter <= 3; counter++) {
            bob.add(new Event(
                    new EventId(9, counter), SESSION, BOB.nodeId(), "bob", counter, counter, EventKind.TEXT, "b"));
        }
        bob = signed(BOB, bob);
        store.writeEvents(local(ada), NOW_MS);
        store.writeEvents(local(bob), NOW_MS);
        store.writeEvents(local(signedBurst(ADA, OTHER_SESSION, 1, 20)), NOW_MS);
        long adaKey = ADA.nodeId().leadingLong();
        long bobKey = BOB.nodeId().leadingLong();

        HeldEvents held = store.held(SESSION);
        assertThat(held.summary(adaKey, 16))
                .isEqualTo(new HeldEvents.Summary(3, List.of(new DotRange(adaKey, 5, 6), new DotRange(adaKey, 8, 10))));
        assertThat(held.summary(bobKey, 16)).isEqualTo(new HeldEvents.Summary(3, List.of()));
        assertThat(store.numbered(SESSION, List.of(new DotRange(adaKey, 2, 5), new DotRange(bobKey, 3, 3)), 100))
                .extracting(Event::text)
                .containsExactly(text64(2), text64(3), text64(5), bob.get(2).text());
        assertThat(store.numbered(SESSION, List.of(new DotRange(adaKey, 1, 10)), 4))
                .as("at most the limit")
                .extracting(Event::counter)
                .containsExactly(1L, 2L, 3L, 5L);
        assertThat(store.numbered(SESSION, List.of(new DotRange(adaKey + 1, 1, 10)), 100))
                .as("another author key")
                .isEmpty();
    }

    @Test
    void shouldUpgradeAVersion1FileAndKeepItsEventsReadableAsNotNumbered() throws Exception {
        // A file written before events carried a counter: the version 1 schema, a body in the version 1 layout (the
        // Counter field absent).
        store.close();
        Path old = directory.resolve("version1.db");
        Event event = signed(
                        ADA,
                        List.of(new Event(
                                new EventId(3, 4), SESSION, ADA.nodeId(), "ada", 77, EventKind.TEXT, "from before")))
                .get(0);
        byte[] body = io.elara.node.wire.EventFrameCodec.encodeBody(event);
        byte[] oldBody = new byte[body.length - 4];
        System.arraycopy(body, 0, oldBody, 0, 76);
        System.arraycopy(body, 80, oldBody, 76, body.length - 80);
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + old);
                java.sql.Statement statement = raw.createStatement()) {
            for (String sql : NodeStore.MIGRATIONS[0]) {
                statement.execute(sql);
            }
            statement.execute("PRAGMA user_version = 1");
            try (PreparedStatement insert = raw.prepareStatement("INSERT INTO events (id, session_id, author, hlc,"
                    + " kind, body, local, received_from, stored_at_ms) VALUES (?, ?, ?, 77, 1, ?, 1, NULL, 0)")) {
                insert.setBytes(1, NodeStore.idBytes(event.id()));
                insert.setBytes(2, NodeStore.sessionBytes(SESSION));
                insert.setBytes(3, ADA.nodeId().toBytes());
                insert.setBytes(4, oldBody);
                insert.executeUpdate();
            }
            // Still waiting for a member: signed in the old layout, it could never be delivered in the new one.
            statement.execute("INSERT INTO mailbox (event_id, destination, priority, attempts, next_attempt_at_ms,"
                    + " expires_at_ms, created_at_ms) SELECT id, 'bob', 0, 2, 0, 9999999999999, 0 FROM events");
        }

        store = NodeStore.open(old, NodeStore.Synchronous.FULL);

        List<Event> history = store.history(SESSION, Long.MIN_VALUE, 10);
        assertThat(history).extracting(Event::text).containsExactly("from before");
        assertThat(history.get(0).counter()).isZero();
        assertThat(history.get(0).proof()).isEqualTo(event.proof());
        assertThat(store.undecodableEvents()).isZero();
        assertThat(store.held(SESSION).size())
                .as("not numbered: never offered to a member")
                .isZero();
        assertThat(store.mailboxSize()).isZero();
        assertThat(store.deadLetters(10))
                .singleElement()
                .satisfies(dead -> assertThat(dead.reason()).contains("counter"));
        Event numbered =
                signed(ADA, List.of(event(ADA, SESSION, 1, 78, "after"))).get(0);
        store.writeEvents(local(List.of(numbered)), NOW_MS);
        assertThat(store.held(SESSION).max(ADA.nodeId().leadingLong())).isEqualTo(1);
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + old);
                java.sql.Statement statement = raw.createStatement();
                java.sql.ResultSet version = statement.executeQuery("PRAGMA user_version")) {
            assertThat(version.getInt(1)).isEqualTo(NodeStore.SCHEMA_VERSION).isEqualTo(4);
        }
    }

    @Test
    void shouldKeepTheNewestStateChangePerKeyAcrossARestart() throws StoreException {
        // Goal: what a start reads back as a session's shared state is what merging every stored change gives, however
        // late an older change arrived. Method: ada's and bob's presence and topic changes stored out of order, one
        // twice, then the store reopened.
        Event adaAway = stateChange(ADA, 1, 200, "presence=away lunch");
        Event adaOnline = stateChange(ADA, 2, 300, "presence=online");
        Event bobTopic = stateChange(BOB, 1, 250, "topic=release friday");
        Event adaTopic = stateChange(ADA, 3, 250, "topic=freeze");
        Event bobCleared = stateChange(BOB, 2, 400, "topic=");
        store.writeEvents(local(List.of(adaOnline, bobTopic)), NOW_MS);
        store.writeEvents(local(List.of(adaAway, adaTopic, adaOnline)), NOW_MS);
        io.elara.node.session.SessionState merged = new io.elara.node.session.SessionState();
        List.of(adaAway, adaOnline, bobTopic, adaTopic).forEach(merged::apply);
        assertThat(store.state(SESSION)).isEqualTo(merged.asLwwMap());
        assertThat(store.state(SESSION).get("presence@" + ADA.nodeId())).contains("online");
        // ADA and BOB tie at 250; the larger author key wins, as it does in memory.
        assertThat(store.state(SESSION).get("topic")).isEqualTo(merged.topic()).isPresent();

        store.writeEvents(local(List.of(bobCleared)), NOW_MS);
        store.close();
        store = NodeStore.open(data, NodeStore.Synchronous.FULL);
        assertThat(store.state(SESSION).get("topic")).as("cleared").isEmpty();
        assertThat(store.state(SESSION).entries()).containsKey("topic");
        assertThat(store.state(OTHER_SESSION).entries()).isEmpty();
        assertThat(store.held(SESSION).max(BOB.nodeId().leadingLong()))
                .as("numbered like text")
                .isEqualTo(2);
    }

    private static Event stateChange(io.elara.crypto.identity.Identity author, long number, long hlc, String text) {
        return signed(
                        author,
                        List.of(new Event(
                                new EventId(hlc, number),
                                SESSION,
                                author.nodeId(),
                                "m",
                                hlc,
                                number,
                                EventKind.STATE,
                                text)))
                .get(0);
    }

    @Test
    void shouldListTheMostRecentlyStoredIdsFirst() throws StoreException {
        List<Event> events = signedBurst(ADA, SESSION, 1, 5);
        store.writeEvents(local(events.subList(3, 5)), NOW_MS);
        store.writeEvents(local(events.subList(0, 3)), NOW_MS);

        assertThat(store.recentEventIds(3))
                .containsExactly(
                        events.get(2).id(), events.get(1).id(), events.get(0).id());
    }

    @Test
    void shouldKeepAMessageUntilItsDestinationAcknowledgesIt() throws StoreException {
        List<Event> events = signedBurst(ADA, SESSION, 1, 3);
        store.writeEvents(local(events), NOW_MS);

        assertThat(store.mailboxAdd(MailboxEntry.queued(events.get(0).id(), "bob", 0, NOW_MS, NOW_MS + 60_000), 10))
                .isTrue();
        assertThat(store.mailboxAdd(MailboxEntry.queued(events.get(0).id(), "bob", 0, NOW_MS, NOW_MS + 60_000), 10))
                .as("the same message twice")
                .isFalse();
        store.mailboxAdd(MailboxEntry.queued(events.get(1).id(), "bob", 5, NOW_MS + 1, NOW_MS + 60_000), 10);
        store.mailboxAdd(MailboxEntry.queued(events.get(2).id(), "carol", 0, NOW_MS + 2, NOW_MS + 60_000), 10);
        store.mailboxRetry(events.get(2).id(), "carol", NOW_MS + 5_000);

        assertThat(store.mailboxSize()).isEqualTo(3);
        assertThat(store.mailboxDue(NOW_MS + 10, 10))
                .extracting(MailboxEntry::eventId)
                .as("priority first, and carol's is not due yet")
                .containsExactly(events.get(1).id(), events.get(0).id());
        assertThat(store.mailboxDue(NOW_MS + 5_000, 10)).hasSize(3);
        assertThat(store.mailboxPending("carol")).singleElement().satisfies(entry -> {
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.nextAttemptAtMs()).isEqualTo(NOW_MS + 5_000);
        });

        assertThat(store.mailboxAck(events.get(0).id(), "bob")).isTrue();
        assertThat(store.mailboxAck(events.get(0).id(), "bob")).isFalse();
        assertThat(store.mailboxPending("bob"))
                .extracting(MailboxEntry::eventId)
                .containsExactly(events.get(1).id());
        assertThat(store.mailboxSize()).isEqualTo(2);
    }

    @Test
    void shouldRefuseToQueueAMessageWhenTheMailboxIsFull() throws StoreException {
        List<Event> events = signedBurst(ADA, SESSION, 1, 4);
        store.writeEvents(local(events), NOW_MS);
        for (int i = 0; i < 3; i++) {
            store.mailboxAdd(MailboxEntry.queued(events.get(i).id(), "bob", 0, NOW_MS, NOW_MS + 1_000), 3);
        }

        assertThatThrownBy(() ->
                        store.mailboxAdd(MailboxEntry.queued(events.get(3).id(), "bob", 0, NOW_MS, NOW_MS + 1_000), 3))
                .isInstanceOf(MailboxFullException.class)
                .hasMessageContaining("holds 3 messages, its limit (3)")
                .hasMessageContaining("for bob was not queued");
        assertThat(store.mailboxSize()).isEqualTo(3);

        store.mailboxAck(events.get(0).id(), "bob");
        assertThat(store.mailboxAdd(MailboxEntry.queued(events.get(3).id(), "bob", 0, NOW_MS, NOW_MS + 1_000), 3))
                .isTrue();
    }

    @Test
    void shouldRefuseAMailboxEntryWhenItsEventIsNotStored() {
        assertThatThrownBy(() -> store.mailboxAdd(
                        MailboxEntry.queued(new EventId(9, 9), "bob", 0, NOW_MS, NOW_MS + 1_000), MAILBOX_MAX))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("FOREIGN KEY");
    }

    @Test
    void shouldMoveExpiredMessagesToTheDeadLettersWhenTheirTimeIsUp() throws StoreException {
        List<Event> events = signedBurst(ADA, SESSION, 1, 3);
        store.writeEvents(local(events), NOW_MS);
        store.mailboxAdd(MailboxEntry.queued(events.get(0).id(), "bob", 0, NOW_MS, NOW_MS + 100), MAILBOX_MAX);
        store.mailboxAdd(MailboxEntry.queued(events.get(1).id(), "bob", 0, NOW_MS, NOW_MS + 10_000), MAILBOX_MAX);
        store.mailboxRetry(events.get(0).id(), "bob", NOW_MS + 50);
        store.mailboxRetry(events.get(0).id(), "bob", NOW_MS + 90);
        store.mailboxAdd(MailboxEntry.queued(events.get(2).id(), "carol", 0, NOW_MS, NOW_MS + 10_000), MAILBOX_MAX);

        assertThat(store.mailboxExpire(NOW_MS + 99)).isZero();
        assertThat(store.mailboxExpire(NOW_MS + 100)).isEqualTo(1);
        store.deadLetter(events.get(2).id(), "carol", "rejected by carol's flow", NOW_MS + 200);

        assertThat(store.deadLetters(10))
                .containsExactly(
                        new DeadLetter(events.get(0).id(), "bob", NodeStore.REASON_EXPIRED, 2, NOW_MS + 100),
                        new DeadLetter(events.get(2).id(), "carol", "rejected by carol's flow", 0, NOW_MS + 200));
        assertThat(store.mailboxPending("bob"))
                .extracting(MailboxEntry::eventId)
                .containsExactly(events.get(1).id());
        assertThat(store.mailboxPending("carol")).isEmpty();
        assertThat(store.mailboxSize()).isEqualTo(1);
        assertThat(store.eventCount()).as("the events themselves stay").isEqualTo(3);
    }

    @Test
    void shouldKeepTheNewestSnapshotWhenAnOlderOneArrivesLate() throws StoreException {
        SessionSnapshot second = new SessionSnapshot(SESSION, "general", 2, new byte[] {2, 2}, NOW_MS + 2);
        SessionSnapshot first = new SessionSnapshot(SESSION, "general", 1, new byte[] {1}, NOW_MS + 1);

        assertThat(store.putSnapshot(second)).isTrue();
        assertThat(store.putSnapshot(first)).isFalse();
        assertThat(store.snapshot(SESSION)).contains(second);
        SessionSnapshot third = new SessionSnapshot(SESSION, "renamed", 3, new byte[0], NOW_MS + 3);
        assertThat(store.putSnapshot(third)).isTrue();
        assertThat(store.snapshot(SESSION)).contains(third);
        assertThat(store.snapshot(OTHER_SESSION)).isEmpty();
    }

    @Test
    void shouldRememberAPeersNameAndAddressWhenLaterSightingsLackThem() throws StoreException {
        store.upsertPeer(new KnownPeer(BOB.nodeId(), "bob", "192.0.2.1:4000", NOW_MS));
        store.upsertPeer(new KnownPeer(BOB.nodeId(), null, null, NOW_MS + 10));
        store.upsertPeer(new KnownPeer(BOB.nodeId(), null, "192.0.2.2:4000", NOW_MS + 5));
        store.upsertPeer(new KnownPeer(ADA.nodeId(), null, null, NOW_MS + 20));

        assertThat(store.peers())
                .containsExactly(
                        new KnownPeer(ADA.nodeId(), null, null, NOW_MS + 20),
                        new KnownPeer(BOB.nodeId(), "bob", "192.0.2.2:4000", NOW_MS + 10));
    }

    @Test
    void shouldKeepEverythingWhenReopened() throws StoreException {
        List<Event> events = signedBurst(ADA, SESSION, 1, 100);
        store.writeEvents(local(events), NOW_MS);
        store.mailboxAdd(MailboxEntry.queued(events.get(0).id(), "bob", 3, NOW_MS, NOW_MS + 100), MAILBOX_MAX);
        store.mailboxAdd(MailboxEntry.queued(events.get(1).id(), "bob", 0, NOW_MS, NOW_MS + 1_000), MAILBOX_MAX);
        store.mailboxExpire(NOW_MS + 100);
        SessionSnapshot snapshot = new SessionSnapshot(SESSION, "general", 1, new byte[] {1, 2, 3}, NOW_MS);
        store.putSnapshot(snapshot);
        KnownPeer peer = new KnownPeer(BOB.nodeId(), "bob", "192.0.2.1:4000", NOW_MS);
        store.upsertPeer(peer);
        store.close();

        store = NodeStore.open(data, NodeStore.Synchronous.NORMAL);

        assertThat(store.history(SESSION, Long.MIN_VALUE, 1_000)).containsExactlyElementsOf(events);
        assertThat(store.mailboxPending("bob"))
                .containsExactly(MailboxEntry.queued(events.get(1).id(), "bob", 0, NOW_MS, NOW_MS + 1_000));
        assertThat(store.mailboxSize()).isEqualTo(1);
        assertThat(store.deadLetters(10))
                .extracting(DeadLetter::eventId)
                .containsExactly(events.get(0).id());
        assertThat(store.snapshot(SESSION)).contains(snapshot);
        assertThat(store.peers()).containsExactly(peer);
        assertThat(store.writeEvents(local(events.subList(0, 1)), NOW_MS)).containsExactly(false);
    }

    @Test
    void shouldStopWithAClearMessageAndKeepWhatWasStoredWhenTheDiskIsFull() throws Exception {
        List<Event> before = signedBurst(ADA, SESSION, 1, 100);
        store.writeEvents(local(before), NOW_MS);
        long pages = store.pageCount();
        store.limitPages(pages);

        List<Event> tooMany = signedBurst(ADA, SESSION, 1_000, 500);
        assertThatThrownBy(() -> store.writeEvents(local(tooMany), NOW_MS))
                .isInstanceOf(StoreFullException.class)
                .hasMessageContaining(data.database().toString())
                .hasMessageContaining("the disk is full");

        assertThat(store.eventCount()).as("the failed batch rolled back whole").isEqualTo(100);
        assertThat(store.history(SESSION, Long.MIN_VALUE, 1_000)).containsExactlyElementsOf(before);

        store.limitPages(Integer.MAX_VALUE);
        assertThat(store.writeEvents(local(tooMany), NOW_MS)).hasSize(500).doesNotContain(false);
        assertThat(store.eventCount()).isEqualTo(600);
    }
}
