package io.elara.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.node.control.ControlClient;
import io.elara.node.media.HalfBlocks;
import io.elara.node.media.Images;
import io.elara.node.media.Picture;
import io.elara.node.media.VisualEncoder;
import io.elara.node.wire.MediaFrameFlyweight;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Pictures in the chat: {@code /share FILE} sends a picture to the session's connected members, and pictures others
 * share show in the scrollback as a half-block preview ({@link HalfBlocks}: truecolor, 256 colours or ASCII, as the
 * terminal can show).
 *
 * <p>A share is one keyframe of the visual codec, at most {@link #WIDTH_MAX}×{@link #HEIGHT_MAX} (the preview never
 * needs more), on stream {@link #STREAM} of the latency-first lane, paced so as not to overrun the lane. A receiver that
 * misses parts asks for the picture again with the signal {@code visual keyframe 4}, as {@code elara visual record}
 * does; the sharer sends its last picture once more to that member alone ({@link SharedPictures} has the receiver's
 * rules).
 *
 * <p>Threads: {@code /share} and the answers to requests run on one sender thread; a reader thread copies the {@code
 * media-listen} lines (of the share stream only) into a bounded queue, and a picture thread owns the decoders.
 */
final class ChatShare implements AutoCloseable {
    /** The media stream of shared pictures. */
    static final int STREAM = 4;
    /** The request for a picture again, as a signal's text. */
    static final String REQUEST = "visual keyframe " + STREAM;

    static final int WIDTH_MAX = 320;
    static final int HEIGHT_MAX = 240;
    /** Lines of the preview at most. */
    static final int PREVIEW_ROWS = 12;
    /** Columns of the preview at most. */
    static final int PREVIEW_COLUMNS = 64;
    /** One payload each this often: about 1.8 Mbit/s, a 320×240 photograph in under half a second. */
    static final long PACE_NS = 5_000_000L;
    /** A member's requests are answered at most this often. */
    static final long RESEND_INTERVAL_NS = 300_000_000L;

    private static final int QUEUE_LINES = 1024;

    private final Path socket;
    private final ChatView view;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "elara-chat-share");
        thread.setDaemon(true);
        return thread;
    });
    /** Used on the sender thread only: frame numbers go on across shares. */
    private final VisualEncoder encoder = new VisualEncoder(MediaFrameFlyweight.PAYLOAD_LENGTH_MAX);
    /** The last picture shared, for requests; sender thread only. */
    private Shared last;

    private final Map<String, Long> resentNs = new HashMap<>();
    private final BlockingQueue<JsonNode> heard = new ArrayBlockingQueue<>(QUEUE_LINES);
    private volatile ControlClient listen;
    private volatile boolean closed;

    private record Shared(String session, List<byte[]> payloads) {}

    ChatShare(Path socket, ChatView view) {
        this.socket = socket;
        this.view = view;
    }

    /** Starts listening for shared pictures; a node that cannot be listened to is one line, and the chat goes on. */
    void start() {
        try {
            ControlClient client = ControlClient.connect(socket);
            client.send(Map.of("op", "media-listen", "streams", List.of(STREAM)));
            JsonNode answer = client.next();
            if (answer == null || !answer.path("ok").asBoolean()) {
                client.close();
                view.show(view.dim("pictures: cannot listen for shared pictures: "
                        + (answer == null
                                ? "the node closed the connection"
                                : answer.path("error").asText())));
                return;
            }
            listen = client;
        } catch (IOException e) {
            view.show(view.dim("pictures: cannot listen for shared pictures: " + e.getMessage()));
            return;
        }
        Thread reader = new Thread(this::read, "elara-chat-pictures-listen");
        reader.setDaemon(true);
        reader.start();
        Thread pictures = new Thread(this::draw, "elara-chat-pictures");
        pictures.setDaemon(true);
        pictures.start();
    }

    /** {@code /share FILE}: reads, encodes and sends the picture off the input thread; says how it went in one line. */
    void share(String session, Path file) {
        submit(() -> {
            Picture picture;
            try {
                picture = Images.read(file, WIDTH_MAX, HEIGHT_MAX);
            } catch (IOException | IllegalArgumentException e) {
                view.show("share: " + problem(file, e));
                return;
            }
            List<byte[]> payloads = encoder.encode(picture, true);
            last = new Shared(session, payloads);
            resentNs.clear();
            try {
                Sent sent = send(session, null, payloads);
                long bytes =
                        payloads.stream().mapToLong(payload -> payload.length).sum();
                if (sent.members().isEmpty()) {
                    view.show("share: no member of '" + session + "' is connected: nobody would see it");
                } else if (sent.outcomes().getOrDefault("queued", 0L) == 0) {
                    view.show("share: nothing went out to " + String.join(", ", sent.members()) + " "
                            + sent.outcomes()
                            + (sent.outcomes().containsKey("degraded")
                                    ? ": the links carry no pictures now (see /peers); try again later"
                                    : ""));
                } else {
                    view.show(String.format(
                            Locale.ROOT,
                            "shared %s (%dx%d, %.1f kB in %d parts) with %s",
                            file.getFileName(),
                            picture.width(),
                            picture.height(),
                            bytes / 1000.0,
                            payloads.size(),
                            String.join(", ", sent.members())));
                }
            } catch (IOException e) {
                view.show("share: " + e.getMessage());
            }
        });
    }

    /** A member asked for the last picture again ({@link #REQUEST}): it is sent to that member alone. */
    void requested(String member) {
        submit(() -> {
            Shared shared = last;
            long nowNs = System.nanoTime();
            Long before = resentNs.get(member);
            if (shared == null || (before != null && nowNs - before < RESEND_INTERVAL_NS)) {
                return;
            }
            resentNs.put(member, nowNs);
            try {
                send(shared.session(), List.of(member), shared.payloads());
            } catch (IOException e) {
                // the member asks again while the picture is still missing parts
            }
        });
    }

    private void submit(Runnable task) {
        try {
            sender.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the chat is closing
        }
    }

    private record Sent(List<String> members, Map<String, Long> outcomes) {}

    private Sent send(String session, List<String> to, List<byte[]> payloads) throws IOException {
        try (ControlClient client = ControlClient.connect(socket)) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("op", "media-send");
            request.put("session", session);
            request.put("stream", STREAM);
            request.put("budgetMs", 1_000);
            request.put("class", "enhancement");
            if (to != null) {
                request.put("to", to);
            }
            client.send(request);
            JsonNode answer = client.next();
            if (answer == null || !answer.path("ok").asBoolean()) {
                throw new IOException(
                        answer == null
                                ? "the node closed the connection"
                                : answer.path("error").asText());
            }
            List<String> members = new ArrayList<>();
            answer.path("members").forEach(member -> members.add(member.asText()));
            if (members.isEmpty()) {
                return new Sent(members, Map.of());
            }
            Base64.Encoder base64 = Base64.getEncoder();
            long startNs = System.nanoTime();
            for (int i = 0; i < payloads.size(); i++) {
                long waitNs = startNs + i * PACE_NS - System.nanoTime();
                if (waitNs > 0) {
                    LockSupport.parkNanos(waitNs);
                }
                client.send(Map.of("payload", base64.encodeToString(payloads.get(i))));
            }
            client.send(Map.of("end", true));
            JsonNode summary = client.next();
            while (summary != null && summary.has("level")) {
                summary = client.next(); // the links' degradation level, told as it changes
            }
            if (summary == null || !summary.path("ok").asBoolean()) {
                throw new IOException(
                        summary == null
                                ? "the node closed the connection"
                                : summary.path("error").asText());
            }
            Map<String, Long> outcomes = new TreeMap<>();
            summary.path("outcomes")
                    .properties()
                    .forEach(entry ->
                            outcomes.put(entry.getKey(), entry.getValue().asLong()));
            return new Sent(members, outcomes);
        }
    }

    private static String problem(Path file, Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + file;
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? file + " cannot be read" : message;
    }

    /** The reader thread: lines of {@code media-listen} into the queue; a full queue drops (the sharer is asked). */
    private void read() {
        try {
            JsonNode line;
            while (!closed && (line = listen.next()) != null) {
                heard.offer(line);
            }
        } catch (IOException e) {
            // the chat is closing, or the node went away: the chat says so itself
        }
    }

    /** The picture thread: decodes what arrives, shows whole pictures, asks for the missing ones. */
    private void draw() {
        SharedPictures pictures = new SharedPictures();
        Base64.Decoder base64 = Base64.getDecoder();
        try {
            while (!closed) {
                JsonNode line = heard.poll(100, TimeUnit.MILLISECONDS);
                long nowNs = System.nanoTime();
                List<SharedPictures.Action> actions = new ArrayList<>();
                if (line != null && line.has("payload")) {
                    try {
                        byte[] payload = base64.decode(line.path("payload").asText(""));
                        actions.addAll(pictures.offer(line.path("peer").asText(), payload, nowNs));
                    } catch (IllegalArgumentException e) {
                        // not from a node of ours: nothing to draw
                    }
                }
                actions.addAll(pictures.tick(nowNs));
                for (SharedPictures.Action action : actions) {
                    act(action);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void act(SharedPictures.Action action) {
        if (action instanceof SharedPictures.Show show) {
            Picture picture = show.picture();
            view.show(view.dim(String.format(
                    Locale.ROOT, "* %s shared a picture (%dx%d):", show.peer(), picture.width(), picture.height())));
            int columns = Math.max(8, Math.min(PREVIEW_COLUMNS, view.columns() - 2));
            for (String row : HalfBlocks.render(picture, columns, PREVIEW_ROWS, view.pictureMode())) {
                view.show("  " + row);
            }
        } else if (action instanceof SharedPictures.Ask ask) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("op", "send");
            request.put("to", ask.peer());
            request.put("kind", "signal");
            request.put("text", REQUEST);
            request.put("timeoutMs", 2_000);
            submit(() -> {
                try (ControlClient client = ControlClient.connect(socket)) {
                    client.send(request);
                    client.next();
                } catch (IOException e) {
                    // asked again after the next wait, or given up
                }
            });
        } else if (action instanceof SharedPictures.GaveUp gaveUp) {
            view.show(view.dim("* " + gaveUp.peer() + " shared a picture that did not arrive whole"));
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.shutdownNow();
        ControlClient client = listen;
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
