package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.crdt.clock.Hlc;
import io.elara.node.config.NodeConfig;
import io.elara.node.config.SessionConfig;
import io.elara.node.control.ControlJson;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.SessionId;
import io.elara.node.session.SessionTable;
import io.elara.node.store.DataDirectory;
import io.elara.node.store.NodeStore;
import io.elara.node.store.SessionSnapshot;
import io.elara.node.store.StoreException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a session's stored events from the node's database ({@code elara.db} in its data directory), whether or not the
 * node runs (the database is in WAL mode, so a reader never blocks the node's writer). For {@code elara history} and
 * {@code elara export}.
 */
final class StoredHistory {
    /** Events read from the database per query. */
    private static final int PAGE = 1000;

    private static final Pattern AGO = Pattern.compile("([0-9]{1,9})(s|m|h|d)");

    private StoredHistory() {}

    /** The id of the session named {@code name} in {@code config}, or of the direct messages; else a usage error. */
    static SessionId session(NodeConfig config, String name) {
        if (name.equals(SessionTable.DIRECT_NAME)) {
            return SessionId.DIRECT;
        }
        List<String> names = new ArrayList<>();
        for (SessionConfig session : config.sessions()) {
            if (session.name().equals(name)) {
                return SessionId.forName(name);
            }
            names.add(session.name());
        }
        DataDirectory directory = DataDirectory.of(config);
        if (Files.exists(directory.database())) {
            // A session created or joined at run time is known by the database alone.
            try (NodeStore store = NodeStore.open(directory, NodeStore.Synchronous.NORMAL)) {
                for (SessionSnapshot snapshot : store.snapshots()) {
                    if (snapshot.name().equals(name)) {
                        return snapshot.session();
                    }
                    names.add(snapshot.name());
                }
            } catch (StoreException e) {
                throw new ElaraUserException(ExitCode.FAILURE, e.getMessage());
            }
        }
        names.add(SessionTable.DIRECT_NAME);
        throw new ElaraUserException(
                ExitCode.USAGE, "no session named '" + name + "' (this node has: " + String.join(", ", names) + ")");
    }

    /**
     * The earliest HLC to show for {@code --since}: an instant ({@code 2026-11-22T08:00:00Z}) or a time ago ({@code
     * 90s}, {@code 30m}, {@code 2h}, {@code 7d}); 0 when null.
     */
    static long sinceHlc(String since, Instant now) {
        if (since == null) {
            return 0;
        }
        Matcher ago = AGO.matcher(since);
        Instant from;
        if (ago.matches()) {
            long value = Long.parseLong(ago.group(1));
            Duration back = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(value);
                case "m" -> Duration.ofMinutes(value);
                case "h" -> Duration.ofHours(value);
                default -> Duration.ofDays(value);
            };
            from = now.minus(back);
        } else {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new ElaraUserException(
                        ExitCode.USAGE,
                        "--since '" + since + "' is neither a time ago (90s, 30m, 2h, 7d) nor an instant"
                                + " (2026-11-22T08:00:00Z)");
            }
        }
        return Hlc.pack(Math.max(0, from.toEpochMilli()), 0);
    }

    /**
     * Hands every stored event of {@code session} from {@code sinceHlc} on to {@code each}, oldest first (causal
     * order), at most {@code limit} of them (0: all).
     */
    static void read(NodeConfig config, SessionId session, long sinceHlc, int limit, Consumer<Event> each) {
        DataDirectory directory = DataDirectory.of(config);
        if (!Files.exists(directory.database())) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    "no database at " + directory.database() + ": this node has stored nothing yet ('elara run' keeps"
                            + " what it sends and receives there)");
        }
        try (NodeStore store = NodeStore.open(directory, NodeStore.Synchronous.NORMAL)) {
            long from = sinceHlc;
            int shown = 0;
            Set<EventId> atFrom = new HashSet<>();
            while (true) {
                List<Event> page = store.history(session, from, PAGE);
                int fresh = 0;
                for (Event event : page) {
                    if (event.hlc() == from && !atFrom.add(event.id())) {
                        continue; // shown with the previous page, which ended at this HLC
                    }
                    if (event.hlc() != from) {
                        from = event.hlc();
                        atFrom.clear();
                        atFrom.add(event.id());
                    }
                    if (limit > 0 && shown >= limit) {
                        return;
                    }
                    each.accept(event);
                    shown++;
                    fresh++;
                }
                if (page.size() < PAGE || fresh == 0) {
                    return;
                }
            }
        } catch (StoreException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
    }

    /** One event as {@code elara history --json} and {@code elara export} print it. */
    static Map<String, Object> json(Event event, String sessionName) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", ControlJson.type(event));
        json.put("id", event.id().toString());
        json.put("session", sessionName);
        json.put("author", event.author().toString());
        json.put("authorName", event.authorName());
        json.put("time", Instant.ofEpochMilli(Hlc.physicalMs(event.hlc())).toString());
        json.put("hlc", Hlc.format(event.hlc()));
        json.put("text", event.text());
        ControlJson.putState(event, json);
        return json;
    }
}
