package io.elara.node.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.elara.node.DeliveredEvent;
import io.elara.node.EventListener;
import io.elara.node.NodeProxy;
import io.elara.node.NodeStatus;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the local control protocol on a Unix domain socket (owner-only): one JSON request per connection, answered by
 * one JSON line ({@code send}, {@code status}) or a stream of lines ({@code tail}). Each client gets a thread of its
 * own, up to {@link #CLIENTS_MAX}; all node state is reached through the {@link NodeProxy}, never directly.
 *
 * <p>Requests: {@code {"op":"send","to":PEER,"text":T,"timeoutMs":N}} (or {@code "session":NAME} instead of
 * {@code "to"}; {@code "kind":"signal"} sends on the signal lane), {@code {"op":"tail","backlog":N}}, {@code {"op":"status"}}.
 */
public final class ControlServer implements AutoCloseable {
    public static final int CLIENTS_MAX = 32;
    public static final int REQUEST_BYTES_MAX = 65_536;
    /** Events buffered for one slow {@code tail} client before further ones are dropped (and counted). */
    public static final int TAIL_QUEUE_EVENTS_MAX = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final long SEND_TIMEOUT_MS_DEFAULT = 10_000;
    /** How long a state change waits for the members' acknowledgements before it answers "waiting". */
    private static final long STATE_TIMEOUT_MS_DEFAULT = 3_000;

    private final Path path;
    private final ServerSocketChannel server;
    private final NodeProxy proxy;
    private final String listen;
    private final Supplier<Map<String, Object>> flows;
    private final Semaphore slots = new Semaphore(CLIENTS_MAX);
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientNumber = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(
            Path path,
            ServerSocketChannel server,
            NodeProxy proxy,
            String listen,
            Supplier<Map<String, Object>> flows) {
        this.flows = flows;
        this.path = path;
        this.server = server;
        this.proxy = proxy;
        this.listen = listen;
        this.acceptor = new Thread(this::acceptLoop, "elara-control");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code socketPath}, removing a stale socket file left by a node that died.
     *
     * @param listen the node's UDP address, for status replies
     * @throws IOException with a one-line message when it cannot listen
     */
    public static ControlServer start(Path socketPath, NodeProxy proxy, String listen) throws IOException {
        return start(socketPath, proxy, listen, null);
    }

    /**
     * Like {@link #start(Path, NodeProxy, String)}, with the node's flows reported in status replies.
     *
     * @param flows what the node's flows have done, or null when it has none
     */
    public static ControlServer start(
            Path socketPath, NodeProxy proxy, String listen, Supplier<Map<String, Object>> flows) throws IOException {
        Path parent = socketPath.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(
                    parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        SocketFolder.check(socketPath);
        if (Files.exists(socketPath)) {
            if (listening(socketPath)) {
                throw new IOException("another elara node is listening on control socket " + socketPath);
            }
            // Left behind by a node that died without cleaning up.
            Files.deleteIfExists(socketPath);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            SocketFolder.bindOwnerOnly(server, socketPath);
        } catch (FileAlreadyExistsException e) {
            server.close();
            throw new IOException("another elara node is listening on control socket " + socketPath, e);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot open control socket " + socketPath + ": " + e.getMessage(), e);
        }
        ControlServer control = new ControlServer(socketPath, server, proxy, listen, flows);
        control.acceptor.start();
        return control;
    }

    private static boolean listening(Path socketPath) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socketPath))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket accept failed: {}", e.getMessage());
                }
                return;
            }
            if (!slots.tryAcquire()) {
                try (LineChannel line = new LineChannel(client, REQUEST_BYTES_MAX)) {
                    line.writeLine(error("too many control clients (" + CLIENTS_MAX + ")"));
                } catch (IOException e) {
                    LOG.debug("could not turn away a control client", e);
                }
                continue;
            }
            clients.add(client);
            Thread thread = new Thread(() -> serve(client), "elara-control-" + clientNumber.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(SocketChannel client) {
        try (LineChannel line = new LineChannel(client, REQUEST_BYTES_MAX)) {
            String request;
            try {
                request = line.readLine();
            } catch (LineChannel.LineTooLongException e) {
                line.writeLine(error("request longer than " + REQUEST_BYTES_MAX + " bytes"));
                return;
            }
            if (request == null) {
                return;
            }
            JsonNode json;
            try {
                json = ControlJson.MAPPER.readTree(request);
            } catch (JsonProcessingException e) {
                line.writeLine(error("request is not JSON"));
                return;
            }
            String op = json.path("op").asText("");
            switch (op) {
                case "send" -> send(json, line);
                case "tail" -> tail(json, line);
                case "status" -> status(line);
                case "session" -> session(json, line);
                case "invite" -> invite(json, line);
                case "join" -> join(json, line);
                case "state" -> state(json, line);
                case "media-send" -> mediaSend(json, line);
                case "media-listen" -> mediaListen(json, line);
                default ->
                    line.writeLine(error("unknown op '" + op + "' (send, tail, status, session, invite, join, state)"));
            }
        } catch (IOException e) {
            LOG.debug("control client went away: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(client);
            slots.release();
        }
    }

    /** Sends of one {@code "texts"} request in flight at once, at most (signals: their own, smaller bound). */
    static final int SEND_WINDOW = 256;

    private void send(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        String to = request.path("to").asText(null);
        String session = request.path("session").asText(null);
        long timeoutMs = request.path("timeoutMs").asLong(SEND_TIMEOUT_MS_DEFAULT);
        List<String> texts = new java.util.ArrayList<>();
        if (request.path("texts").isArray()) {
            request.path("texts").forEach(text -> texts.add(text.asText()));
        } else if (request.hasNonNull("text")) {
            texts.add(request.path("text").asText());
        }
        if (texts.isEmpty() || (to == null) == (session == null)) {
            line.writeLine(error("send needs \"text\" (or \"texts\") and one of \"to\" or \"session\""));
            return;
        }
        String kind = request.path("kind").asText("text");
        if (!kind.equals("text") && !kind.equals("signal")) {
            line.writeLine(error("send \"kind\" is \"text\" or \"signal\", not '" + kind + "'"));
            return;
        }
        boolean signal = kind.equals("signal");
        SendTarget target = to != null ? SendTarget.peer(to) : SendTarget.session(session);
        // Pipelined: up to a window of sends are queued in the node in the order given, and answered one line each,
        // in that order, as they complete. The node keeps their order on the wire.
        int window = signal ? io.elara.node.NodeCore.SIGNAL_QUEUE_MAX / 2 : SEND_WINDOW;
        java.util.ArrayDeque<CompletableFuture<SendResult>> inFlight = new java.util.ArrayDeque<>();
        // "submitted": true asks for a first line once the sends are handed to the node, before any is answered: a
        // client that waits for it and no more keeps its messages in order across connections, without waiting for
        // each one's acknowledgement before sending the next.
        boolean confirm = request.path("submitted").asBoolean(false);
        int next = 0;
        for (int i = 0; i < texts.size(); i++) {
            while (next < texts.size() && next - i < window) {
                String text = texts.get(next++);
                inFlight.add(signal ? proxy.sendSignal(target, text) : proxy.sendText(target, text));
            }
            if (confirm && i == 0) {
                line.writeLine("{\"ok\":true,\"submitted\":" + next + "}");
            }
            CompletableFuture<SendResult> sent = inFlight.poll();
            try {
                SendResult result = sent.get(timeoutMs, TimeUnit.MILLISECONDS);
                line.writeLine(ControlJson.MAPPER.writeValueAsString(ControlJson.sendResult(result)));
            } catch (ExecutionException e) {
                line.writeLine(error(e.getCause().getMessage()));
            } catch (TimeoutException e) {
                line.writeLine(error("not acknowledged by " + target + " within " + timeoutMs
                        + " ms (the node keeps it in its mailbox and sends it again until the recipient has it)"));
            }
        }
    }

    /** Frames a media listener holds for its client at most; past this, frames are dropped and counted. */
    static final int MEDIA_QUEUE_FRAMES_MAX = 512;

    /** How often a media sender is told the degradation level (when it changed), at most. */
    static final long MEDIA_LEVEL_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(250);

    /**
     * {@code {"op":"media-send","session":S,"stream":N,"budgetMs":M,"class":C}}, then one line per frame, {@code
     * {"payload":BASE64}}, until {@code {"end":true}} or the client closes: each frame goes on the latency-first lane,
     * class C ({@code perceptual}, the default, {@code repair}, {@code enhancement} or {@code cosmetic}), to every
     * connected member of the session. Nothing is answered per frame (media is never waited for); the node answers
     * {@code {"level":L,"rung":R}} first and whenever the degradation level towards those members changes (checked at
     * most every 250 ms, when a line arrives: a client with nothing to send sends {@code {"tick":true}}); the end is
     * answered with how many frames went to how many members, and why any did not.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // a frame is never waited for; outcomes are counted on the loop
    private void mediaSend(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        String session = request.path("session").asText(null);
        int stream = request.path("stream").asInt(-1);
        long budgetUs = request.path("budgetMs").asLong(200) * 1_000;
        io.elara.node.lane.TrafficClass cls;
        try {
            cls = io.elara.node.lane.TrafficClass.valueOf(
                    request.path("class").asText("perceptual").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            cls = io.elara.node.lane.TrafficClass.CORE;
        }
        if (session == null || stream < 0 || stream > 0xFFFF || cls == io.elara.node.lane.TrafficClass.CORE) {
            line.writeLine(error("media-send needs \"session\", a \"stream\" of 0 to 65535, and a \"class\" of"
                    + " perceptual, repair, enhancement or cosmetic"));
            return;
        }
        io.elara.node.lane.TrafficClass frameClass = cls;
        CompletableFuture<List<String>> members = proxy.call((core, nowNs, result) -> {
            List<String> names = new java.util.ArrayList<>();
            for (io.elara.node.SessionInfo info : core.sessionList(nowNs)) {
                if (info.name().equals(session)) {
                    for (io.elara.node.SessionInfo.Member member : info.members()) {
                        if (!member.self() && member.connected()) {
                            names.add(member.name());
                        }
                    }
                    result.complete(names);
                    return;
                }
            }
            result.completeExceptionally(new io.elara.node.SendException("no session named '" + session + "'"));
        });
        List<String> recipients;
        try {
            recipients = members.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line.writeLine(error(e instanceof ExecutionException ? e.getCause().getMessage() : "node did not answer"));
            return;
        }
        if (request.path("to").isArray()) {
            // Only the members named (a livestream's tree sends to some viewers, who relay to the rest).
            java.util.Set<String> named = new java.util.HashSet<>();
            request.path("to").forEach(name -> named.add(name.asText()));
            recipients.removeIf(member -> !named.contains(member));
        }
        line.writeLine("{\"ok\":true,\"members\":" + ControlJson.MAPPER.writeValueAsString(recipients) + "}");
        io.elara.node.media.DegradationLevel level = mediaLevel(recipients);
        if (level == null) {
            line.writeLine(error("node did not answer"));
            return;
        }
        line.writeLine(levelLine(level));
        long levelCheckedNs = System.nanoTime();
        Map<String, java.util.concurrent.atomic.AtomicLong> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        long frames = 0;
        long malformed = 0;
        String text;
        while ((text = line.readLine()) != null) {
            if (System.nanoTime() - levelCheckedNs >= MEDIA_LEVEL_CHECK_NS) {
                levelCheckedNs = System.nanoTime();
                io.elara.node.media.DegradationLevel now = mediaLevel(recipients);
                if (now != null && now != level) {
                    level = now;
                    line.writeLine(levelLine(level));
                }
            }
            JsonNode frame;
            try {
                frame = ControlJson.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                malformed++;
                continue;
            }
            if (frame.path("end").asBoolean(false)) {
                break;
            }
            if (frame.path("tick").asBoolean(false)) {
                continue;
            }
            byte[] payload;
            try {
                payload = java.util.Base64.getDecoder()
                        .decode(frame.path("payload").asText(""));
            } catch (IllegalArgumentException e) {
                malformed++;
                continue;
            }
            frames++;
            proxy.call((core, nowNs, result) -> {
                for (String member : recipients) {
                    io.elara.node.lane.MediaSendResult sent = core.sendMedia(
                            member,
                            stream,
                            frameClass,
                            io.netty.buffer.Unpooled.wrappedBuffer(payload),
                            budgetUs,
                            nowNs);
                    outcomes.computeIfAbsent(
                                    sent.name().toLowerCase(java.util.Locale.ROOT),
                                    k -> new java.util.concurrent.atomic.AtomicLong())
                            .incrementAndGet();
                }
                result.complete(null);
            });
        }
        try {
            // The loop runs calls in order: once this one ran, every frame's outcome is counted.
            proxy.<Void>call((core, nowNs, result) -> result.complete(null)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line.writeLine(error("node did not answer"));
            return;
        }
        Map<String, Object> answer = ok();
        answer.put("frames", frames);
        answer.put("malformed", malformed);
        Map<String, Long> counts = new java.util.TreeMap<>();
        outcomes.forEach((outcome, count) -> counts.put(outcome, count.get()));
        answer.put("outcomes", counts);
        line.writeLine(ControlJson.MAPPER.writeValueAsString(answer));
    }

    /** The worst degradation level of the links towards {@code members}, or null when the node does not answer. */
    private io.elara.node.media.DegradationLevel mediaLevel(List<String> members) throws InterruptedException {
        try {
            return proxy.<io.elara.node.media.DegradationLevel>call((core, nowNs, result) -> {
                        io.elara.node.media.DegradationLevel worst = io.elara.node.media.DegradationLevel.FULL;
                        for (String member : members) {
                            worst = io.elara.node.media.DegradationLevel.worst(worst, core.degradation(member));
                        }
                        result.complete(worst);
                    })
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private static String levelLine(io.elara.node.media.DegradationLevel level) {
        return "{\"level\":\"" + level.label() + "\",\"rung\":" + level.rung() + "}";
    }

    /** One media frame copied off the loop for a listening client. */
    @SuppressWarnings("ArrayRecordComponent") // a copy of the payload, handed on once
    private record HeardFrame(String peer, int stream, int sequence, byte[] payload) {}

    /**
     * {@code {"op":"media-listen"}}: answers {@code {"ok":true}}, then one line per media frame the node receives,
     * {@code {"peer","stream","sequence","payload":BASE64}}, until the client closes; {@code {"dropped":N}} when the
     * client reads too slowly. With {@code "streams":[N,…]}, only frames of those streams.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // unsubscribing at the end: nothing to wait for
    private void mediaListen(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        java.util.BitSet streams = null;
        if (request.has("streams")) {
            streams = new java.util.BitSet(0x10000);
            for (JsonNode stream : request.path("streams")) {
                if (!stream.canConvertToInt() || stream.asInt() < 0 || stream.asInt() > 0xFFFF) {
                    line.writeLine(error("media-listen: \"streams\" holds stream ids, 0 to 65535"));
                    return;
                }
                streams.set(stream.asInt());
            }
            if (!request.path("streams").isArray() || streams.isEmpty()) {
                line.writeLine(error("media-listen: \"streams\" holds stream ids, 0 to 65535"));
                return;
            }
        }
        java.util.BitSet wanted = streams;
        ArrayBlockingQueue<HeardFrame> queue = new ArrayBlockingQueue<>(MEDIA_QUEUE_FRAMES_MAX);
        AtomicLong dropped = new AtomicLong();
        io.elara.node.MediaListener listener = (peer, stream, sequence, cls, buffer, offset, length) -> {
            if (wanted != null && !wanted.get(stream)) {
                return; // not a stream this client listens to: not even copied
            }
            byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            if (!queue.offer(new HeardFrame(peer, stream, sequence, payload))) {
                dropped.incrementAndGet();
            }
        };
        boolean subscribed;
        try {
            subscribed = proxy.<Boolean>call((core, nowNs, result) -> result.complete(core.subscribeMedia(listener)))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line.writeLine(error("node did not answer"));
            return;
        }
        if (!subscribed) {
            line.writeLine(error("too many media listeners on this node"));
            return;
        }
        try {
            line.writeLine("{\"ok\":true}");
            line.channel().configureBlocking(false);
            long reportedDrops = 0;
            java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
            while (!closed) {
                HeardFrame frame = queue.poll(200, TimeUnit.MILLISECONDS);
                long drops = dropped.get();
                if (drops != reportedDrops) {
                    line.writeLine("{\"dropped\":" + (drops - reportedDrops) + "}");
                    reportedDrops = drops;
                }
                if (frame != null) {
                    line.writeLine("{\"peer\":" + ControlJson.MAPPER.writeValueAsString(frame.peer()) + ",\"stream\":"
                            + frame.stream() + ",\"sequence\":" + Integer.toUnsignedString(frame.sequence())
                            + ",\"payload\":\"" + base64.encodeToString(frame.payload()) + "\"}");
                } else if (line.peerClosed()) {
                    return;
                }
            }
        } finally {
            proxy.call((core, nowNs, result) -> {
                core.unsubscribeMedia(listener);
                result.complete(null);
            });
        }
    }

    private void tail(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        int backlog = Math.max(0, request.path("backlog").asInt(0));
        ArrayBlockingQueue<DeliveredEvent> queue = new ArrayBlockingQueue<>(TAIL_QUEUE_EVENTS_MAX);
        AtomicLong dropped = new AtomicLong();
        EventListener listener = event -> {
            if (!queue.offer(event)) {
                dropped.incrementAndGet();
            }
        };
        List<DeliveredEvent> history;
        try {
            history = proxy.subscribe(listener, backlog).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line.writeLine(error(e instanceof ExecutionException ? e.getCause().getMessage() : "node did not answer"));
            return;
        }
        try {
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("ok", true);
            ok.put("backlog", history.size());
            line.writeLine(ControlJson.MAPPER.writeValueAsString(ok));
            for (DeliveredEvent event : history) {
                line.writeLine(ControlJson.MAPPER.writeValueAsString(ControlJson.event(event)));
            }
            line.channel().configureBlocking(false);
            long reportedDrops = 0;
            while (!closed) {
                DeliveredEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
                long drops = dropped.get();
                if (drops != reportedDrops) {
                    line.writeLine("{\"dropped\":" + (drops - reportedDrops) + "}");
                    reportedDrops = drops;
                }
                if (event != null) {
                    line.writeLine(ControlJson.MAPPER.writeValueAsString(ControlJson.event(event)));
                } else if (line.peerClosed()) {
                    return;
                }
            }
        } finally {
            proxy.unsubscribe(listener);
        }
    }

    private void status(LineChannel line) throws IOException, InterruptedException {
        try {
            NodeStatus status = proxy.status().get(10, TimeUnit.SECONDS).withListen(listen);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("ok", true);
            Map<String, Object> statusJson = ControlJson.status(status);
            if (flows != null) {
                statusJson.put("flows", flows.get());
            }
            json.put("status", statusJson);
            line.writeLine(ControlJson.MAPPER.writeValueAsString(json));
        } catch (ExecutionException | TimeoutException e) {
            line.writeLine(error(e instanceof ExecutionException ? e.getCause().getMessage() : "node did not answer"));
        }
    }

    /** Where this node says it is reached, in the invites it makes (set once the node is bound). */
    public void inviteAddresses(List<InetSocketAddress> addresses) {
        this.inviteAddresses = List.copyOf(addresses);
    }

    private volatile List<InetSocketAddress> inviteAddresses = List.of();

    /** {@code {"op":"session","action":"create"|"list"|"leave"|"kick"|"ban","name":N,"member":M}}. */
    private void session(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        String action = request.path("action").asText("");
        String name = request.path("name").asText(null);
        String member = request.path("member").asText(null);
        if (!action.equals("list") && name == null) {
            line.writeLine(error("session " + action + " needs \"name\""));
            return;
        }
        CompletableFuture<Map<String, Object>> answer;
        switch (action) {
            case "create" ->
                answer = proxy.call((core, nowNs, result) -> {
                    Map<String, Object> json = ok();
                    json.put("id", core.createSession(name, nowNs).toString());
                    result.complete(json);
                });
            case "list" ->
                answer = proxy.call((core, nowNs, result) -> {
                    Map<String, Object> json = ok();
                    json.put("sessions", ControlJson.sessions(core.sessionList(nowNs)));
                    json.put("ended", new LinkedHashMap<>(core.endedSessions()));
                    result.complete(json);
                });
            case "leave" ->
                answer = proxy.call((core, nowNs, result) -> {
                    core.leaveSession(name, nowNs);
                    result.complete(ok());
                });
            case "kick", "ban" -> {
                if (member == null) {
                    line.writeLine(error("session " + action + " needs \"member\""));
                    return;
                }
                answer = proxy.call((core, nowNs, result) -> {
                    core.removeMember(name, member, action.equals("ban"), nowNs);
                    result.complete(ok());
                });
            }
            default -> {
                line.writeLine(error("unknown session action '" + action + "' (create, list, leave, kick, ban)"));
                return;
            }
        }
        answer(answer, 10_000, line);
    }

    /**
     * {@code {"op":"state","session":N,"key":K,"value":V,"timeoutMs":M}}: sets {@code K} to {@code V} (an empty value
     * clears it) in session {@code N}'s shared state, or, without {@code "session"}, in every session this node is in.
     * Answers {@code {"ok":true,"sessions":[{"session","acknowledgedBy","failures"} or {"session","waiting":true}]}}:
     * {@code waiting} when not every member acknowledged within the timeout (this node stored the change, and members
     * not reached get it when they are back).
     */
    private void state(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        String session = request.path("session").asText(null);
        String key = request.path("key").asText(null);
        String value = request.path("value").asText(null);
        long timeoutMs = request.path("timeoutMs").asLong(STATE_TIMEOUT_MS_DEFAULT);
        if (key == null || value == null) {
            line.writeLine(error("state needs \"key\" and \"value\""));
            return;
        }
        CompletableFuture<Map<String, CompletableFuture<SendResult>>> started = proxy.call((core, nowNs, result) -> {
            List<String> names = new java.util.ArrayList<>();
            if (session != null) {
                names.add(session);
            } else {
                core.sessionList().forEach(info -> names.add(info.name()));
            }
            if (names.isEmpty()) {
                throw new io.elara.node.SendException(
                        "this node is in no session (create one with: elara session create NAME)");
            }
            Map<String, CompletableFuture<SendResult>> sends = new LinkedHashMap<>();
            for (String name : names) {
                CompletableFuture<SendResult> sent = new CompletableFuture<>();
                core.setState(name, key, value, nowNs, sent);
                sends.put(name, sent);
            }
            result.complete(sends);
        });
        Map<String, CompletableFuture<SendResult>> sends;
        try {
            sends = started.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line.writeLine(error(e instanceof ExecutionException ? e.getCause().getMessage() : "node did not answer"));
            return;
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<Map<String, Object>> answers = new java.util.ArrayList<>();
        for (Map.Entry<String, CompletableFuture<SendResult>> send : sends.entrySet()) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("session", send.getKey());
            try {
                SendResult result =
                        send.getValue().get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                String notStored = result.failures().get("this node");
                if (notStored != null) {
                    line.writeLine(error(notStored));
                    return;
                }
                answer.putAll(ControlJson.sendResult(result));
                answer.remove("ok");
            } catch (ExecutionException e) {
                // A refusal (no such session, a malformed key or value) fails before anything is stored.
                line.writeLine(error(e.getCause().getMessage()));
                return;
            } catch (TimeoutException e) {
                answer.put("waiting", true);
            }
            answers.add(answer);
        }
        Map<String, Object> json = ok();
        json.put("sessions", answers);
        line.writeLine(ControlJson.MAPPER.writeValueAsString(json));
    }

    /** {@code {"op":"invite","session":N,"uses":U,"expiresInMs":E}}: answers {@code "token"}. */
    /** Members an invite names after the inviter's own addresses, at most. */
    static final int INVITE_MEMBERS_MAX = 2;

    private void invite(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        String session = request.path("session").asText(null);
        int uses = request.path("uses").asInt(0);
        long expiresInMs = request.path("expiresInMs").asLong(3_600_000L);
        if (session == null) {
            line.writeLine(error("invite needs \"session\""));
            return;
        }
        List<InetSocketAddress> host = inviteAddresses;
        answer(
                proxy.call((core, nowNs, result) -> {
                    // The host addresses first (a joiner on the same network), then those the STUN servers of the
                    // config saw (a joiner elsewhere, through this node's NAT), its relay, up to two members on public
                    // addresses it is connected to (a joiner this node's NAT keeps out joins through one of them),
                    // then loopback (a joiner on this machine); a joiner tries them in this order.
                    java.util.Set<InetSocketAddress> candidates = new java.util.LinkedHashSet<>();
                    for (InetSocketAddress address : host) {
                        if (!address.getAddress().isLoopbackAddress()) {
                            candidates.add(address);
                        }
                    }
                    candidates.addAll(core.reflexiveAddresses());
                    InetSocketAddress relayed = core.relayedAddress();
                    if (relayed != null) {
                        candidates.add(relayed); // a joiner that relays through the same TURN server
                    }
                    candidates.addAll(core.reachableMembers(session, INVITE_MEMBERS_MAX));
                    candidates.addAll(host);
                    List<InetSocketAddress> addresses = candidates.stream()
                            .limit(io.elara.node.membership.InviteToken.CANDIDATES_MAX)
                            .toList();
                    Map<String, Object> json = ok();
                    json.put("token", core.invite(session, uses, nowNs / 1_000_000L + expiresInMs, addresses, nowNs));
                    result.complete(json);
                }),
                10_000,
                line);
    }

    /** {@code {"op":"join","token":T,"name":N,"timeoutMs":M}}: answers once this node is a member. */
    private void join(JsonNode request, LineChannel line) throws IOException, InterruptedException {
        String token = request.path("token").asText(null);
        String name = request.path("name").asText(null);
        long timeoutMs = request.path("timeoutMs").asLong(30_000);
        if (token == null) {
            line.writeLine(error("join needs \"token\""));
            return;
        }
        CompletableFuture<Map<String, Object>> answer = proxy.<String>call(
                        (core, nowNs, result) -> core.join(token, name, nowNs, result))
                .thenApply(session -> {
                    Map<String, Object> json = ok();
                    json.put("session", session);
                    return json;
                });
        answer(answer, timeoutMs, line);
    }

    private static void answer(CompletableFuture<Map<String, Object>> answer, long timeoutMs, LineChannel line)
            throws IOException, InterruptedException {
        try {
            line.writeLine(ControlJson.MAPPER.writeValueAsString(answer.get(timeoutMs, TimeUnit.MILLISECONDS)));
        } catch (ExecutionException e) {
            line.writeLine(error(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            line.writeLine(error("the node did not answer within " + timeoutMs + " ms"));
        }
    }

    private static Map<String, Object> ok() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", true);
        return json;
    }

    private static String error(String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", false);
        json.put("error", message);
        try {
            return ControlJson.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    /** Stops accepting, disconnects clients and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the control socket", e);
        }
        for (SocketChannel client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                LOG.debug("closing a control client", e);
            }
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("removing the control socket file", e);
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
