package io.elara.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.voice.MediaLevelReader;
import io.elara.cli.voice.Speaker;
import io.elara.cli.voice.VoiceLadder;
import io.elara.cli.voice.VoiceSource;
import io.elara.node.control.ControlClient;
import io.elara.node.media.DegradationLevel;
import io.elara.node.media.Dtx;
import io.elara.node.media.JitterBuffer;
import io.elara.node.media.VoiceCodec;
import io.elara.node.media.VoicePacket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code /voice}: this chat's voice to the members of its session, and theirs to the speaker, through the node's
 * control socket as {@code elara voice send} and {@code elara voice record} do.
 *
 * <p>Threads: the chat's input thread calls {@link #command}, {@link #describe} and {@link #close}; while voice is on
 * or muted, a sender thread owns the source, the encoder and the {@code media-send} connection and keeps the 20 ms
 * clock; a reader thread copies the {@code media-listen} connection's lines into a bounded queue; a player thread owns
 * the jitter buffers, the {@link SpeakingTracker} and the speaker. Thread-safe.
 *
 * <p>The mute guarantee: the sender decides what to write for each frame ({@link VoiceControl#frame}) and writes it
 * under the same lock that {@code /voice mute} takes to change the state, so once {@code /voice mute} has answered, not
 * one more frame is written; the clock, the source and the encoder run on, and only ticks (which never leave the node)
 * keep the connection told of the degradation level.
 */
final class ChatVoice implements AutoCloseable {
    /** The stream id the chat speaks on. */
    static final int STREAM = 1;
    /** The bitrate on a full link, bit/s. */
    static final int BITRATE = 24_000;
    /** The loss in-band FEC protects against on a full link, percent. */
    static final int FEC_PERCENT = 5;
    /** How late a frame may go out on the latency-first lane before it is dropped, ms. */
    static final int BUDGET_MS = 200;
    /** Heard frames waiting for the player at most; past this they are dropped and counted. */
    static final int HEARD_FRAMES_MAX = 512;
    /** Voices (a peer's stream) played at once at most. */
    static final int VOICES_MAX = 32;
    /** A voice with no frame for this long is forgotten: its next frame starts a fresh buffer. */
    static final long VOICE_IDLE_NS = TimeUnit.SECONDS.toNanos(1);
    /** A clock this far behind (the process was paused) starts again from now rather than catching up in a burst. */
    static final long BEHIND_NS_MAX = TimeUnit.MILLISECONDS.toNanos(200);
    /** How long after a failed {@code media-send} the sender tries again. */
    static final long RECONNECT_NS = TimeUnit.SECONDS.toNanos(1);
    /** How long {@code /voice off} and the chat's end wait for the threads and the node's last answer. */
    static final long STOP_WAIT_MS = 2_000;
    /** How long the player sleeps when it has nothing to play. */
    private static final long IDLE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The name the own voice goes by in the status line. */
    static final String SELF = "you";

    /** Where the voice goes: a session and its connected members (by name) as the chat last saw them. */
    record Target(String session, List<String> members) {
        Target {
            members = List.copyOf(members);
        }
    }

    private final Path socket;
    private final VoiceSource source;
    private final ChatView view;
    private final Runnable statusChanged;

    /**
     * Taken to change {@link #state} and by the sender to decide and write a frame: once a change returns, the sender
     * acts on it.
     */
    private final Object sendLock = new Object();

    /** Written under {@link #sendLock}. */
    private volatile VoiceControl.State state = VoiceControl.State.OFF;

    private volatile Target target = new Target(null, List.of());
    private volatile List<String> speaking = List.of();
    private volatile boolean selfSpeaking;

    /** The running sender, reader and player; null while off. Only the input thread changes it. */
    private volatile Run run;

    /** One stretch of voice, from {@code /voice on} (or {@code mute}) to {@code /voice off}. */
    private static final class Run {
        final VoiceSource.Input input;
        final Speaker speaker;
        final ControlClient listen;
        final BlockingQueue<JsonNode> heard = new ArrayBlockingQueue<>(HEARD_FRAMES_MAX);
        final AtomicLong framesSent = new AtomicLong();
        final AtomicLong heardDropped = new AtomicLong();
        volatile boolean running = true;

        Thread sender;
        Thread reader;
        Thread player;

        Run(VoiceSource.Input input, Speaker speaker, ControlClient listen) {
            this.input = input;
            this.speaker = speaker;
            this.listen = listen;
        }
    }

    /**
     * @param socket the node's control socket
     * @param source what {@code /voice on} sends
     * @param view where announcements go (who started and stopped speaking, where the view has no status line)
     * @param statusChanged called (on any thread) when who is speaking changed
     */
    ChatVoice(Path socket, VoiceSource source, ChatView view, Runnable statusChanged) {
        this.socket = socket;
        this.source = source;
        this.view = view;
        this.statusChanged = statusChanged;
    }

    VoiceControl.State state() {
        return state;
    }

    /** Where the voice goes from now on: the sender moves its {@code media-send} when this changes. */
    void target(String session, List<String> members) {
        Target next = new Target(session, members);
        if (!next.equals(target)) {
            target = next;
        }
    }

    /** Who speaks now ({@link #SELF} first, for this chat when it sends and is loud), by name; empty when nobody. */
    List<String> speaking() {
        List<String> names = new ArrayList<>();
        if (selfSpeaking && state == VoiceControl.State.ON) {
            names.add(SELF);
        }
        names.addAll(speaking);
        return names;
    }

    /** The status line's part for voice, or null when it has nothing to say. */
    String statusText(Glyphs glyphs) {
        List<String> names = speaking();
        boolean muted = state == VoiceControl.State.MUTED;
        if (names.isEmpty()) {
            return muted ? "voice muted" : null;
        }
        return glyphs.speaking() + String.join(", ", names) + (muted ? " (you: muted)" : "");
    }

    /** {@code /voice}'s answer: the state, the source, where it goes and who is speaking. */
    String describe() {
        VoiceControl.State now = state;
        StringBuilder line = new StringBuilder("voice: ").append(now.label());
        line.append(", source ").append(source.describe());
        Run current = run;
        if (current != null) {
            Target to = target;
            line.append(", to '")
                    .append(to.session())
                    .append("' (")
                    .append(to.members().isEmpty() ? "nobody connected" : String.join(", ", to.members()))
                    .append("), sent ")
                    .append(current.framesSent.get())
                    .append(" frames, speaker ")
                    .append(current.speaker.describe());
        }
        List<String> names = speaking();
        line.append(", speaking: ").append(names.isEmpty() ? "nobody" : String.join(", ", names));
        return line.toString();
    }

    /**
     * {@code /voice ARGUMENT}: moves the state and says so in one line. Only from the chat's input thread.
     *
     * @throws IOException with the one line to show when voice cannot start (no microphone, no node)
     */
    void command(String argument) throws IOException {
        VoiceControl.State now = state;
        VoiceControl.Transition transition = VoiceControl.apply(now, argument);
        if (transition == null) {
            view.show("usage: " + ChatInput.command("voice").usage() + " (not '" + argument + "')");
            return;
        }
        switch (transition.action()) {
            case SHOW -> view.show(describe());
            case NONE -> view.show(view.dim("voice is " + now.label() + " already"));
            case START -> {
                start(transition.next());
                view.show(view.dim(
                        transition.next() == VoiceControl.State.MUTED
                                ? "voice muted: listening to '" + target.session() + "', sending nothing ("
                                        + source.describe() + " on /voice on)"
                                : "voice on: " + source.describe() + " to '" + target.session()
                                        + "', and listening; /voice mute stops sending"));
            }
            case MUTE -> {
                setState(VoiceControl.State.MUTED);
                view.show(view.dim("voice muted: listening, sending nothing"));
            }
            case UNMUTE -> {
                setState(VoiceControl.State.ON);
                view.show(view.dim("voice on: sending " + source.describe() + " again"));
            }
            case STOP -> {
                long sent = stop();
                view.show(view.dim("voice off (" + sent + " frames sent)"));
            }
        }
        statusChanged.run();
    }

    private void setState(VoiceControl.State next) {
        synchronized (sendLock) {
            state = next;
        }
    }

    /** Opens the source, the speaker and the listener, then starts the threads; on failure nothing stays open. */
    private void start(VoiceControl.State first) throws IOException {
        if (target.session() == null) {
            throw new IOException("voice: this node is in no session yet (/join TOKEN)");
        }
        VoiceSource.Input input = source.open();
        ControlClient listen = null;
        boolean started = false;
        try {
            JsonNode answer;
            try {
                listen = ControlClient.connect(socket);
                listen.send(Map.of("op", "media-listen"));
                answer = listen.next();
            } catch (IOException e) {
                throw new IOException("voice: cannot listen: " + e.getMessage(), e);
            }
            if (answer == null || !answer.path("ok").asBoolean()) {
                throw new IOException("voice: cannot listen: "
                        + (answer == null
                                ? "the node closed the connection"
                                : answer.path("error").asText()));
            }
            Run next = new Run(input, Speaker.open(), listen);
            setState(first);
            next.sender = thread("elara-chat-voice-send", () -> send(next));
            next.reader = thread("elara-chat-voice-listen", () -> read(next));
            next.player = thread("elara-chat-voice-play", () -> play(next));
            run = next;
            next.sender.start();
            next.reader.start();
            next.player.start();
            started = true;
        } finally {
            if (!started) {
                input.close();
                if (listen != null) {
                    listen.close();
                }
            }
        }
    }

    /** Stops sending and listening; returns how many frames were sent since voice went on. */
    private long stop() {
        Run current = run;
        setState(VoiceControl.State.OFF);
        if (current == null) {
            return 0;
        }
        current.running = false;
        try {
            current.listen.close(); // the reader's next() ends with it
        } catch (IOException e) {
            // closing anyway: the node drops a listener whose connection is gone
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MS);
        for (Thread thread : List.of(current.sender, current.reader, current.player)) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        current.speaker.close();
        run = null;
        speaking = List.of();
        selfSpeaking = false;
        return current.framesSent.get();
    }

    @Override
    public void close() {
        if (run != null) {
            stop();
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A {@code media-send} connection, to the members of {@code target} as the chat saw them when it opened. */
    private static final class Connection {
        final ControlClient client;
        final MediaLevelReader levels;
        final Target target;
        /** When to open it again because the node named fewer members than the chat; never when it named them all. */
        final long reopenAtNs;

        Connection(ControlClient client, MediaLevelReader levels, Target target, long reopenAtNs) {
            this.client = client;
            this.levels = levels;
            this.target = target;
            this.reopenAtNs = reopenAtNs;
        }
    }

    /** The sender thread: one frame each 20 ms, on an absolute schedule, as {@code elara voice send} keeps it. */
    private void send(Run current) {
        VoiceCodec encoder = VoiceCodec.encoder(BITRATE, source.dtx());
        encoder.lossPercent(FEC_PERCENT);
        Dtx dtx = new Dtx(); // silence is left out, after one marker
        float[] warm = new float[VoiceCodec.SAMPLE_RATE];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = (float) (0.4 * Math.sin(2 * Math.PI * 440 * i / VoiceCodec.SAMPLE_RATE));
        }
        VoiceLadder.warmUp(BITRATE, warm); // a tone, not the source: a microphone's first second is not spent on it
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        Base64.Encoder base64 = Base64.getEncoder();
        SpeakingTracker self = new SpeakingTracker();
        Connection connection = null;
        long retryAtNs = System.nanoTime();
        String problem = null;
        long startNs = System.nanoTime();
        long index = 0;
        boolean heldBack = false;
        try {
            while (current.running) {
                current.input.read(frame);
                DegradationLevel level = connection == null ? DegradationLevel.FULL : connection.levels.level();
                if ((level == DegradationLevel.TEXT_ONLY) != heldBack) {
                    heldBack = level == DegradationLevel.TEXT_ONLY;
                    // Otherwise a speaker would talk on, unheard, with nothing to say why.
                    view.show(view.dim(
                            heldBack
                                    ? "voice: the links in '" + connection.target.session() + "' carry text only now;"
                                            + " your voice is held back until they recover"
                                    : "voice: the links carry voice again"));
                }
                VoiceLadder.follow(encoder, level, BITRATE, FEC_PERCENT);
                VoicePacket packet = dtx.packet(index, encoder.encode(frame), false);
                String payload = packet == null ? null : base64.encodeToString(packet.encode());
                if (!current.input.paced()) {
                    // Real time, on an absolute schedule: a late frame does not push the ones after it.
                    long waitNs = startNs + index * VoiceCodec.FRAME_NS - System.nanoTime();
                    if (waitNs > 0) {
                        LockSupport.parkNanos(waitNs);
                    } else if (-waitNs > BEHIND_NS_MAX) {
                        startNs = System.nanoTime() - index * VoiceCodec.FRAME_NS;
                    }
                }
                long nowNs = System.nanoTime();
                Target wanted = target;
                if (connection != null && (!connection.target.equals(wanted) || nowNs >= connection.reopenAtNs)) {
                    end(connection, false);
                    connection = null;
                }
                if (connection == null
                        && wanted.session() != null
                        && !wanted.members().isEmpty()
                        && nowNs >= retryAtNs) {
                    try {
                        connection = open(wanted, nowNs);
                        problem = null;
                    } catch (IOException e) {
                        retryAtNs = nowNs + RECONNECT_NS;
                        if (!e.getMessage().equals(problem)) {
                            problem = e.getMessage();
                            view.show("voice: cannot send: " + problem + " (trying again)");
                        }
                    }
                }
                VoiceControl.Frame what;
                synchronized (sendLock) {
                    what = VoiceControl.frame(state, level, index);
                    if (connection != null && what != VoiceControl.Frame.NOTHING) {
                        try {
                            if (what == VoiceControl.Frame.PAYLOAD) {
                                if (payload != null) {
                                    connection.client.send(Map.of("payload", payload));
                                    current.framesSent.incrementAndGet();
                                }
                            } else {
                                connection.client.send(Map.of("tick", true));
                            }
                        } catch (IOException e) {
                            view.show("voice: lost the node's media connection: " + e.getMessage() + " (trying again)");
                            close(connection.client);
                            connection = null;
                            retryAtNs = nowNs + RECONNECT_NS;
                        }
                    }
                }
                self.frame(SELF, what == VoiceControl.Frame.PAYLOAD ? SpeakingTracker.rms(frame) : 0, nowNs);
                self.changes(nowNs); // forgets a silence; the own voice is never announced
                boolean loud = !self.speaking(nowNs).isEmpty();
                if (loud != selfSpeaking) {
                    selfSpeaking = loud;
                    statusChanged.run();
                }
                index++;
            }
        } catch (IOException e) {
            view.show("voice: " + source.describe() + " stopped: " + e.getMessage() + "; /voice off, then /voice on");
        } catch (RuntimeException e) {
            view.show("voice: the sender failed: " + e);
        } finally {
            if (connection != null) {
                end(connection, true);
            }
            current.input.close();
        }
    }

    private Connection open(Target wanted, long nowNs) throws IOException {
        ControlClient client = ControlClient.connect(socket);
        boolean opened = false;
        try {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("op", "media-send");
            request.put("session", wanted.session());
            request.put("stream", STREAM);
            request.put("budgetMs", BUDGET_MS);
            client.send(request);
            JsonNode answer = client.next();
            if (answer == null) {
                throw new IOException("the node closed the connection");
            }
            if (!answer.path("ok").asBoolean()) {
                throw new IOException(answer.path("error").asText());
            }
            List<String> members = new ArrayList<>();
            answer.path("members").forEach(member -> members.add(member.asText()));
            // The node may not count a member connected yet that the chat saw connected: ask again in a moment.
            long reopenAtNs = members.containsAll(wanted.members()) ? Long.MAX_VALUE : nowNs + RECONNECT_NS;
            Connection connection = new Connection(client, MediaLevelReader.start(client), wanted, reopenAtNs);
            opened = true;
            return connection;
        } finally {
            if (!opened) {
                close(client);
            }
        }
    }

    /**
     * Ends a {@code media-send}; at the end of the voice, waits a moment for the node's answer, so that every frame
     * written is the node's before the connection closes.
     */
    private static void end(Connection connection, boolean last) {
        try {
            connection.client.send(Map.of("end", true));
            if (last) {
                connection.levels.answer(STOP_WAIT_MS / 2);
            }
        } catch (IOException e) {
            // the node went away: there is nothing left to end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(connection.client);
        }
    }

    private static void close(ControlClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // closing a connection whose other end may be gone: nothing to tell
        }
    }

    /** The reader thread: the node's heard frames into the player's queue, dropping (and counting) on overflow. */
    private void read(Run current) {
        try {
            JsonNode line;
            while ((line = current.listen.next()) != null) {
                if (!current.heard.offer(line)) {
                    current.heardDropped.incrementAndGet();
                }
            }
            if (current.running) {
                view.show("voice: the node stopped sending what it hears; /voice off, then /voice on");
            }
        } catch (IOException e) {
            if (current.running) {
                view.show("voice: lost the node: " + e.getMessage());
            }
        }
    }

    /** One voice heard: a peer's stream, through its own jitter buffer. */
    private static final class Voice {
        final String peer;
        final JitterBuffer buffer = new JitterBuffer();

        Voice(String peer) {
            this.peer = peer;
        }
    }

    /**
     * The player thread: each voice through its jitter buffer, mixed and played on a 20 ms clock (as {@code elara voice
     * record} mixes), and who is speaking from each voice's loudness.
     */
    private void play(Run current) {
        Map<String, Voice> voices = new LinkedHashMap<>();
        SpeakingTracker tracker = new SpeakingTracker();
        float[] frame = new float[VoiceCodec.FRAME_SAMPLES];
        float[] mixed = new float[VoiceCodec.FRAME_SAMPLES];
        long tickNs = Long.MIN_VALUE;
        try {
            while (current.running) {
                long waitNs = tickNs == Long.MIN_VALUE ? IDLE_POLL_NS : tickNs - System.nanoTime();
                JsonNode line = current.heard.poll(Math.max(0, waitNs), TimeUnit.NANOSECONDS);
                long nowNs = System.nanoTime();
                while (line != null) {
                    offer(voices, line, nowNs);
                    line = current.heard.poll();
                }
                if (tickNs == Long.MIN_VALUE && !voices.isEmpty()) {
                    tickNs = nowNs;
                }
                while (tickNs != Long.MIN_VALUE && tickNs <= nowNs) {
                    if (nowNs - tickNs > BEHIND_NS_MAX) {
                        tickNs = nowNs; // paused: play on from now instead of catching up in a burst
                    }
                    java.util.Arrays.fill(mixed, 0f);
                    for (Voice voice : voices.values()) {
                        if (voice.buffer.nextPlayNs() <= tickNs + VoiceCodec.FRAME_NS) {
                            JitterBuffer.Outcome outcome = voice.buffer.play(frame);
                            // Only sound that arrived counts as speaking: concealment fades a voice that went quiet.
                            boolean arrived = outcome == JitterBuffer.Outcome.RECEIVED
                                    || outcome == JitterBuffer.Outcome.RECOVERED;
                            tracker.frame(voice.peer, arrived ? SpeakingTracker.rms(frame) : 0, tickNs);
                            for (int i = 0; i < VoiceCodec.FRAME_SAMPLES; i++) {
                                mixed[i] += frame[i];
                            }
                        }
                    }
                    current.speaker.play(mixed);
                    tickNs += VoiceCodec.FRAME_NS;
                }
                voices.values()
                        .removeIf(voice ->
                                nowNs - voice.buffer.lastArrivalNs() > VOICE_IDLE_NS && !voice.buffer.holding());
                if (voices.isEmpty()) {
                    tickNs = Long.MIN_VALUE;
                }
                announce(tracker, nowNs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            view.show("voice: the player failed: " + e);
        }
    }

    private void offer(Map<String, Voice> voices, JsonNode line, long nowNs) {
        if (!line.has("payload")) {
            return; // {"dropped":N}: the node's queue for this chat overflowed; the buffers conceal the gap
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(line.path("payload").asText(""));
        } catch (IllegalArgumentException e) {
            return; // not from a node of ours: nothing to play
        }
        VoicePacket.Parsed parsed = VoicePacket.parse(bytes, 0, bytes.length);
        if (parsed.packet() == null) {
            return; // media that is not voice (another kind of stream): not ours to play
        }
        String peer = line.path("peer").asText();
        String key = peer + "/" + line.path("stream").asInt();
        Voice voice = voices.get(key);
        if (voice == null) {
            if (voices.size() >= VOICES_MAX) {
                return;
            }
            voice = new Voice(peer);
            voices.put(key, voice);
        }
        voice.buffer.offer(parsed.packet(), nowNs);
    }

    /** Publishes who is speaking; without a status line, says who started and who stopped. */
    private void announce(SpeakingTracker tracker, long nowNs) {
        List<SpeakingTracker.Change> changes = tracker.changes(nowNs);
        if (!view.hasStatusLine()) {
            for (SpeakingTracker.Change change : changes) {
                view.show(view.dim("* " + change.name() + (change.started() ? " is speaking" : " stopped speaking")));
            }
        }
        List<String> now = List.copyOf(tracker.speaking(nowNs));
        if (!now.equals(speaking)) {
            speaking = now;
            statusChanged.run();
        }
    }
}
