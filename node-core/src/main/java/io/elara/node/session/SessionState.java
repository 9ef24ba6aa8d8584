package io.elara.node.session;

import io.elara.crdt.register.LwwMap;
import io.elara.crdt.register.LwwRegister;
import io.elara.crypto.identity.NodeId;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session's shared state beside its chat log: each member's presence and the session's topic, as last-writer-wins
 * registers ({@link LwwMap}) changed only by {@link EventKind#STATE} events. Loop thread only.
 *
 * <p><b>The event's text</b> is {@code KEY=VALUE}: a key of 1 to 32 characters from {@code [a-z0-9-]} starting with a
 * letter, and a value of at most {@link #VALUE_BYTES_MAX} bytes of UTF-8 on one line. An empty value clears the key.
 *
 * <p><b>Whose key it is.</b> The keys in {@link #SESSION_KEYS} ({@code topic}) are the session's: any member may set
 * them. Every other key ({@code presence}, and any key a later version adds) is the author's own: it is held under
 * {@code KEY@AUTHOR-ID}, so a member can change only its own presence, and a node that does not know a key still keeps
 * and passes it on without giving anyone power over someone else's entry.
 *
 * <p><b>Who wins.</b> The later HLC; on equal HLCs, the larger author key (the first 8 bytes of the author's id). Every
 * member that holds the same events holds the same state, in whatever order they arrived.
 */
public final class SessionState {
    /** The longest value, in bytes of UTF-8. */
    public static final int VALUE_BYTES_MAX = 512;
    /** The longest key. */
    public static final int KEY_LENGTH_MAX = 32;
    /** The key of a member's presence: {@code online|away|busy|offline}, then optionally a space and a status text. */
    public static final String PRESENCE = "presence";
    /** The key of the session's topic. */
    public static final String TOPIC = "topic";
    /** Keys any member sets for the whole session; every other key is per author. */
    public static final Set<String> SESSION_KEYS = Set.of(TOPIC);
    /** The presence statuses, in the order a user is offered them. */
    public static final List<String> STATUSES = List.of("online", "away", "busy", "offline");

    /** A parsed state change: {@code value} is empty when it clears {@code key}. */
    public record Change(String key, String value) {
        /** The event text that makes this change. */
        public String text() {
            return key + "=" + value;
        }
    }

    private LwwMap<String, String> entries = LwwMap.empty();

    /** The change {@code text} makes, or null when it is not {@code KEY=VALUE} as the class comment says. */
    public static Change parse(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0) {
            return null;
        }
        String key = text.substring(0, equals);
        String value = text.substring(equals + 1);
        if (!validKey(key) || value.getBytes(StandardCharsets.UTF_8).length > VALUE_BYTES_MAX) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '\n') {
                return null;
            }
        }
        return new Change(key, value);
    }

    /** Whether {@code key} is 1 to 32 characters of {@code [a-z0-9-]} starting with a letter. */
    public static boolean validKey(String key) {
        if (key.isEmpty() || key.length() > KEY_LENGTH_MAX || key.charAt(0) < 'a' || key.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of a presence change from {@code status} and an optional {@code text}, or throws {@link
     * IllegalArgumentException} naming what is wrong.
     */
    public static String presence(String status, String text) {
        String normalized = status.toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(normalized)) {
            throw new IllegalArgumentException("unknown presence '" + status + "' (online, away, busy or offline)");
        }
        return text == null || text.isBlank() ? normalized : normalized + " " + text.strip();
    }

    /** The key {@code key} set by {@code author} is held under: itself for a session key, else {@code KEY@AUTHOR}. */
    public static String entryKey(String key, NodeId author) {
        return SESSION_KEYS.contains(key) ? key : key + "@" + author;
    }

    /**
     * Merges the change {@code event} (a {@link EventKind#STATE} event) makes; returns false when the event is not a
     * well-formed state change. A change older than the one held for its key changes nothing.
     */
    public boolean apply(Event event) {
        Change change = event.kind() == EventKind.STATE ? parse(event.text()) : null;
        if (change == null) {
            return false;
        }
        String key = entryKey(change.key(), event.author());
        long replica = event.author().leadingLong();
        entries = entries.merge(
                change.value().isEmpty()
                        ? entries.remove(key, event.hlc(), replica)
                        : entries.put(key, change.value(), event.hlc(), replica));
        return true;
    }

    /** Merges {@code stored} (the state read back from the database at start). */
    public void restore(LwwMap<String, String> stored) {
        entries = entries.merge(stored);
    }

    /** The session's topic, if one is set. */
    public Optional<String> topic() {
        return entries.get(TOPIC);
    }

    /** {@code member}'s presence, if it set one. */
    public Optional<String> presence(NodeId member) {
        return entries.get(entryKey(PRESENCE, member));
    }

    /** Every entry, cleared ones included (as registers with no value). */
    public Map<String, LwwRegister<String>> entries() {
        return entries.entries();
    }

    /** The state as an {@link LwwMap}, for comparing two members' states. */
    public LwwMap<String, String> asLwwMap() {
        return entries;
    }
}
