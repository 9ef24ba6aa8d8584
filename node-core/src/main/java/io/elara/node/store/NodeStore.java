package io.elara.node.store;

import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crdt.sync.DotRange;
import io.elara.crypto.identity.NodeId;
import io.elara.node.EventJournal;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.EventKind;
import io.elara.node.event.RejectReason;
import io.elara.node.event.SessionId;
import io.elara.node.session.HeldEvents;
import io.elara.node.session.SessionState;
import io.elara.node.wire.EventFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * The node's SQLite database ({@code elara.db} in the data directory): the event log, session snapshots, known peers,
 * the outbound mailbox and the dead letters.
 *
 * <p><b>Threads.</b> Blocking, and owned by one thread at a time: the thread that opens it until it hands it to a
 * {@link StoreWriter}, then the writer's thread. Nothing here is thread-safe.
 *
 * <p><b>Opening.</b> An existing file is checked before anything is written to it, on a read-only connection: it must
 * start with SQLite's header, pass {@code PRAGMA quick_check}, and have a schema version ({@code PRAGMA user_version})
 * this build knows. Any failure is a {@link StoreException} naming the file, and the file is left exactly as it was.
 * Then the read-write connection turns on WAL, foreign keys and a busy timeout, and runs the migrations the file has
 * not had yet, each in its own transaction. {@code quick_check} reads the whole file, so opening a large store takes
 * time in proportion (about a second per few hundred megabytes).
 *
 * <p><b>Durability.</b> In WAL mode, {@link Synchronous#FULL} syncs the log at every commit, so a committed transaction
 * survives power loss; {@link Synchronous#NORMAL} syncs only at checkpoints, so a committed transaction survives a
 * crash of the process (even {@code kill -9}, since the log is in the kernel's page cache) but the last ones may be
 * lost on power loss or an OS crash; the database is never corrupted either way. {@code docs/BENCHMARKS.md}, section
 * "Persistence (SQLite)", measures what each costs.
 *
 * <p><b>Transactions.</b> Each write method is one transaction, unless it runs inside a batch of a {@link
 * StoreWriter} (then the batch is one transaction). A write that fails rolls back whole. {@link StoreFullException}
 * reports a full disk (or size limit); the store stays usable and writes succeed again once there is room.
 *
 * <p><b>Times</b> are milliseconds since the Unix epoch, passed in by the caller ({@code nowMs}): they must keep their
 * meaning across restarts, and this class never reads a clock.
 */
public final class NodeStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStore.class);

    /** The schema version this build creates and understands. */
    public static final int SCHEMA_VERSION = 4;
    /** How long a statement waits for another connection's lock (a reader such as {@code elara history}). */
    public static final int BUSY_TIMEOUT_MS = 5_000;
    /** The reason given to mailbox entries that expired ({@link #mailboxExpire}). */
    public static final String REASON_EXPIRED = "expired";

    /** The first 16 bytes of every SQLite database file. */
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private static final String[] MIGRATION_1 = {
        // Events: seq is the rowid (stable across VACUUM, unlike an implicit one) and gives arrival order for
        // recentEventIds; id is the key everything else refers to. The body is the EVENT frame body
        // (EventFrameCodec.encodeBody), proof included: the canonical form, from which the event is decoded.
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
            session_id BLOB NOT NULL CHECK (length(session_id) = 16),
            author BLOB NOT NULL CHECK (length(author) = 32),
            hlc INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            body BLOB NOT NULL,
            local INTEGER NOT NULL CHECK (local IN (0, 1)),
            received_from TEXT,
            stored_at_ms INTEGER NOT NULL
        )""",
        // history(): one session, from an HLC on, in Event.ORDER (the id tie-break is done in Java, see history).
        "CREATE INDEX events_by_session ON events (session_id, hlc, author)",
        """
        CREATE TABLE session_snapshots (
            session_id BLOB PRIMARY KEY CHECK (length(session_id) = 16),
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            state BLOB NOT NULL,
            updated_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID""",
        """
        CREATE TABLE peers (
            node_id BLOB PRIMARY KEY CHECK (length(node_id) = 32),
            name TEXT,
            address TEXT,
            last_seen_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID""",
        // An entry refers to a stored event: an event is durable before anyone is promised it.
        """
        CREATE TABLE mailbox (
            event_id BLOB NOT NULL REFERENCES events (id) ON DELETE CASCADE,
            destination TEXT NOT NULL,
            priority INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            created_at_ms INTEGER NOT NULL,
            PRIMARY KEY (event_id, destination)
        ) WITHOUT ROWID""",
        "CREATE INDEX mailbox_due ON mailbox (next_attempt_at_ms)",
        "CREATE INDEX mailbox_by_destination ON mailbox (destination, created_at_ms)",
        "CREATE INDEX mailbox_by_expiry ON mailbox (expires_at_ms)",
        // The mailbox's row count, kept by triggers so the bound costs one row read instead of a count(*) scan, and
        // rolls back with the transaction that changed it.
        "CREATE TABLE mailbox_size (id INTEGER PRIMARY KEY CHECK (id = 0), entries INTEGER NOT NULL)",
        "INSERT INTO mailbox_size VALUES (0, 0)",
        """
        CREATE TRIGGER mailbox_added AFTER INSERT ON mailbox
        BEGIN UPDATE mailbox_size SET entries = entries + 1 WHERE id = 0; END""",
        """
        CREATE TRIGGER mailbox_removed AFTER DELETE ON mailbox
        BEGIN UPDATE mailbox_size SET entries = entries - 1 WHERE id = 0; END""",
        """
        CREATE TABLE dead_letter (
            seq INTEGER PRIMARY KEY,
            event_id BLOB NOT NULL CHECK (length(event_id) = 16),
            destination TEXT NOT NULL,
            reason TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            dead_at_ms INTEGER NOT NULL
        )""",
    };

    private static final String[] MIGRATION_2 = {
        // Events carry their author's counter in the session (Event.counter), which anti-entropy asks for by range.
        // Bodies stored before have no Counter field: it is inserted as 0 (not numbered) after the HLC, at body
        // offset 76, so they keep decoding. Their proofs signed the old layout, so they are kept and shown but never
        // offered to a member (anti-entropy offers numbered events only).
        "ALTER TABLE events ADD COLUMN counter INTEGER NOT NULL DEFAULT 0",
        "UPDATE events SET body = CAST(substr(body, 1, 76) || zeroblob(4) || substr(body, 77) AS BLOB)",
        "CREATE INDEX events_by_author ON events (session_id, author, counter) WHERE counter > 0",
        // Messages still waiting in the mailbox were signed in the old layout: sent again in the new one, their
        // signatures would no longer match, and their recipients would refuse them for a week. They become dead
        // letters, with the reason.
        "INSERT INTO dead_letter (event_id, destination, reason, attempts, dead_at_ms)"
                + " SELECT event_id, destination, 'signed before the event format gained its counter', attempts,"
                + " CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM mailbox",
        "DELETE FROM mailbox",
    };

    private static final String[] MIGRATION_3 = {
        // A session's shared state (SessionState): per entry key, the newest value by (hlc, replica), written in the
        // transaction that stores the STATE event, so that a start reads one row per key instead of every state event
        // ever sent. value is NULL for a cleared key. HLCs stay below 2^63 (milliseconds shifted by 16 bits), so
        // SQLite's signed comparison orders them as the unsigned one of LwwRegister does. Schema 2 had no STATE
        // events, so there is nothing to fill in.
        """
        CREATE TABLE session_state (
            session_id BLOB NOT NULL CHECK (length(session_id) = 16),
            key TEXT NOT NULL,
            hlc INTEGER NOT NULL,
            replica INTEGER NOT NULL,
            value TEXT,
            PRIMARY KEY (session_id, key)
        ) WITHOUT ROWID""",
    };

    private static final String[] MIGRATION_4 = {
        // The journal writes an own event's mailbox entries only once it has waited a while unacknowledged
        // (StoreJournal.MAILBOX_DEFER_NS): most are acknowledged before that, and then cost the mailbox nothing. So
        // that a crash in between loses no entry, an own event keeps the labels of its destinations (joined by a
        // newline), and mailbox_deferred holds the seq of the oldest own event whose entries may still be unwritten
        // (NULL: none). A start queues the entries of every own event from there on (recoverDeferredMailbox).
        "ALTER TABLE events ADD COLUMN destinations TEXT",
        "CREATE TABLE mailbox_deferred (id INTEGER PRIMARY KEY CHECK (id = 0), from_seq INTEGER)",
        "INSERT INTO mailbox_deferred VALUES (0, NULL)",
    };

    /** Migration {@code n} brings the schema from version {@code n - 1} to {@code n}. */
    static final String[][] MIGRATIONS = {MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4};

    /** SQLite's synchronous setting, in WAL mode. */
    public enum Synchronous {
        /** Every commit is synced: survives power loss. */
        FULL,
        /** Synced at checkpoints only: survives a process crash or {@code kill -9}, not power loss. */
        NORMAL
    }

    private final Path file;
    private final Connection connection;
    private final EventFrameCodec codec = new EventFrameCodec();
    /**
     * Statements of the frequent writes, prepared once. sqlite-jdbc leaves a statement unusable after it failed, so
     * every failed write drops them all ({@link #dropStatements}) and they are prepared again when next used.
     */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private long transactions;
    /** Mailbox inserts and removals asked of this store (by the writer thread; read by tests once it is idle). */
    private final java.util.concurrent.atomic.AtomicLong mailboxWrites = new java.util.concurrent.atomic.AtomicLong();

    private long undecodableEvents;
    private boolean inBatch;

    private NodeStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    private static final String INSERT_EVENT = "INSERT OR IGNORE INTO events (id, session_id, author, hlc, kind, body,"
            + " local, received_from, stored_at_ms, counter, destinations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DEFER_MAILBOX = "UPDATE mailbox_deferred SET from_seq ="
            + " coalesce((SELECT seq FROM events WHERE id = ?), (SELECT min(seq) FROM events WHERE local = 1)) WHERE id = 0";
    private static final String DEFER_NONE = "UPDATE mailbox_deferred SET from_seq = NULL WHERE id = 0";
    private static final String INSERT_MAILBOX = "INSERT OR IGNORE INTO mailbox (event_id, destination, priority,"
            + " attempts, next_attempt_at_ms, expires_at_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String UPSERT_STATE = "INSERT INTO session_state (session_id, key, hlc, replica, value)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, key) DO UPDATE"
            + " SET hlc = excluded.hlc, replica = excluded.replica, value = excluded.value"
            + " WHERE excluded.hlc > session_state.hlc"
            + " OR (excluded.hlc = session_state.hlc AND excluded.replica > session_state.replica)";
    private static final String DELETE_MAILBOX = "DELETE FROM mailbox WHERE event_id = ? AND destination = ?";
    private static final String MAILBOX_SIZE = "SELECT entries FROM mailbox_size WHERE id = 0";

    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private void dropStatements() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // It is being thrown away because it failed; a failure to close it says nothing new.
                LOG.debug("{}: closing a failed statement", file, e);
            }
        }
        statements.clear();
    }

    /** Opens (or creates) the store of {@code directory}; see the class comment for the checks. */
    public static NodeStore open(DataDirectory directory, Synchronous synchronous) throws StoreException {
        return open(directory.database(), synchronous);
    }

    /** Opens (or creates) the store in {@code file}; see the class comment for the checks. */
    public static NodeStore open(Path file, Synchronous synchronous) throws StoreException {
        Objects.requireNonNull(synchronous, "synchronous");
        Path path = file.toAbsolutePath().normalize();
        boolean existing = checkExisting(path);
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        // The statement journal of each savepoint (one per writer operation) in memory, not in a temporary file that
        // is created, written and deleted for every transaction: that was a third of the writer's system calls.
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setSynchronous(
                synchronous == Synchronous.FULL
                        ? SQLiteConfig.SynchronousMode.FULL
                        : SQLiteConfig.SynchronousMode.NORMAL);
        Connection connection = null;
        boolean opened = false;
        try {
            connection = config.createConnection("jdbc:sqlite:" + path);
            try (Statement statement = connection.createStatement();
                    ResultSet mode = statement.executeQuery("PRAGMA journal_mode = WAL")) {
                String journal = mode.next() ? mode.getString(1) : "";
                if (!"wal".equalsIgnoreCase(journal)) {
                    throw new StoreException(path + ": SQLite refused write-ahead logging (journal mode " + journal
                            + "); is the file on a network file system?");
                }
            }
            NodeStore store = migrate(path, connection, existing);
            opened = true;
            return store;
        } catch (SQLException e) {
            throw translate(path, "cannot open the database", e);
        } finally {
            if (!opened && connection != null) {
                closeQuietly(connection);
            }
        }
    }

    /**
     * Checks an existing, non-empty file without writing to it: true when there is one to check. An empty file is
     * what SQLite leaves when it was killed before the first commit; it is a new database.
     */
    private static boolean checkExisting(Path path) throws StoreException {
        long size;
        try {
            if (!Files.exists(path)) {
                return false;
            }
            size = Files.size(path);
            if (size == 0) {
                return false;
            }
            byte[] header = new byte[SQLITE_HEADER.length];
            int read;
            try (InputStream in = Files.newInputStream(path)) {
                read = in.readNBytes(header, 0, header.length);
            }
            if (read < header.length || !Arrays.equals(header, SQLITE_HEADER)) {
                throw new StoreException(path + " is not an SQLite database, so not an elara store: move it away"
                        + " (elara will create a new one), or restore the right file from a backup");
            }
        } catch (IOException e) {
            throw new StoreException(path + ": cannot read the database: " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + path);
                Statement statement = connection.createStatement()) {
            int version = userVersion(statement);
            if (version > SCHEMA_VERSION) {
                throw new StoreException(path + " has schema version " + version + "; this elara knows up to "
                        + SCHEMA_VERSION + ": upgrade elara, or restore an older database");
            }
            try (ResultSet check = statement.executeQuery("PRAGMA quick_check(1)")) {
                String verdict = check.next() ? check.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw damaged(path, verdict, null);
                }
            }
            if (version == 0) {
                try (ResultSet tables = statement.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                    if (tables.next() && tables.getLong(1) > 0) {
                        throw new StoreException(path + " is an SQLite database, but not an elara store (it has"
                                + " tables and no elara schema version): move it away, or point elara at another"
                                + " data directory");
                    }
                }
            }
            return true;
        } catch (SQLException e) {
            throw translate(path, "cannot read the database", e);
        }
    }

    private static StoreException damaged(Path path, String detail, Throwable cause) {
        return new StoreException(
                path + " is damaged (" + oneLine(detail) + "): restore it from a backup, or move it away to start an"
                        + " empty store",
                cause);
    }

    /**
     * SQLite's own words on one line: {@code quick_check} reports as {@code "*** in database main ***\nTree 2 page 2:
     * ..."}, and the error is meant to be one line.
     */
    static String oneLine(String detail) {
        String text = detail == null ? "" : detail.replace("*** in database main ***", "");
        return text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static int userVersion(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("PRAGMA user_version")) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    private static NodeStore migrate(Path path, Connection connection, boolean existing)
            throws SQLException, StoreException {
        try (Statement statement = connection.createStatement()) {
            int version = userVersion(statement);
            // Checked read-only before; checked again in case another process changed it in between.
            if (version > SCHEMA_VERSION) {
                throw new StoreException(path + " has schema version " + version + "; this elara knows up to "
                        + SCHEMA_VERSION + ": upgrade elara, or restore an older database");
            }
            assert existing || version == 0 : "a new file has no schema";
            for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
                connection.setAutoCommit(false);
                try {
                    for (String sql : MIGRATIONS[next - 1]) {
                        statement.execute(sql);
                    }
                    statement.execute("PRAGMA user_version = " + next);
                    connection.commit();
                } catch (SQLException e) {
                    rollbackQuietly(connection);
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        }
        return new NodeStore(path, connection);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** Transactions committed since the store was opened (migrations not counted). */
    public long transactions() {
        return transactions;
    }

    /** Mailbox inserts and removals asked of this store since it was opened. */
    long mailboxWrites() {
        return mailboxWrites.get();
    }

    /** Stored event bodies that no longer decode, found (and skipped) by reads since the store was opened. */
    public long undecodableEvents() {
        return undecodableEvents;
    }

    /**
     * Stores {@code events} in one transaction; an event already stored (by id) is left as it was.
     *
     * @return per event, true when it was new
     */
    public boolean[] writeEvents(List<StoredEvent> events, long nowMs) throws StoreException {
        return write("store events", () -> {
            boolean[] fresh = new boolean[events.size()];
            for (int i = 0; i < fresh.length; i++) {
                PreparedStatement insertEvent = prepared(INSERT_EVENT);
                StoredEvent stored = events.get(i);
                Event event = stored.event();
                insertEvent.setBytes(1, idBytes(event.id()));
                insertEvent.setBytes(2, sessionBytes(event.session()));
                insertEvent.setBytes(3, event.author().toBytes());
                insertEvent.setLong(4, event.hlc());
                insertEvent.setInt(5, event.kind().code());
                insertEvent.setBytes(6, EventFrameCodec.encodeBody(event));
                insertEvent.setInt(7, stored.local() ? 1 : 0);
                insertEvent.setString(8, stored.receivedFrom());
                insertEvent.setLong(9, nowMs);
                insertEvent.setLong(10, event.counter());
                insertEvent.setString(
                        11, stored.destinations().isEmpty() ? null : String.join("\n", stored.destinations()));
                fresh[i] = insertEvent.executeUpdate() == 1;
                if (fresh[i] && event.kind() == EventKind.STATE) {
                    writeState(event);
                }
            }
            return fresh;
        });
    }

    /** Keeps the change a STATE event makes in session_state, unless a newer one is there. */
    private void writeState(Event event) throws SQLException {
        SessionState.Change change = SessionState.parse(event.text());
        if (change == null) {
            return; // VALIDATE refuses such an event; a caller that skipped it stores the event and no state
        }
        PreparedStatement upsert = prepared(UPSERT_STATE);
        upsert.setBytes(1, sessionBytes(event.session()));
        upsert.setString(2, SessionState.entryKey(change.key(), event.author()));
        upsert.setLong(3, event.hlc());
        upsert.setLong(4, event.author().leadingLong());
        upsert.setString(5, change.value().isEmpty() ? null : change.value());
        upsert.executeUpdate();
    }

    /** The shared state of {@code session} stored: each key's newest value, cleared keys as registers with none. */
    public LwwMap<String, String> state(SessionId session) throws StoreException {
        Map<String, LwwRegister<String>> entries = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT key, hlc, replica, value FROM session_state WHERE session_id = ?")) {
            select.setBytes(1, sessionBytes(session));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.put(
                            rows.getString(1),
                            LwwRegister.of(Optional.ofNullable(rows.getString(4)), rows.getLong(2), rows.getLong(3)));
                }
            }
            return LwwMap.of(entries);
        } catch (SQLException e) {
            throw translate(file, "cannot read the session's state", e);
        }
    }

    /**
     * Up to {@code limit} events of {@code session} whose HLC is at least {@code sinceHlcInclusive}, in {@link
     * Event#ORDER}. A stored body that no longer decodes is skipped and counted ({@link #undecodableEvents}), so the
     * list may be shorter than {@code limit} while more events follow.
     */
    public List<Event> history(SessionId session, long sinceHlcInclusive, int limit) throws StoreException {
        if (limit <= 0) {
            return List.of();
        }
        try {
            List<Event> events = new ArrayList<>();
            Rows first;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT hlc, body FROM events WHERE session_id = ? AND hlc >= ? ORDER BY hlc, author LIMIT ?")) {
                select.setBytes(1, sessionBytes(session));
                select.setLong(2, sinceHlcInclusive);
                select.setInt(3, limit);
                first = readEvents(select, events);
            }
            if (first.count() == limit) {
                // Event.ORDER breaks ties on the id as two signed longs, which SQLite's byte order on the blob does
                // not follow; so all the events that share the last HLC are read, and ordered here.
                events.removeIf(event -> event.hlc() == first.lastHlc());
                try (PreparedStatement ties =
                        connection.prepareStatement("SELECT hlc, body FROM events WHERE session_id = ? AND hlc = ?")) {
                    ties.setBytes(1, sessionBytes(session));
                    ties.setLong(2, first.lastHlc());
                    readEvents(ties, events);
                }
            }
            events.sort(Event.ORDER);
            return events.size() > limit ? new ArrayList<>(events.subList(0, limit)) : events;
        } catch (SQLException e) {
            throw translate(file, "cannot read the history", e);
        }
    }

    /**
     * The events of {@code session} in {@code ranges} (each a {@link DotRange} whose replica is an author key, the
     * first 8 bytes of the author's id), in range order and counter order within one, {@code limit} at most: what
     * anti-entropy passes on to a member that lacks them. Undecodable bodies are skipped and counted.
     */
    public List<Event> numbered(SessionId session, List<DotRange> ranges, int limit) throws StoreException {
        List<Event> events = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT hlc, body FROM events"
                + " WHERE session_id = ? AND author >= ? AND author <= ? AND counter >= ? AND counter <= ?"
                // Verbatim, so that SQLite may use the partial index events_by_author.
                + " AND counter > 0"
                + " ORDER BY author, counter LIMIT ?")) {
            for (DotRange range : ranges) {
                if (events.size() >= limit) {
                    break;
                }
                select.setBytes(1, sessionBytes(session));
                select.setBytes(2, authorBound(range.replica(), (byte) 0));
                select.setBytes(3, authorBound(range.replica(), (byte) 0xFF));
                select.setLong(4, range.first());
                select.setLong(5, range.last());
                select.setInt(6, limit - events.size());
                readEvents(select, events);
            }
            return events;
        } catch (SQLException e) {
            throw translate(file, "cannot read events for a member", e);
        }
    }

    /** The smallest (fill 0) or largest (fill 0xFF) 32-byte author id whose first 8 bytes are {@code key}. */
    private static byte[] authorBound(long key, byte fill) {
        byte[] bound = new byte[NodeId.LENGTH];
        Arrays.fill(bound, Long.BYTES, bound.length, fill);
        for (int i = 0; i < Long.BYTES; i++) {
            bound[i] = (byte) (key >>> (56 - 8 * i));
        }
        return bound;
    }

    /**
     * The dots (author key, counter) of every numbered event of {@code session} stored: what a node restarting knows
     * it holds, for anti-entropy, beyond the recent events it puts back in memory.
     */
    public HeldEvents held(SessionId session) throws StoreException {
        HeldEvents held = new HeldEvents();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT author, counter FROM events WHERE session_id = ? AND counter > 0 ORDER BY author, counter")) {
            select.setBytes(1, sessionBytes(session));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    held.add(NodeId.of(rows.getBytes(1)).leadingLong(), rows.getLong(2));
                }
            }
            return held;
        } catch (SQLException e) {
            throw translate(file, "cannot read which events are held", e);
        }
    }

    /**
     * The {@code limit} latest events of {@code session} (by HLC), returned oldest first in {@link Event#ORDER}: what a
     * node restarting puts back into a session's recent history. Undecodable bodies are skipped and counted.
     */
    public List<Event> latest(SessionId session, int limit) throws StoreException {
        if (limit <= 0) {
            return List.of();
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT hlc, body FROM events WHERE session_id = ? ORDER BY hlc DESC, author DESC LIMIT ?")) {
            select.setBytes(1, sessionBytes(session));
            select.setInt(2, limit);
            List<Event> events = new ArrayList<>();
            readEvents(select, events);
            events.sort(Event.ORDER);
            return events;
        } catch (SQLException e) {
            throw translate(file, "cannot read the latest events", e);
        }
    }

    /**
     * Up to {@code limit} mailbox entries with their events, in the order the events were stored: what a node that
     * restarts sends again. Entries whose stored body no longer decodes are skipped and counted.
     */
    public List<EventJournal.Undelivered> undelivered(int limit) throws StoreException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT m.destination, e.body FROM mailbox m JOIN events e ON e.id = m.event_id"
                        + " ORDER BY e.seq, m.destination LIMIT ?")) {
            select.setInt(1, limit);
            List<EventJournal.Undelivered> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Event event = decode(rows.getBytes(2));
                    if (event != null) {
                        entries.add(new EventJournal.Undelivered(event, rows.getString(1)));
                    }
                }
            }
            return entries;
        } catch (SQLException e) {
            throw translate(file, "cannot read the mailbox", e);
        }
    }

    /** Rows read by a query, and the HLC of the last. */
    private record Rows(int count, long lastHlc) {}

    /** Decodes the rows of {@code select} (hlc, body) into {@code events}. */
    private Rows readEvents(PreparedStatement select, List<Event> events) throws SQLException {
        int count = 0;
        long lastHlc = Long.MIN_VALUE;
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                count++;
                lastHlc = rows.getLong(1);
                Event event = decode(rows.getBytes(2));
                if (event != null) {
                    events.add(event);
                }
            }
        }
        return new Rows(count, lastHlc);
    }

    /** The event in a stored body, or null (counted) when it no longer decodes. */
    private Event decode(byte[] body) {
        if (body == null) {
            undecodableEvents++;
            return null;
        }
        ByteBuf buffer = Unpooled.wrappedBuffer(body);
        try {
            if (EventFrameCodec.checkStructure(buffer, 0, body.length) != RejectReason.NONE
                    || codec.decode(buffer, 0) != RejectReason.NONE) {
                undecodableEvents++;
                return null;
            }
            return codec.event();
        } catch (RuntimeException e) {
            // A proof that checkStructure accepted but EventProof rejects: the body was damaged on disk.
            undecodableEvents++;
            return null;
        } finally {
            buffer.release();
        }
    }

    /** The ids of the {@code limit} events stored last, newest first: to rebuild a duplicate filter at start. */
    public List<EventId> recentEventIds(int limit) throws StoreException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT id FROM events ORDER BY seq DESC LIMIT ?")) {
            select.setInt(1, limit);
            List<EventId> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(eventId(rows.getBytes(1)));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw translate(file, "cannot read the event ids", e);
        }
    }

    /** Stored events, all sessions. */
    public long eventCount() throws StoreException {
        return count("SELECT count(*) FROM events");
    }

    /**
     * Queues {@code entry}, whose event must be stored already. Adding an entry that is queued already (same event
     * and destination) changes nothing and returns false.
     *
     * @param entriesMax the mailbox's bound, all destinations together
     * @throws MailboxFullException when the mailbox holds {@code entriesMax} entries
     */
    public boolean mailboxAdd(MailboxEntry entry, int entriesMax) throws StoreException {
        mailboxWrites.incrementAndGet();
        return write("queue a message", () -> {
            long size;
            try (ResultSet rows = prepared(MAILBOX_SIZE).executeQuery()) {
                size = rows.next() ? rows.getLong(1) : 0;
            }
            if (size >= entriesMax) {
                throw new MailboxFullException("the mailbox of " + file + " holds " + size + " messages, its limit ("
                        + entriesMax + "): the message for " + entry.destination() + " was not queued");
            }
            PreparedStatement insertMailbox = prepared(INSERT_MAILBOX);
            insertMailbox.setBytes(1, idBytes(entry.eventId()));
            insertMailbox.setString(2, entry.destination());
            insertMailbox.setInt(3, entry.priority());
            insertMailbox.setInt(4, entry.attempts());
            insertMailbox.setLong(5, entry.nextAttemptAtMs());
            insertMailbox.setLong(6, entry.expiresAtMs());
            insertMailbox.setLong(7, entry.createdAtMs());
            return insertMailbox.executeUpdate() == 1;
        });
    }

    /**
     * Records where the own events whose mailbox entries are not written start: at {@code oldest} (stored already, in
     * this transaction or before), or nowhere when it is null. A start queues the entries of {@code oldest} and every
     * own event stored after it ({@link #recoverDeferredMailbox}).
     */
    public void deferMailbox(EventId oldest) throws StoreException {
        write("note the deferred mailbox", () -> {
            if (oldest == null) {
                prepared(DEFER_NONE).executeUpdate();
            } else {
                PreparedStatement defer = prepared(DEFER_MAILBOX);
                defer.setBytes(1, idBytes(oldest));
                defer.executeUpdate();
            }
            return null;
        });
    }

    /**
     * At start, before anything else writes: queues in the mailbox, for each of its destinations, every own event whose
     * entries the journal had deferred and may not have written before the node stopped (see {@link #deferMailbox}),
     * and clears the mark. An entry that exists already stays as it is; the mailbox's bound does not apply (these were
     * accepted sends). Returns how many entries were added.
     */
    public int recoverDeferredMailbox(long nowMs, long keepMs) throws StoreException {
        return write("queue the deferred mailbox entries", () -> {
            Long fromSeq = null;
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT from_seq FROM mailbox_deferred WHERE id = 0")) {
                if (rows.next()) {
                    long value = rows.getLong(1);
                    fromSeq = rows.wasNull() ? null : value;
                }
            }
            if (fromSeq == null) {
                return 0;
            }
            int added = 0;
            try (PreparedStatement select = connection.prepareStatement("SELECT id, destinations FROM events"
                    + " WHERE seq >= ? AND local = 1 AND destinations IS NOT NULL ORDER BY seq")) {
                select.setLong(1, fromSeq);
                PreparedStatement insertMailbox = prepared(INSERT_MAILBOX);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        byte[] id = rows.getBytes(1);
                        for (String destination : rows.getString(2).split("\n", -1)) {
                            insertMailbox.setBytes(1, id);
                            insertMailbox.setString(2, destination);
                            insertMailbox.setInt(3, 0);
                            insertMailbox.setInt(4, 0);
                            insertMailbox.setLong(5, nowMs);
                            insertMailbox.setLong(6, nowMs + keepMs);
                            insertMailbox.setLong(7, nowMs);
                            added += insertMailbox.executeUpdate();
                        }
                    }
                }
            }
            prepared(DEFER_NONE).executeUpdate();
            return added;
        });
    }

    /** Removes the entry: {@code destination} acknowledged the event. False when there was none. */
    public boolean mailboxAck(EventId eventId, String destination) throws StoreException {
        mailboxWrites.incrementAndGet();
        return write("remove an acknowledged message", () -> {
            PreparedStatement deleteMailbox = prepared(DELETE_MAILBOX);
            deleteMailbox.setBytes(1, idBytes(eventId));
            deleteMailbox.setString(2, destination);
            return deleteMailbox.executeUpdate() == 1;
        });
    }

    /** Records a failed attempt: one more attempt, next due at {@code nextAttemptAtMs}. False when there was none. */
    public boolean mailboxRetry(EventId eventId, String destination, long nextAttemptAtMs) throws StoreException {
        return write("reschedule a message", () -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE mailbox SET attempts = attempts + 1,"
                    + " next_attempt_at_ms = ? WHERE event_id = ? AND destination = ?")) {
                update.setLong(1, nextAttemptAtMs);
                update.setBytes(2, idBytes(eventId));
                update.setString(3, destination);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Up to {@code limit} entries due at {@code nowMs}, highest priority first, then longest due. */
    public List<MailboxEntry> mailboxDue(long nowMs, int limit) throws StoreException {
        return mailboxQuery(
                "WHERE next_attempt_at_ms <= ? ORDER BY priority DESC, next_attempt_at_ms, created_at_ms LIMIT ?",
                statement -> {
                    statement.setLong(1, nowMs);
                    statement.setInt(2, limit);
                });
    }

    /** Every entry for {@code destination}, oldest first: what to send when it comes back. */
    public List<MailboxEntry> mailboxPending(String destination) throws StoreException {
        return mailboxQuery(
                "WHERE destination = ? ORDER BY created_at_ms, event_id",
                statement -> statement.setString(1, destination));
    }

    /** Entries queued, all destinations. */
    public long mailboxSize() throws StoreException {
        return count("SELECT entries FROM mailbox_size WHERE id = 0");
    }

    /**
     * Moves every entry that expired at {@code nowMs} to the dead letters (reason {@link #REASON_EXPIRED}).
     *
     * @return how many moved
     */
    public int mailboxExpire(long nowMs) throws StoreException {
        return write("expire messages", () -> {
            try (PreparedStatement move = connection.prepareStatement(
                            "INSERT INTO dead_letter (event_id, destination, reason, attempts, dead_at_ms)"
                                    + " SELECT event_id, destination, ?, attempts, ? FROM mailbox"
                                    + " WHERE expires_at_ms <= ?");
                    PreparedStatement delete =
                            connection.prepareStatement("DELETE FROM mailbox WHERE expires_at_ms <= ?")) {
                move.setString(1, REASON_EXPIRED);
                move.setLong(2, nowMs);
                move.setLong(3, nowMs);
                int moved = move.executeUpdate();
                delete.setLong(1, nowMs);
                int deleted = delete.executeUpdate();
                assert moved == deleted : "moved " + moved + " but deleted " + deleted;
                return moved;
            }
        });
    }

    /**
     * Gives up one delivery: removes the mailbox entry (if any) and records a dead letter with {@code reason} (one
     * line: past its retry budget, rejected by a flow, undecodable).
     */
    public void deadLetter(EventId eventId, String destination, String reason, long nowMs) throws StoreException {
        write("record a dead letter", () -> {
            int attempts = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT attempts FROM mailbox WHERE event_id = ? AND destination = ?")) {
                select.setBytes(1, idBytes(eventId));
                select.setString(2, destination);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        attempts = rows.getInt(1);
                    }
                }
            }
            PreparedStatement deleteMailbox = prepared(DELETE_MAILBOX);
            deleteMailbox.setBytes(1, idBytes(eventId));
            deleteMailbox.setString(2, destination);
            deleteMailbox.executeUpdate();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO dead_letter (event_id,"
                    + " destination, reason, attempts, dead_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                insert.setBytes(1, idBytes(eventId));
                insert.setString(2, destination);
                insert.setString(3, reason);
                insert.setInt(4, attempts);
                insert.setLong(5, nowMs);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** Up to {@code limit} dead letters, oldest first. */
    public List<DeadLetter> deadLetters(int limit) throws StoreException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT event_id, destination, reason, attempts, dead_at_ms FROM dead_letter ORDER BY seq LIMIT ?")) {
            select.setInt(1, limit);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    letters.add(new DeadLetter(
                            eventId(rows.getBytes(1)),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getInt(4),
                            rows.getLong(5)));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw translate(file, "cannot read the dead letters", e);
        }
    }

    /**
     * Keeps {@code snapshot} as its session's latest, unless a newer version is stored already.
     *
     * @return true when stored
     */
    public boolean putSnapshot(SessionSnapshot snapshot) throws StoreException {
        return write("store a session snapshot", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO session_snapshots (session_id, name, version, state, updated_at_ms)"
                            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET name = excluded.name,"
                            + " version = excluded.version, state = excluded.state,"
                            + " updated_at_ms = excluded.updated_at_ms WHERE excluded.version >= version")) {
                upsert.setBytes(1, sessionBytes(snapshot.session()));
                upsert.setString(2, snapshot.name());
                upsert.setLong(3, snapshot.version());
                upsert.setBytes(4, snapshot.state());
                upsert.setLong(5, snapshot.updatedAtMs());
                return upsert.executeUpdate() == 1;
            }
        });
    }

    /** The latest snapshot of every session, oldest first. */
    public List<SessionSnapshot> snapshots() throws StoreException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT session_id, name, version, state, updated_at_ms FROM session_snapshots"
                        + " ORDER BY updated_at_ms, session_id")) {
            List<SessionSnapshot> snapshots = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byte[] idBytes = rows.getBytes(1);
                    if (idBytes == null || idBytes.length != SessionId.LENGTH) {
                        continue; // not a session id this build wrote
                    }
                    ByteBuffer id = ByteBuffer.wrap(idBytes);
                    snapshots.add(new SessionSnapshot(
                            new SessionId(id.getLong(), id.getLong()),
                            rows.getString(2),
                            rows.getLong(3),
                            rows.getBytes(4),
                            rows.getLong(5)));
                }
            }
            return snapshots;
        } catch (SQLException e) {
            throw translate(file, "cannot read the session snapshots", e);
        }
    }

    /** The latest snapshot of {@code session}, if any. */
    public Optional<SessionSnapshot> snapshot(SessionId session) throws StoreException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT name, version, state, updated_at_ms FROM session_snapshots WHERE session_id = ?")) {
            select.setBytes(1, sessionBytes(session));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SessionSnapshot(
                        session, rows.getString(1), rows.getLong(2), rows.getBytes(3), rows.getLong(4)));
            }
        } catch (SQLException e) {
            throw translate(file, "cannot read the session snapshot", e);
        }
    }

    /**
     * Records that {@code peer} was seen. A null name or address keeps the one stored; the last-seen time never goes
     * back.
     */
    public void upsertPeer(KnownPeer peer) throws StoreException {
        write("store a peer", () -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO peers (node_id, name, address, last_seen_at_ms) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (node_id) DO UPDATE SET name = coalesce(excluded.name, name),"
                            + " address = coalesce(excluded.address, address),"
                            + " last_seen_at_ms = max(excluded.last_seen_at_ms, last_seen_at_ms)")) {
                upsert.setBytes(1, peer.nodeId().toBytes());
                upsert.setString(2, peer.name());
                upsert.setString(3, peer.address());
                upsert.setLong(4, peer.lastSeenAtMs());
                upsert.executeUpdate();
                return null;
            }
        });
    }

    /** Every known peer, most recently seen first. */
    public List<KnownPeer> peers() throws StoreException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT node_id, name, address, last_seen_at_ms FROM peers ORDER BY last_seen_at_ms DESC, node_id")) {
            List<KnownPeer> peers = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    peers.add(new KnownPeer(
                            NodeId.of(rows.getBytes(1)), rows.getString(2), rows.getString(3), rows.getLong(4)));
                }
            }
            return peers;
        } catch (SQLException e) {
            throw translate(file, "cannot read the peers", e);
        }
    }

    /** Closes the connection; the last connection to close checkpoints the log into the database file. */
    @Override
    public void close() throws StoreException {
        dropStatements();
        try {
            connection.close();
        } catch (SQLException e) {
            throw translate(file, "cannot close the database", e);
        }
    }

    /**
     * Caps the database at {@code pages} pages for this connection (SQLite's {@code max_page_count}), or at its current
     * size when that is larger, and returns the cap: lets tests make SQLite report a full disk without filling one.
     */
    long limitPages(long pages) throws StoreException {
        return count("PRAGMA max_page_count = " + pages);
    }

    /** Pages in the database now. */
    long pageCount() throws StoreException {
        return count("PRAGMA page_count");
    }

    // --- batches, for StoreWriter ---

    /** Starts a transaction that the write methods join until {@link #commitBatch} or {@link #rollbackBatch}. */
    void beginBatch() throws StoreException {
        if (inBatch) {
            throw new IllegalStateException("a batch is open already");
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw translate(file, "cannot start a transaction", e);
        }
        inBatch = true;
    }

    /**
     * Runs {@code operation} in the open batch. If it fails with anything but a full disk, only its own changes are
     * undone (a savepoint) and the batch goes on; a full disk is rethrown for the caller to roll the batch back.
     */
    <T> T inBatch(StoreWriter.Operation<T> operation) throws StoreException {
        if (!inBatch) {
            throw new IllegalStateException("no batch is open");
        }
        Savepoint savepoint;
        try {
            savepoint = connection.setSavepoint();
        } catch (SQLException e) {
            throw translate(file, "cannot start a savepoint", e);
        }
        try {
            T result = operation.apply(this);
            connection.releaseSavepoint(savepoint);
            return result;
        } catch (StoreFullException e) {
            throw e;
        } catch (StoreException | RuntimeException e) {
            try {
                connection.rollback(savepoint);
                connection.releaseSavepoint(savepoint);
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
                throw new StoreFullException(file + ": cannot undo a failed write: " + rollback.getMessage(), e);
            }
            throw e;
        } catch (SQLException e) {
            throw translate(file, "cannot finish a write", e);
        }
    }

    /** Commits the open batch; when that fails, the batch stays open for {@link #rollbackBatch}. */
    void commitBatch() throws StoreException {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw translate(file, "cannot commit", e);
        }
        transactions++;
        endBatch();
    }

    /** Undoes the open batch; never throws (the batch's own failure is what the caller reports). */
    void rollbackBatch(Exception cause) {
        dropStatements();
        try {
            connection.rollback();
        } catch (SQLException e) {
            // SQLite may have rolled back on its own (it does so for a full disk); the cause says what happened.
            cause.addSuppressed(e);
        } finally {
            endBatch();
        }
    }

    private void endBatch() {
        inBatch = false;
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // After a commit or rollback nothing is open, so this only fails on a closed connection, which the next
            // statement reports.
            LOG.debug("{}: cannot return to autocommit", file, e);
        }
    }

    // --- helpers ---

    /** A unit of SQL work that may throw. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException, StoreException;
    }

    /** Runs {@code work} in the open batch, or in a transaction of its own. */
    private <T> T write(String what, Work<T> work) throws StoreException {
        if (inBatch) {
            try {
                return work.run();
            } catch (SQLException e) {
                dropStatements();
                throw translate(file, "cannot " + what, e);
            }
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw translate(file, "cannot start a transaction", e);
        }
        boolean committed = false;
        try {
            T result = work.run();
            connection.commit();
            committed = true;
            transactions++;
            return result;
        } catch (SQLException e) {
            dropStatements();
            throw translate(file, "cannot " + what, e);
        } finally {
            if (!committed) {
                rollbackQuietly(connection);
            }
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                // Only a closed connection refuses this; the next statement reports it.
                LOG.debug("{}: cannot return to autocommit", file, e);
            }
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private List<MailboxEntry> mailboxQuery(String where, Binder binder) throws StoreException {
        try (PreparedStatement select = connection.prepareStatement("SELECT event_id, destination, priority, attempts,"
                + " next_attempt_at_ms, expires_at_ms, created_at_ms FROM mailbox " + where)) {
            binder.bind(select);
            List<MailboxEntry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new MailboxEntry(
                            eventId(rows.getBytes(1)),
                            rows.getString(2),
                            rows.getInt(3),
                            rows.getInt(4),
                            rows.getLong(5),
                            rows.getLong(6),
                            rows.getLong(7)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw translate(file, "cannot read the mailbox", e);
        }
    }

    private long count(String sql) throws StoreException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException e) {
            throw translate(file, "cannot count", e);
        }
    }

    /** Turns SQLite's error into one line that names the file and says what to do. */
    static StoreException translate(Path path, String what, SQLException e) {
        int primary = e.getErrorCode() & 0xFF;
        if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
            return new StoreFullException(
                    path + ": the disk is full (or the database reached its size limit); the last write was rolled"
                            + " back and everything stored before it is kept: free some space, then try again",
                    e);
        }
        if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return new StoreException(
                    path + " is not an SQLite database, so not an elara store: move it away (elara will create a new"
                            + " one), or restore the right file from a backup",
                    e);
        }
        if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
            return damaged(path, e.getMessage(), e);
        }
        return new StoreException(path + ": " + what + ": " + e.getMessage(), e);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // SQLite rolls back on its own after some errors (a full disk); the original error is what is reported.
            LOG.debug("rollback after a failed write", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Opening failed, and that failure is what is reported; a failed close adds nothing to it.
            LOG.debug("close after a failed open", e);
        }
    }

    static byte[] idBytes(EventId id) {
        return ByteBuffer.allocate(EventId.LENGTH)
                .putLong(id.high())
                .putLong(id.low())
                .array();
    }

    static byte[] sessionBytes(SessionId session) {
        return ByteBuffer.allocate(SessionId.LENGTH)
                .putLong(session.high())
                .putLong(session.low())
                .array();
    }

    private static EventId eventId(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new EventId(buffer.getLong(), buffer.getLong());
    }
}
