package io.elara.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.voice.VoiceSource;
import io.elara.node.control.ControlClient;
import io.elara.node.session.SessionState;
import io.elara.node.sim.SimDurations;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The chat's logic, on a running node's control socket: what is typed ({@link ChatInput}) becomes a send or a
 * command, and what the node delivers ({@code tail}) becomes lines in the {@link ChatView}. Sends go out on a thread of
 * their own, so typing never waits for the network; a message shows when the node delivers it back, as everyone else
 * sees it. Thread-safe.
 */
public final class ChatClient implements AutoCloseable {
    /** How long a message may wait for every member's acknowledgement before the chat says who has not got it yet. */
    static final long SEND_TIMEOUT_MS = 10_000;
    /** Recent messages shown when the chat opens. */
    static final int BACKLOG = 20;
    /** The presence text an automatic away carries, so that coming back can tell it from one set by hand. */
    static final String IDLE = "idle";

    /** Writes a session's stored history to a file, as {@code elara export} does. */
    @FunctionalInterface
    public interface Exporter {
        /**
         * @return how many messages it wrote
         * @throws IOException naming, in one line, why nothing was written
         */
        int export(String session, Path file) throws IOException;
    }

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Path socket;
    private final String self;
    private final ChatVoice voice;
    private final ChatShare share;
    private final int textBytesMax;
    private final ChatView view;
    private final long awayAfterNs;
    private final Exporter exporter;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "elara-chat-send");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Integer> unread = new ConcurrentHashMap<>();

    /** Sends whose answer is awaited at most at once; the control socket serves {@code CLIENTS_MAX} connections. */
    private static final int SENDS_OUTSTANDING_MAX = 16;

    private final java.util.concurrent.Semaphore sendsOutstanding =
            new java.util.concurrent.Semaphore(SENDS_OUTSTANDING_MAX);

    /** Threads that wait for the acknowledgements of sends the node already has. */
    private final ExecutorService waiters = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "elara-chat-acks");
        thread.setDaemon(true);
        return thread;
    });

    /** Own messages sent from this chat, by event id: how many members acknowledged each (for /history). */
    private final Map<String, Integer> deliveredTo = new ConcurrentHashMap<>();

    /** Deliveries remembered at most; past this the oldest are forgotten all at once. */
    private static final int DELIVERIES_KEPT = 10_000;
    /** Typing signals go out here, never behind a message waiting for its acknowledgements. */
    private final ExecutorService signals = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "elara-chat-signal");
        thread.setDaemon(true);
        return thread;
    });
    /** Presence changes made for idleness, in order, off the threads that type and draw. */
    private final ExecutorService presence = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "elara-chat-presence");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * Held while reading and then setting this node's presence, so that an automatic change never lands between a
     * manual one's read and write.
     */
    private final Object presenceLock = new Object();
    /** Recent messages per session (newest last), to edit, delete and react to, and to name in notices. */
    private final Map<String, java.util.Deque<Message>> recent = new ConcurrentHashMap<>();
    /** The text each recent message has now (after edits), by its key. */
    private final Map<String, String> edited = new ConcurrentHashMap<>();
    /** Who is typing, and until when (System.nanoTime). */
    private final Map<String, Long> typingUntil = new ConcurrentHashMap<>();

    private volatile long lastTypingSentNs = Long.MIN_VALUE;
    private volatile String delivery = "";
    private volatile String current;
    private volatile List<String> sessionNames = List.of();
    private volatile List<String> memberNames = List.of();
    private volatile List<LinkQuality.Member> connectedMembers = List.of();
    /** The last status poll's peers, to measure loss over the interval to the next. */
    private volatile Map<String, LinkQuality.PeerSample> lastPeers = Map.of();
    /** The link part of the status line, from the last poll. */
    private volatile String links = "";
    /** The node's media degradation level, from the last poll. */
    private volatile String mediaLevel = "full";
    /** When a key was last typed (terminal) or a line read (plain), by System.nanoTime. */
    private volatile long lastActivityNs = System.nanoTime();
    /** The idle time ran out and was acted on (away set, or left alone because the presence was not online). */
    private volatile boolean idleHandled;
    /** This chat set the presence away for idleness, and nothing has set it since. */
    private volatile boolean awayForIdle;

    private volatile ControlClient tail;
    private volatile boolean closed;

    /**
     * @param socket the node's control socket
     * @param self the node's name (mentions of {@code @self} ring the bell)
     * @param textBytesMax the node's {@code limits.text-bytes-max}: longer messages are refused before sending
     * @param awayAfterNs how long without typing sets an online presence away ({@link #checkIdle}); 0 never does
     * @param exporter writes {@code /export}'s file
     * @param voiceSource what {@code /voice on} sends
     */
    public ChatClient(
            Path socket,
            String self,
            int textBytesMax,
            long awayAfterNs,
            Exporter exporter,
            VoiceSource voiceSource,
            ChatView view) {
        this.socket = socket;
        this.self = self;
        this.textBytesMax = textBytesMax;
        this.awayAfterNs = awayAfterNs;
        this.exporter = exporter;
        this.view = view;
        this.voice = new ChatVoice(socket, voiceSource, view, this::updateStatus);
        this.share = new ChatShare(socket, view);
    }

    /** The session messages go to, or null before the node is in any. */
    public String current() {
        return current;
    }

    public List<String> sessionNames() {
        return sessionNames;
    }

    public List<String> memberNames() {
        return memberNames;
    }

    /**
     * Opens the chat: reads the node's sessions, picks {@code session} (or the first one), shows the recent messages and
     * follows new ones on a thread of its own.
     *
     * @throws IOException when the node cannot be reached
     */
    public void open(String session) throws IOException {
        List<String> names = refreshSessions();
        if (session != null) {
            if (!names.contains(session)) {
                throw new IOException(noSuchSession(session, names));
            }
            current = session;
        } else if (!names.isEmpty()) {
            current = names.get(0);
        }
        refreshSessions(); // the members of the session now chosen
        // The status line first: a terminal sets its bottom line aside before anything scrolls above it.
        updateStatus();
        view.show(view.dim(
                current == null
                        ? "Elara chat as " + self + ": this node is in no session yet; /join TOKEN, or /help"
                        : "Elara chat as " + self + " in '" + current + "'; /help lists the commands, /quit leaves"));
        ControlClient client = ControlClient.connect(socket);
        client.send(Map.of("op", "tail", "backlog", BACKLOG));
        JsonNode answer = client.next();
        if (answer == null || !answer.path("ok").asBoolean()) {
            client.close();
            throw new IOException(
                    answer == null
                            ? "the node closed the connection"
                            : answer.path("error").asText());
        }
        tail = client;
        share.start(); // pictures others share show from now on
        int backlog = answer.path("backlog").asInt();
        Thread reader = new Thread(() -> follow(backlog), "elara-chat-tail");
        reader.setDaemon(true);
        reader.start();
    }

    /** Renders what the tail brings: first {@code backlog} recent events (no bell, no typing), then live ones. */
    private void follow(int backlog) {
        try {
            JsonNode line;
            int seen = 0;
            while ((line = tail.next()) != null) {
                boolean live = seen++ >= backlog;
                if (line.has("dropped")) {
                    view.show(view.dim("(" + line.path("dropped").asLong() + " events skipped: the chat fell behind)"));
                    continue;
                }
                render(line, live);
            }
            if (!closed) {
                view.show("the node stopped; /quit leaves");
            }
        } catch (IOException e) {
            if (!closed) {
                view.show("lost the node: " + e.getMessage());
            }
        }
    }

    /**
     * A message shown, as edits, deletions and reactions name it: {@code author} is the name it was shown under,
     * {@code authorId} the node id that signed it.
     */
    record Message(String key, String author, String authorId, boolean local, String text) {}

    /** Messages kept per session for /edit, /delete and /react. */
    static final int RECENT_MAX = 200;
    /** How long a typing indicator shows after the last typing signal. */
    static final long TYPING_SHOWN_NS = TimeUnit.SECONDS.toNanos(6);
    /** A typing signal goes out at most this often while someone types. */
    static final long TYPING_EVERY_NS = TimeUnit.SECONDS.toNanos(3);
    /** The signal that says someone is typing. */
    static final String TYPING = "typing";

    /**
     * The shared-state key that edits or deletes the message with id {@code id} (32 hex digits): {@code m} and the first
     * 31 digits. It is the author's own key, so only a message's author can change it; the last change wins.
     */
    static String editKey(String id) {
        return "m" + id.substring(0, Math.min(31, id.length()));
    }

    /** The key of a member's reaction to the message with id {@code id}: {@code r} and its first 31 digits. */
    static String reactionKey(String id) {
        return "r" + id.substring(0, Math.min(31, id.length()));
    }

    private Message find(String session, String key) {
        java.util.Deque<Message> messages = recent.get(session);
        if (messages != null) {
            for (Message message : messages) {
                if (message.key().equals(key)) {
                    return message;
                }
            }
        }
        return null;
    }

    /** One delivered event, as a line: a message, an action, a presence or topic change. */
    void render(JsonNode event, boolean live) {
        String session = event.path("session").asText();
        String author = event.path("authorName").asText();
        String time = timeOf(event.path("time").asText());
        String type = event.path("type").asText();
        boolean here = session.equals(current);
        String tag = here ? "" : "[" + session + "] ";
        if (type.equals("signal")) {
            if (event.path("text").asText().equals(ChatShare.REQUEST)
                    && live
                    && !event.path("local").asBoolean()) {
                share.requested(author); // a member missed parts of the last picture shared
                return;
            }
            if (event.path("text").asText().equals(TYPING)
                    && !event.path("local").asBoolean()
                    && here) {
                typingUntil.put(author, System.nanoTime() + TYPING_SHOWN_NS);
                updateStatus();
            }
            return;
        }
        if (type.equals("state")) {
            String key = event.path("key").asText();
            String value = event.path("value").asText();
            if (key.length() == 32 && (key.startsWith("m") || key.startsWith("r"))) {
                String targetKey = "m" + key.substring(1);
                Message target = find(session, targetKey);
                if (key.startsWith("m")
                        && target != null
                        && !target.authorId().equals(event.path("author").asText())) {
                    // An edit or deletion key is the editor's own, so it never changes the author's entry; but any
                    // member can name someone else's message in one. Only the message's author edits or deletes it.
                    return;
                }
                String about = target == null
                        ? "a message"
                        : "'" + shorten(edited.getOrDefault(targetKey, target.text()), view.glyphs()) + "'";
                if (key.startsWith("r")) {
                    view.show(view.dim(time + " " + tag + "* " + author
                            + (value.isEmpty()
                                    ? " took back a reaction to " + about
                                    : " reacted " + value + " to " + about)));
                } else if (value.equals("d")) {
                    view.show(view.dim(time + " " + tag + "* " + author + " deleted " + about));
                } else if (value.startsWith("e:")) {
                    if (target != null) {
                        edited.put(targetKey, value.substring(2));
                    }
                    view.show(time + " " + tag + view.name(author) + ": " + value.substring(2) + " "
                            + view.dim("(edited" + (target == null ? "" : "; was " + about) + ")"));
                }
                return;
            }
            int space = value.indexOf(' ');
            String presence = value.isEmpty()
                    ? "online"
                    : space < 0 ? value : value.substring(0, space) + " (" + value.substring(space + 1) + ")";
            String what = key.equals(SessionState.PRESENCE)
                    ? author + " is " + presence
                    : author + " set " + key + " to '" + value + "'";
            view.show(view.dim(time + " " + tag + "* " + what));
            return;
        }
        if (!type.equals("text")) {
            return;
        }
        String text = event.path("text").asText();
        java.util.Deque<Message> messages =
                recent.computeIfAbsent(session, s -> new java.util.concurrent.ConcurrentLinkedDeque<>());
        String key = editKey(event.path("id").asText());
        if (find(session, key) == null) {
            messages.addLast(new Message(
                    key,
                    author,
                    event.path("author").asText(),
                    event.path("local").asBoolean(),
                    text));
        }
        while (messages.size() > RECENT_MAX) {
            Message dropped = messages.pollFirst();
            if (dropped != null) {
                edited.remove(dropped.key());
            }
        }
        if (typingUntil.remove(author) != null) {
            updateStatus();
        }
        String line = text.startsWith(ChatInput.ME_PREFIX)
                ? time + " " + tag + "* " + view.name(author) + " " + text.substring(ChatInput.ME_PREFIX.length())
                : time + " " + tag + view.name(author) + ": " + text;
        Integer reached = live ? null : deliveredTo.get(event.path("id").asText());
        if (reached != null) {
            // Looking back: how far each of one's own messages sent from this chat got, as the send reported it.
            line += " " + view.dim("(delivered to " + reached + ")");
        }
        view.show(line);
        if (live && !event.path("local").asBoolean()) {
            if (!here) {
                unread.merge(session, 1, Integer::sum);
                updateStatus();
            }
            if (mentions(text, self)) {
                view.bell();
            }
        }
    }

    private static String shorten(String text, Glyphs glyphs) {
        return StatusLine.cut(text, 40, glyphs);
    }

    static boolean mentions(String text, String name) {
        int at = text.indexOf("@" + name);
        while (at >= 0) {
            int end = at + 1 + name.length();
            if (end == text.length() || !Character.isLetterOrDigit(text.charAt(end))) {
                return true;
            }
            at = text.indexOf("@" + name, end);
        }
        return false;
    }

    private static String timeOf(String iso) {
        try {
            return CLOCK.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return "--:--:--";
        }
    }

    /**
     * Acts on one typed line. Returns false when the chat should end ({@code /quit}). Problems (an unknown command, a
     * session that does not exist, a message over the size limit) are one line in the view, and nothing is sent.
     */
    public boolean handle(String typed) {
        ChatInput.Parsed parsed = ChatInput.parse(typed, textBytesMax);
        if (parsed instanceof ChatInput.Problem problem) {
            view.show(problem.message());
        } else if (parsed instanceof ChatInput.Say say) {
            say(say.text());
        } else if (parsed instanceof ChatInput.Run run) {
            try {
                return command(run);
            } catch (IOException e) {
                view.show(run.command().usage().split(" ", 2)[0] + ": " + e.getMessage());
            }
        }
        return true;
    }

    private void say(String text) {
        String session = current;
        if (session == null) {
            view.show("not sent: this node is in no session yet (/join TOKEN)");
            return;
        }
        sender.execute(() -> {
            // One connection per message. The send thread waits only until the node has the message (so messages keep
            // the order they were typed in), not for the members' acknowledgements: a waiter reads that answer.
            ControlClient client = null;
            boolean handedOver = false;
            try {
                sendsOutstanding.acquire();
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "send");
                request.put("session", session);
                request.put("text", text);
                request.put("timeoutMs", SEND_TIMEOUT_MS);
                request.put("submitted", true);
                client = ControlClient.connect(socket);
                client.send(request);
                JsonNode first = client.next();
                if (first == null) {
                    throw new IOException("the node closed the connection before answering");
                }
                if (!first.has("submitted")) {
                    sent(first);
                    return;
                }
                ControlClient open = client;
                waiters.execute(() -> {
                    try (open) {
                        JsonNode answer = open.next();
                        if (answer == null) {
                            throw new IOException("the node closed the connection before answering");
                        }
                        sent(answer);
                    } catch (IOException e) {
                        view.show("not sent: " + e.getMessage());
                    } finally {
                        sendsOutstanding.release();
                    }
                });
                handedOver = true;
            } catch (IOException e) {
                view.show("not sent: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the chat is closing
            } finally {
                if (!handedOver) {
                    if (client != null) {
                        try {
                            client.close();
                        } catch (IOException e) {
                            // closing a connection whose answer was read or lost: nothing to tell
                        }
                    }
                    sendsOutstanding.release();
                }
            }
        });
    }

    /** The node's answer to one of {@link #say}'s sends: how far it got, or why it did not. */
    private void sent(JsonNode answer) {
        String id = answer.path("id").asText("");
        if (!id.isEmpty()) {
            if (deliveredTo.size() >= DELIVERIES_KEPT) {
                deliveredTo.clear();
            }
            deliveredTo.put(id, answer.path("acknowledgedBy").size());
        }
        if (answer.path("ok").asBoolean()) {
            delivery = "delivered to " + answer.path("acknowledgedBy").size();
            updateStatus();
        } else {
            String why = answer.path("error").asText();
            view.show(view.dim(
                    why.startsWith("not acknowledged")
                            ? "(not yet delivered to everyone: the node keeps sending it)"
                            : "not sent: " + why));
        }
    }

    private boolean command(ChatInput.Run run) throws IOException {
        switch (run.command().name()) {
            case "quit" -> {
                return false;
            }
            case "help" -> {
                for (ChatInput.Command command : ChatInput.COMMANDS) {
                    view.show(String.format(Locale.ROOT, "  %-34s %s", command.usage(), command.help()));
                }
                view.show("  a line starting with // sends a message starting with /; Tab completes commands,"
                        + " session names and @names");
            }
            case "sessions" -> {
                JsonNode answer = expectOk(ask(Map.of("op", "session", "action", "list")));
                if (answer.path("sessions").isEmpty()) {
                    view.show("no sessions yet: /join TOKEN");
                }
                for (JsonNode session : answer.path("sessions")) {
                    String name = session.path("name").asText();
                    int count = unread.getOrDefault(name, 0);
                    view.show(String.format(
                            Locale.ROOT,
                            "  %s %-16s %d members%s",
                            name.equals(current) ? "*" : " ",
                            name,
                            session.path("members").size(),
                            count > 0 ? "  " + count + " unread" : ""));
                }
            }
            case "switch" -> {
                String name = run.args().get(0);
                List<String> names = refreshSessions();
                if (!names.contains(name)) {
                    view.show(noSuchSession(name, names));
                } else {
                    current = name;
                    unread.remove(name);
                    typingUntil.clear();
                    links = ""; // the last session's members: the next poll measures this one's
                    refreshSessions();
                    view.show(view.dim("now in '" + name + "'"));
                    updateStatus();
                }
            }
            case "join" -> {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "join");
                request.put("token", run.args().get(0));
                view.show(view.dim("joining" + view.glyphs().ellipsis()));
                JsonNode answer = expectOk(ask(request));
                String name = answer.path("session").asText();
                refreshSessions();
                if (!name.isEmpty()) {
                    current = name;
                }
                view.show(view.dim("joined '" + name + "'; now in it"));
                updateStatus();
            }
            case "invite" -> {
                String session = requireSession();
                JsonNode answer = expectOk(ask(Map.of("op", "invite", "session", session)));
                view.show("invite to '" + session + "' (valid 1 h): "
                        + answer.path("token").asText());
            }
            case "leave" -> {
                String session = requireSession();
                expectOk(ask(Map.of("op", "session", "action", "leave", "name", session)));
                List<String> names = refreshSessions();
                current = names.isEmpty() ? null : names.get(0);
                view.show(view.dim("left '" + session + "'" + (current == null ? "" : "; now in '" + current + "'")));
                updateStatus();
            }
            case "who" -> {
                String session = requireSession();
                JsonNode answer = expectOk(ask(Map.of("op", "session", "action", "list")));
                for (JsonNode info : answer.path("sessions")) {
                    if (info.path("name").asText().equals(session)) {
                        for (JsonNode member : info.path("members")) {
                            String presence = member.path("presence").asText("");
                            view.show(String.format(
                                    Locale.ROOT,
                                    "  %-16s %s%s",
                                    member.path("name").asText(),
                                    member.path("self").asBoolean()
                                            ? "(you)"
                                            : io.elara.cli.output.HumanFormat.member(member),
                                    presence.isEmpty() ? "" : "  " + presence));
                        }
                    }
                }
            }
            case "nick" ->
                view.show("you are '" + self + "': a node's name comes from its config file (name:), and members see it"
                        + " on every message; change it there and restart the node");
            case "status" -> {
                String value = SessionState.presence(
                        run.args().get(0),
                        run.rest().substring(run.args().get(0).length()));
                synchronized (presenceLock) {
                    setPresence(value);
                    awayForIdle = false;
                }
                view.show(view.dim("you are " + value));
            }
            case "me" -> say(ChatInput.ME_PREFIX + run.rest());
            case "edit", "delete" -> {
                String session = requireSession();
                Message own = last(session, true);
                if (own == null) {
                    view.show(run.command().usage().split(" ", 2)[0] + ": you have no message in '" + session
                            + "' to change (since the chat opened)");
                } else {
                    setState(session, own.key(), run.command().name().equals("edit") ? "e:" + run.rest() : "d");
                }
            }
            case "react" -> {
                String session = requireSession();
                Message theirs = last(session, false);
                if (theirs == null) {
                    view.show("/react: no message from someone else in '" + session + "' yet");
                } else {
                    setState(
                            session,
                            reactionKey(theirs.key().substring(1)),
                            run.args().get(0));
                }
            }
            case "history" ->
                history(
                        run.args().isEmpty()
                                ? BACKLOG
                                : Integer.parseInt(run.args().get(0)));
            case "export" -> {
                String session = requireSession();
                int count = exporter.export(session, exportPath(run.rest()));
                view.show("exported " + count + " messages to " + run.rest());
            }
            case "peers" -> {
                JsonNode status = expectOk(ask(Map.of("op", "status"))).path("status");
                if (status.path("peers").isEmpty()) {
                    view.show("no peers");
                }
                for (JsonNode peer : status.path("peers")) {
                    double rtt = peer.path("rttMs").asDouble(-1);
                    view.show(String.format(
                            Locale.ROOT,
                            "  %-16s %-22s %s  rtt %s  %s",
                            peer.path("name").asText(),
                            peer.path("address").asText(),
                            peer.path("secure").asText(),
                            rtt < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", rtt),
                            peer.path("path").asText("direct")));
                }
            }
            case "share" -> share.share(requireSession(), exportPath(run.rest()));
            case "voice" -> {
                try {
                    voice.command(run.args().isEmpty() ? "" : run.args().get(0));
                } catch (IOException e) {
                    view.show(e.getMessage()); // a whole line of its own ("no microphone on this machine; …")
                }
            }
            default -> view.show("not built yet: " + run.command().usage());
        }
        return true;
    }

    /** The newest message in {@code session} sent by this node ({@code own}) or by someone else; null if none. */
    private Message last(String session, boolean own) {
        java.util.Deque<Message> messages = recent.get(session);
        if (messages != null) {
            java.util.Iterator<Message> newestFirst = messages.descendingIterator();
            while (newestFirst.hasNext()) {
                Message message = newestFirst.next();
                if (message.local() == own && !message.text().startsWith(ChatInput.ME_PREFIX)) {
                    return message;
                }
            }
        }
        return null;
    }

    /** Sets {@code key} in {@code session}'s shared state, on the send thread; a refusal is one line. */
    private void setState(String session, String key, String value) {
        sender.execute(() -> {
            try {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "state");
                request.put("session", session);
                request.put("key", key);
                request.put("value", value);
                request.put("timeoutMs", 2_000);
                JsonNode answer = ask(request);
                if (!answer.path("ok").asBoolean()) {
                    view.show("not changed: " + answer.path("error").asText());
                }
            } catch (IOException e) {
                view.show("not changed: " + e.getMessage());
            }
        });
    }

    /**
     * Someone is typing here: tells the session, at most every {@link #TYPING_EVERY_NS}, with a signal that is never
     * kept or shown as a message. Never blocks.
     */
    public void typing() {
        String session = current;
        long now = System.nanoTime();
        long last = lastTypingSentNs;
        if (session == null || (last != Long.MIN_VALUE && now - last < TYPING_EVERY_NS)) {
            return;
        }
        lastTypingSentNs = now;
        signals.execute(() -> {
            try {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "send");
                request.put("session", session);
                request.put("text", TYPING);
                request.put("kind", "signal");
                request.put("timeoutMs", 1_000);
                ask(request);
            } catch (IOException e) {
                // a lost typing indicator is nothing to report
            }
        });
    }

    /** The last {@code count} messages of the current session, from the node's recent events. */
    private void history(int count) throws IOException {
        String session = requireSession();
        List<JsonNode> lines = new ArrayList<>();
        try (ControlClient client = ControlClient.connect(socket)) {
            client.send(Map.of("op", "tail", "backlog", 1000));
            JsonNode answer = expectOk(client.next());
            int backlog = answer.path("backlog").asInt();
            for (int i = 0; i < backlog; i++) {
                JsonNode event = client.next();
                if (event == null) {
                    break;
                }
                if (event.path("session").asText().equals(session)
                        && event.path("type").asText().equals("text")) {
                    lines.add(event);
                }
            }
        }
        List<JsonNode> last = lines.subList(Math.max(0, lines.size() - count), lines.size());
        String dash = view.glyphs().dash();
        view.show(view.dim(dash + " the last " + last.size() + " messages of '" + session + "' " + dash));
        last.forEach(event -> render(event, false));
    }

    private String requireSession() throws IOException {
        String session = current;
        if (session == null) {
            throw new IOException("this node is in no session yet (/join TOKEN)");
        }
        return session;
    }

    private List<String> refreshSessions() throws IOException {
        JsonNode answer = expectOk(ask(Map.of("op", "session", "action", "list")));
        List<String> names = new ArrayList<>();
        List<String> members = new ArrayList<>();
        List<LinkQuality.Member> connected = new ArrayList<>();
        Map<String, String> liveness = new LinkedHashMap<>();
        int away = 0;
        int absent = 0;
        for (JsonNode session : answer.path("sessions")) {
            String name = session.path("name").asText();
            if (!name.equals("direct")) {
                names.add(name);
            }
            if (name.equals(current)) {
                for (JsonNode member : session.path("members")) {
                    if (!member.path("self").asBoolean()) {
                        members.add(member.path("name").asText());
                        String state = memberState(member);
                        liveness.put(member.path("name").asText(), state);
                        String presence = member.path("presence").asText("");
                        if (!state.equals("online") && !state.startsWith("through ") && !state.equals("unknown")) {
                            absent++;
                        } else if (presence.startsWith("away") || presence.startsWith("busy")) {
                            away++;
                        }
                        if (member.path("connected").asBoolean()) {
                            JsonNode id = member.path("nodeId");
                            connected.add(new LinkQuality.Member(
                                    member.path("name").asText(), id.isTextual() ? id.asText() : null));
                        }
                    }
                }
            }
        }
        sessionNames = List.copyOf(names);
        memberNames = List.copyOf(members);
        connectedMembers = List.copyOf(connected);
        voice.target(current, connected.stream().map(LinkQuality.Member::name).toList());
        memberLiveness = new MemberLiveness(current, Map.copyOf(liveness), away, absent);
        return names;
    }

    /** Each member of the current session's liveness ({@link #memberState}), and how many are away or not there. */
    private record MemberLiveness(String session, Map<String, String> states, int away, int absent) {}

    private volatile MemberLiveness memberLiveness = new MemberLiveness(null, Map.of(), 0, 0);

    /** The liveness the last refresh announced, for the timer thread only. */
    private MemberLiveness announced;

    /** {@code online}, {@code through carol}, {@code suspect} or {@code offline}: what the node says of a member. */
    private static String memberState(JsonNode member) {
        String vouchedBy = member.path("vouchedBy").asText("");
        if (!vouchedBy.isEmpty()) {
            return "through " + vouchedBy;
        }
        String liveness = member.path("liveness").asText("");
        if (liveness.isEmpty()) {
            return member.path("connected").asBoolean() ? "online" : "offline";
        }
        return liveness;
    }

    /**
     * Says what changed in the members' liveness since the last refresh: one not answering, one gone, one heard only
     * through another member, one back. Nothing on the first look at a session.
     */
    private void announceLiveness() {
        MemberLiveness now = memberLiveness;
        MemberLiveness before = announced;
        announced = now;
        if (before == null || now.session() == null || !now.session().equals(before.session())) {
            return;
        }
        now.states().forEach((name, state) -> {
            String was = before.states().get(name);
            if (was == null || was.equals(state) || was.equals("unknown") || state.equals("unknown")) {
                return; // nothing to say of a member this node does not watch (an overlay's non-neighbour)
            }
            String line;
            if (state.equals("online")) {
                line = "* " + name + " is back";
            } else if (state.equals("suspect")) {
                line = "* " + name + " is not answering";
            } else if (state.equals("offline")) {
                line = "* " + name + " is offline";
            } else {
                line = "* " + name + " answers only " + state + " (the path between you failed)";
            }
            view.show(view.dim(line));
        });
    }

    /**
     * Reads the node's peers and measures each connected member's link since the previous call. Called at most once a
     * second (the status timer), so that loss is over a second or more of traffic.
     */
    private void pollLinks() throws IOException {
        JsonNode status = expectOk(ask(Map.of("op", "status"))).path("status");
        List<LinkQuality.PeerSample> peers = new ArrayList<>();
        for (JsonNode peer : status.path("peers")) {
            peers.add(LinkQuality.PeerSample.of(peer));
        }
        links = LinkQuality.format(connectedMembers, peers, lastPeers);
        lastPeers = LinkQuality.byKey(peers);
        mediaLevel = status.path("media").path("level").asText("full");
    }

    /**
     * Reads the sessions, members and links again (they change as people join and leave), then redraws the status
     * line. For a status timer: at most once a second.
     */
    public void refresh() {
        try {
            refreshSessions();
            pollLinks();
            announceLiveness();
        } catch (IOException e) {
            view.status(StatusLine.of(" elara: " + self + " | the node does not answer: " + e.getMessage()));
            return;
        }
        updateStatus();
    }

    /**
     * The status line: the session and its members, the link to each, unread counts elsewhere, who is typing and how
     * far the last message got. The view fits it to its width.
     */
    public void updateStatus() {
        String session = current;
        List<StatusLine.Part> parts = new ArrayList<>();
        if (session != null) {
            MemberLiveness liveness = memberLiveness;
            StringBuilder members =
                    new StringBuilder("(").append(memberNames.size() + 1).append(" members");
            if (liveness.away() > 0) {
                members.append(", ").append(liveness.away()).append(" away");
            }
            if (liveness.absent() > 0) {
                members.append(", ").append(liveness.absent()).append(" not there");
            }
            parts.add(new StatusLine.Part(
                    StatusLine.Kind.MEMBERS, members.append(')').toString()));
            String linkText = links;
            if (!linkText.isEmpty()) {
                parts.add(new StatusLine.Part(StatusLine.Kind.LINKS, linkText));
            }
        }
        StringBuilder others = new StringBuilder();
        unread.forEach((name, count) -> {
            if (count > 0 && !name.equals(session)) {
                others.append(' ').append(name).append(':').append(count);
            }
        });
        if (others.length() > 0) {
            parts.add(new StatusLine.Part(StatusLine.Kind.UNREAD, "unread" + others));
        }
        String media = mediaLevel;
        if (!media.equals("full")) {
            parts.add(new StatusLine.Part(StatusLine.Kind.MEDIA, "media " + media));
        }
        String speaking = voice.statusText(view.glyphs());
        if (speaking != null) {
            parts.add(new StatusLine.Part(StatusLine.Kind.SPEAKING, speaking));
        }
        long now = System.nanoTime();
        typingUntil.values().removeIf(until -> until - now < 0);
        if (!typingUntil.isEmpty()) {
            parts.add(new StatusLine.Part(
                    StatusLine.Kind.TYPING,
                    String.join(", ", new java.util.TreeSet<>(typingUntil.keySet()))
                            + (typingUntil.size() == 1 ? " is typing" : " are typing")
                            + view.glyphs().ellipsis()));
        }
        if (!delivery.isEmpty()) {
            parts.add(new StatusLine.Part(StatusLine.Kind.DELIVERY, "last message " + delivery));
        }
        view.status(new StatusLine(" elara: " + self + " | " + (session == null ? "no session" : session), parts));
    }

    /**
     * Someone typed a key (terminal) or a line came in (plain): the idle time starts again, and a presence this chat set
     * away for idleness goes back to online, unless something else changed it since. Never blocks.
     */
    public void activity() {
        lastActivityNs = System.nanoTime();
        idleHandled = false;
        if (awayForIdle) {
            awayForIdle = false;
            presence.execute(this::comeBack);
        }
    }

    /**
     * For a timer: once no key was typed (or line read) for the {@code --away-after} time, sets the presence away with
     * the text {@value #IDLE}, as {@code /status away idle} does, and says so in one line; a presence that is not
     * online (a manual away or busy) is left as it is. Never blocks.
     */
    public void checkIdle() {
        long afterNs = awayAfterNs;
        if (afterNs <= 0 || idleHandled || current == null || System.nanoTime() - lastActivityNs < afterNs) {
            return;
        }
        idleHandled = true;
        presence.execute(() -> goAway(afterNs));
    }

    private void goAway(long afterNs) {
        long activitySeenNs = lastActivityNs;
        try {
            synchronized (presenceLock) {
                if (System.nanoTime() - activitySeenNs < afterNs || !isOnline(ownPresence())) {
                    return;
                }
                setPresence(SessionState.presence("away", IDLE));
                awayForIdle = true;
            }
            view.show(view.dim("* you are away (idle for " + SimDurations.format(afterNs) + ")"));
            if (lastActivityNs != activitySeenNs) {
                activity(); // a key came while the presence changed: back at once
            }
        } catch (IOException e) {
            view.show("could not set your presence away: " + e.getMessage());
        }
    }

    private void comeBack() {
        try {
            synchronized (presenceLock) {
                if (!SessionState.presence("away", IDLE).equals(ownPresence())) {
                    return; // changed since, by /status or elara presence: that choice stands
                }
                setPresence("online");
            }
            view.show(view.dim("* you are back"));
        } catch (IOException e) {
            view.show("could not set your presence online: " + e.getMessage());
        }
    }

    private static boolean isOnline(String presence) {
        return presence.isEmpty() || presence.equals("online") || presence.startsWith("online ");
    }

    /** This node's presence in the current session ({@code ""} when never set); presence is set in all at once. */
    private String ownPresence() throws IOException {
        String session = current;
        JsonNode answer = expectOk(ask(Map.of("op", "session", "action", "list")));
        for (JsonNode info : answer.path("sessions")) {
            if (info.path("name").asText().equals(session)) {
                for (JsonNode member : info.path("members")) {
                    if (member.path("self").asBoolean()) {
                        return member.path("presence").asText("");
                    }
                }
            }
        }
        return "";
    }

    /** Sets this node's presence in every session it is in, as {@code elara presence} does. */
    private void setPresence(String value) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "state");
        request.put("key", SessionState.PRESENCE);
        request.put("value", value);
        request.put("timeoutMs", 2_000);
        expectOk(ask(request));
    }

    /** The file {@code /export} or {@code /share} names: relative to where the chat runs, {@code ~/} for home. */
    private static Path exportPath(String typed) throws IOException {
        try {
            return typed.startsWith("~/")
                    ? Path.of(System.getProperty("user.home")).resolve(typed.substring(2))
                    : Path.of(typed);
        } catch (InvalidPathException e) {
            throw new IOException("'" + typed + "' is not a file name", e);
        }
    }

    private static String noSuchSession(String name, List<String> names) {
        return "no session named '" + name + "' (this node has: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")";
    }

    private JsonNode ask(Map<String, Object> request) throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.send(request);
            JsonNode answer = client.next();
            if (answer == null) {
                throw new IOException("the node closed the connection before answering");
            }
            return answer;
        }
    }

    private static JsonNode expectOk(JsonNode answer) throws IOException {
        if (!answer.path("ok").asBoolean()) {
            throw new IOException(answer.path("error").asText());
        }
        return answer;
    }

    @Override
    public void close() {
        closed = true;
        voice.close(); // ends the media-send as /voice off does
        share.close();
        signals.shutdownNow();
        presence.shutdownNow();
        sender.shutdown();
        try {
            sender.awaitTermination(SEND_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
            // Then what was sent says how far it got, as before the chat closed.
            waiters.shutdown();
            waiters.awaitTermination(SEND_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ControlClient client = tail;
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
