package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.voice.MediaLevelReader;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import io.elara.node.control.ControlJson;
import io.elara.node.media.DegradationLevel;
import io.elara.node.media.Images;
import io.elara.node.media.Picture;
import io.elara.node.media.TestPattern;
import io.elara.node.media.VisualDecoder;
import io.elara.node.media.VisualEncoder;
import io.elara.node.sim.SimDurations;
import io.elara.node.wire.MediaFrameFlyweight;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elara visual send|record}: pictures over the latency-first lane, through the running node: keyframes and
 * deltas of changed tiles, each packet drawable on its own ({@link VisualEncoder}, {@link VisualDecoder}).
 */
@Command(
        name = "visual",
        description =
                "Send pictures (an image, a directory as a slideshow, or a test pattern) to a session, or record the"
                        + " pictures a session sends as PNG files.",
        subcommands = {VisualCommand.Send.class, VisualCommand.RecordVisual.class})
public final class VisualCommand {
    private VisualCommand() {}

    /** The stream pictures go on unless told otherwise (voice takes 1). */
    static final int STREAM_DEFAULT = 2;

    /** The signal a receiver sends the sender when it needs a keyframe: this text, a space, and the stream id. */
    static final String KEYFRAME_REQUEST = "visual keyframe";

    /** At {@code keyframes-only}, a keyframe this often. */
    static final long KEYFRAMES_ONLY_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);

    /** {@code elara visual send SESSION (FILE|DIR|--pattern)}. */
    @Command(
            name = "send",
            description = {
                "Send pictures to every connected member of SESSION at --fps: FILE (PNG or JPEG), every image in DIR in"
                        + " name order as a slideshow (looping), or --pattern (a moving test pattern).",
                "Each frame is a keyframe (all tiles) or a delta (the 16×16 tiles that changed), deflated, lossless;"
                        + " a keyframe every --keyframe-every and whenever a receiver asks for one after a loss.",
                "Follows the node's degradation level: half the rate and resolution, then keyframes only every 2 s,"
                        + " then nothing until the path recovers."
            },
            footer = {
                "",
                "Examples:",
                "  elara visual send team --pattern --seconds 30 -c alice.yaml",
                "  elara visual send team slides/ --fps 0.5 -c alice.yaml"
            })
    public static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "the session to show pictures to")
        String session;

        @Parameters(
                index = "1",
                arity = "0..1",
                paramLabel = "FILE|DIR",
                description = "an image, or a directory of them")
        Path source;

        @Option(names = "--pattern", description = "send a moving test pattern instead of images")
        boolean pattern;

        @Option(
                names = "--fps",
                paramLabel = "RATE",
                defaultValue = "10",
                description = "frames per second, 0.1 to 30 (default: ${DEFAULT-VALUE})")
        double fps;

        @Option(
                names = "--seconds",
                paramLabel = "S",
                defaultValue = "10",
                description = "how long to send, 0.1 to 86400 (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(
                names = "--size",
                paramLabel = "WxH",
                defaultValue = "320x240",
                description = "the largest picture; images are scaled down to fit, keeping their aspect"
                        + " (default: ${DEFAULT-VALUE})")
        String size;

        @Option(
                names = "--keyframe-every",
                paramLabel = "TIME",
                defaultValue = "5s",
                description = "a keyframe at least this often (default: ${DEFAULT-VALUE})")
        String keyframeEvery;

        @Option(
                names = "--stream",
                paramLabel = "N",
                defaultValue = "" + STREAM_DEFAULT,
                description = "the stream id, 0 to 65535 (default: ${DEFAULT-VALUE})")
        int stream;

        /** Who gets the frames directly, polled every frame ({@code elara live start}'s tree); null: every member. */
        java.util.function.Supplier<List<String>> plan;

        @Override
        public Integer call() throws IOException {
            if (pattern == (source != null)) {
                throw new ElaraUserException(ExitCode.USAGE, "give FILE, DIR or --pattern, one of them");
            }
            if (!(fps >= 0.1 && fps <= 30) || !(seconds >= 0.1 && seconds <= 86_400) || stream < 0 || stream > 0xFFFF) {
                throw new ElaraUserException(
                        ExitCode.USAGE, "--fps is 0.1 to 30, --seconds 0.1 to 86400 and --stream 0 to 65535");
            }
            int[] wh = size(size);
            long keyframeEveryNs = duration(keyframeEvery, "--keyframe-every");
            Source frames = Source.open(source, wh[0], wh[1]);
            NodeConfig nodeConfig = config.load();
            PrintWriter out = spec.commandLine().getOut();
            VisualEncoder encoder = new VisualEncoder(MediaFrameFlyweight.PAYLOAD_LENGTH_MAX);
            AtomicBoolean keyframeAsked = new AtomicBoolean();
            AtomicLong requests = new AtomicLong();
            Map<String, Long> outcomes = new java.util.TreeMap<>();
            java.util.Set<String> reached = new java.util.TreeSet<>();
            List<String> levelHistory = new ArrayList<>();
            try (ControlClient tail = config.connect(nodeConfig)) {
                listenForRequests(tail, stream, keyframeAsked, requests);
                List<String> planned = plan == null ? null : plan.get();
                Stream link = Stream.open(config, nodeConfig, session, stream, planned);
                if (link.members.isEmpty() && plan == null) {
                    link.close(outcomes, levelHistory);
                    throw new ElaraUserException(
                            ExitCode.FAILURE, "no member of '" + session + "' is connected: nobody would see it");
                }
                reached.addAll(link.members);
                Base64.Encoder base64 = Base64.getEncoder();
                long frameNs = (long) (1e9 / fps);
                long startNs = System.nanoTime();
                long endNs = startNs + (long) (seconds * 1e9);
                long lastKeyframeNs = Long.MIN_VALUE;
                long sentFrames = 0;
                long keyframes = 0;
                long packets = 0;
                long bytes = 0;
                long skipped = 0;
                try {
                    for (long n = 0; ; n++) {
                        long dueNs = startNs + n * frameNs;
                        if (dueNs >= endNs) {
                            break;
                        }
                        long waitNs = dueNs - System.nanoTime();
                        if (waitNs > 0) {
                            LockSupport.parkNanos(waitNs);
                        }
                        boolean replanned = false;
                        if (plan != null && !java.util.Objects.equals(plan.get(), planned)) {
                            // The tree changed: a new connection to the new direct viewers, from a keyframe.
                            planned = plan.get();
                            link.close(outcomes, levelHistory);
                            link = Stream.open(config, nodeConfig, session, stream, planned);
                            reached.addAll(link.members);
                            replanned = true;
                        }
                        DegradationLevel level = link.levels.level();
                        long nowNs = System.nanoTime();
                        boolean asked = keyframeAsked.getAndSet(false);
                        boolean keyframe = lastKeyframeNs == Long.MIN_VALUE
                                || nowNs - lastKeyframeNs >= keyframeEveryNs
                                || asked
                                || replanned;
                        // The ladder: half the rate and resolution, then keyframes only every 2 s, then nothing.
                        boolean send = switch (level) {
                            case FULL -> true;
                            case REDUCED_VIDEO -> n % 2 == 0;
                            case KEYFRAMES_ONLY -> {
                                keyframe = lastKeyframeNs == Long.MIN_VALUE
                                        || nowNs - lastKeyframeNs >= KEYFRAMES_ONLY_INTERVAL_NS;
                                yield keyframe;
                            }
                            default -> false;
                        };
                        if (!send || link.members.isEmpty()) {
                            skipped++;
                            link.client.send(Map.of("tick", true));
                            continue;
                        }
                        Picture picture = frames.frame(n);
                        if (level != DegradationLevel.FULL) {
                            picture =
                                    picture.scaled(Math.max(1, picture.width() / 2), Math.max(1, picture.height() / 2));
                        }
                        List<byte[]> parts = new ArrayList<>(encoder.encode(picture, keyframe));
                        if (asked && keyframe) {
                            // A keyframe asked for after a loss goes twice: the path just lost a packet, and losing
                            // one of this keyframe's parts would cost another round of asking.
                            parts.addAll(List.copyOf(parts));
                        }
                        if (keyframe) {
                            lastKeyframeNs = nowNs;
                            keyframes++;
                        }
                        // A pacer: the parts spread over most of the time to the next frame sent, because a frame's
                        // burst overruns a bottleneck's buffer (and the lane's queue) even where the average fits.
                        long untilNextNs = switch (level) {
                            case FULL -> frameNs;
                            case REDUCED_VIDEO -> 2 * frameNs;
                            default -> KEYFRAMES_ONLY_INTERVAL_NS;
                        };
                        long spreadNs =
                                Math.min(untilNextNs * 4 / 5, TimeUnit.SECONDS.toNanos(1)) / Math.max(1, parts.size());
                        long partStartNs = System.nanoTime();
                        for (int p = 0; p < parts.size(); p++) {
                            long partDueNs = partStartNs + p * spreadNs;
                            long partWaitNs = partDueNs - System.nanoTime();
                            if (partWaitNs > 0) {
                                LockSupport.parkNanos(partWaitNs);
                            }
                            link.client.send(Map.of("payload", base64.encodeToString(parts.get(p))));
                            bytes += parts.get(p).length;
                        }
                        packets += parts.size();
                        sentFrames++;
                    }
                } finally {
                    link.close(outcomes, levelHistory);
                }
                out.printf(
                        Locale.ROOT,
                        "sent %d frames (%d keyframes, %d on request; %d packets, %d bytes) to %s; %s%n",
                        sentFrames,
                        keyframes,
                        requests.get(),
                        packets,
                        bytes,
                        String.join(", ", reached),
                        ControlJson.MAPPER.writeValueAsString(outcomes));
                if (skipped > 0 || levelHistory.size() > 1) {
                    out.printf(
                            Locale.ROOT,
                            "degradation: %d frames left out; levels %s%n",
                            skipped,
                            String.join(" -> ", levelHistory));
                }
            }
            return ExitCode.OK;
        }
    }

    /** One {@code media-send} connection: to every connected member of a session, or to the ones named. */
    private static final class Stream {
        final ControlClient client;
        final MediaLevelReader levels;
        final List<String> members;

        private Stream(ControlClient client, MediaLevelReader levels, List<String> members) {
            this.client = client;
            this.levels = levels;
            this.members = members;
        }

        static Stream open(ConfigOption config, NodeConfig nodeConfig, String session, int stream, List<String> to)
                throws IOException {
            ControlClient client = config.connect(nodeConfig);
            try {
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("op", "media-send");
                request.put("session", session);
                request.put("stream", stream);
                request.put("budgetMs", 500);
                request.put("class", "enhancement");
                if (to != null) {
                    request.put("to", to);
                }
                client.send(request);
                JsonNode answer = ConfigOption.expectOk(client.next());
                return new Stream(client, MediaLevelReader.start(client), names(answer.path("members")));
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }

        /** Ends the stream, adds the node's count of what became of its frames to {@code outcomes}, and closes. */
        void close(Map<String, Long> outcomes, List<String> levelHistory) throws IOException {
            try {
                client.send(Map.of("end", true));
                JsonNode summary = ConfigOption.expectOk(levels.summary());
                for (Map.Entry<String, JsonNode> outcome :
                        summary.path("outcomes").properties()) {
                    outcomes.merge(outcome.getKey(), outcome.getValue().asLong(), Long::sum);
                }
                for (String level : levels.history()) {
                    if (levelHistory.isEmpty()
                            || !levelHistory.get(levelHistory.size() - 1).equals(level)) {
                        levelHistory.add(level);
                    }
                }
            } finally {
                client.close();
            }
        }
    }

    /** Watches the node's signals for keyframe requests on {@code stream}, on a daemon thread. */
    private static void listenForRequests(
            ControlClient tail, int stream, AtomicBoolean keyframeAsked, AtomicLong requests) throws IOException {
        tail.send(Map.of("op", "tail", "backlog", 0));
        ConfigOption.expectOk(tail.next());
        String wanted = KEYFRAME_REQUEST + " " + stream;
        Thread thread = new Thread(
                () -> {
                    try {
                        JsonNode line;
                        while ((line = tail.next()) != null) {
                            if ("signal".equals(line.path("type").asText())
                                    && !line.path("local").asBoolean()
                                    && wanted.equals(line.path("text").asText())) {
                                requests.incrementAndGet();
                                keyframeAsked.set(true);
                            }
                        }
                    } catch (IOException e) {
                        // the sender is done, or the node went away: the send loop reports that
                    }
                },
                "elara-visual-requests");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where frames come from. */
    private interface Source {
        Picture frame(long n) throws IOException;

        static Source open(Path source, int width, int height) {
            if (source == null) {
                return n -> TestPattern.frame(width, height, n);
            }
            try {
                if (Files.isDirectory(source)) {
                    List<Path> files = Images.slideshow(source);
                    List<Picture> pictures = new ArrayList<>();
                    for (Path file : files) {
                        pictures.add(Images.read(file, width, height));
                    }
                    return n -> pictures.get((int) (n % pictures.size()));
                }
                Picture picture = Images.read(source, width, height);
                return n -> picture;
            } catch (IOException | IllegalArgumentException e) {
                throw new ElaraUserException(ExitCode.USAGE, e.getMessage(), e);
            }
        }
    }

    /** {@code elara visual record SESSION OUTDIR}. */
    @Command(
            name = "record",
            description = {
                "Record the pictures the node receives on --stream as PNG files in OUTDIR, PEER-FRAME.png, each one a"
                        + " frame whose every tile arrived (lossless: the pixels the sender sent).",
                "After a loss it asks the sender for a keyframe (a signal) and writes nothing until the picture is"
                        + " whole again. Stops after --duration, or once nothing arrived for --idle."
            },
            footer = {"", "Examples:", "  elara visual record team shots/ --duration 30s -c bob.yaml"})
    public static final class RecordVisual implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "the session to watch")
        String session;

        @Parameters(index = "1", paramLabel = "OUTDIR", description = "where the PNG files go (created if missing)")
        Path directory;

        @Option(
                names = "--duration",
                paramLabel = "TIME",
                defaultValue = "30s",
                description = "the longest recording (default: ${DEFAULT-VALUE})")
        String duration;

        @Option(
                names = "--idle",
                paramLabel = "TIME",
                defaultValue = "3s",
                description = "stop once nothing arrived for this long (default: ${DEFAULT-VALUE})")
        String idle;

        @Option(
                names = "--wait",
                paramLabel = "TIME",
                defaultValue = "60s",
                description = "give up when no picture arrives within this long (default: ${DEFAULT-VALUE})")
        String wait;

        @Option(
                names = "--stream",
                paramLabel = "N",
                defaultValue = "" + STREAM_DEFAULT,
                description = "the stream id to record (default: ${DEFAULT-VALUE})")
        int stream;

        /** Each payload of the stream as it arrives ({@code elara live watch} relays it on); null: none. */
        java.util.function.Consumer<byte[]> relay;

        /** The node to ask for keyframes ({@code elara live watch}: the broadcaster); null: whoever sent the frame. */
        java.util.function.Supplier<String> requestTo;

        /** One sender's stream. */
        private static final class Viewer {
            final String peer;
            final VisualDecoder decoder = new VisualDecoder();
            long written;
            long lastWritten = -1;
            long requests;
            long damagedSinceNs = Long.MIN_VALUE;
            long recoveries;
            long recoveryMaxNs;

            Viewer(String peer) {
                this.peer = peer;
            }
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            long durationNs = duration(duration, "--duration");
            long idleNs = duration(idle, "--idle");
            long waitNs = duration(wait, "--wait");
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new ElaraUserException(ExitCode.FAILURE, "cannot create " + directory + ": " + e.getMessage(), e);
            }
            NodeConfig nodeConfig = config.load();
            BlockingQueue<JsonNode> heard = new LinkedBlockingQueue<>();
            Map<String, Viewer> viewers = new LinkedHashMap<>();
            PrintWriter out = spec.commandLine().getOut();
            AtomicBoolean asking = new AtomicBoolean();
            java.util.concurrent.ExecutorService requester =
                    java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                        Thread thread = new Thread(task, "elara-visual-keyframe-requests");
                        thread.setDaemon(true);
                        return thread;
                    });
            try (ControlClient client = config.connect(nodeConfig)) {
                client.send(Map.of("op", "media-listen"));
                ConfigOption.expectOk(client.next());
                Thread reader = new Thread(
                        () -> {
                            try {
                                JsonNode line;
                                while ((line = client.next()) != null) {
                                    heard.add(line);
                                }
                            } catch (IOException e) {
                                // the connection closed: the recording ends with what arrived
                            }
                        },
                        "elara-visual-record");
                reader.setDaemon(true);
                reader.start();
                long openedNs = System.nanoTime();
                long firstNs = Long.MIN_VALUE;
                long lastHeardNs = openedNs;
                while (true) {
                    JsonNode line = heard.poll(20, TimeUnit.MILLISECONDS);
                    long nowNs = System.nanoTime();
                    for (; line != null; line = heard.poll()) {
                        if (!line.has("payload") || line.path("stream").asInt() != stream) {
                            continue;
                        }
                        byte[] bytes =
                                Base64.getDecoder().decode(line.path("payload").asText(""));
                        String peer = line.path("peer").asText();
                        if (relay != null) {
                            relay.accept(bytes);
                        }
                        Viewer viewer = viewers.computeIfAbsent(peer, Viewer::new);
                        VisualDecoder decoder = viewer.decoder;
                        decoder.offer(bytes, 0, bytes.length);
                        lastHeardNs = nowNs;
                        if (firstNs == Long.MIN_VALUE) {
                            firstNs = nowNs;
                        }
                        if (decoder.needsKeyframe() && viewer.damagedSinceNs == Long.MIN_VALUE) {
                            viewer.damagedSinceNs = nowNs;
                        }
                        if (decoder.hasPicture()
                                && !decoder.needsKeyframe()
                                && decoder.lastCompleteFrame() != viewer.lastWritten
                                && decoder.settled()) {
                            if (viewer.damagedSinceNs != Long.MIN_VALUE) {
                                viewer.recoveries++;
                                viewer.recoveryMaxNs = Math.max(viewer.recoveryMaxNs, nowNs - viewer.damagedSinceNs);
                                viewer.damagedSinceNs = Long.MIN_VALUE;
                            }
                            viewer.lastWritten = decoder.lastCompleteFrame();
                            Path file = directory.resolve(
                                    String.format(Locale.ROOT, "%s-%06d.png", safe(peer), viewer.lastWritten));
                            try {
                                Images.writePng(decoder.picture(), file);
                            } catch (IOException e) {
                                throw new ElaraUserException(
                                        ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage(), e);
                            }
                            viewer.written++;
                        }
                    }
                    for (Viewer viewer : viewers.values()) {
                        if (viewer.decoder.keyframeRequestDue(nowNs) && asking.compareAndSet(false, true)) {
                            viewer.requests++;
                            Map<String, Object> ask = new LinkedHashMap<>();
                            ask.put("op", "send");
                            String target = requestTo == null ? null : requestTo.get();
                            ask.put("to", target != null ? target : viewer.peer);
                            ask.put("kind", "signal");
                            ask.put("text", KEYFRAME_REQUEST + " " + stream);
                            // Off the drawing loop: the answer comes once the sender acknowledged, a round trip away.
                            requester.execute(() -> {
                                // One operation per control connection: each request opens its own.
                                try (ControlClient signals = config.connect(nodeConfig)) {
                                    signals.send(ask);
                                    signals.next();
                                } catch (IOException | RuntimeException e) {
                                    // the next due request tries again
                                } finally {
                                    asking.set(false);
                                }
                            });
                        }
                    }
                    if (firstNs == Long.MIN_VALUE) {
                        if (nowNs - openedNs > waitNs) {
                            throw new ElaraUserException(
                                    ExitCode.FAILURE, "no picture arrived within " + wait + "; nothing recorded");
                        }
                        continue;
                    }
                    if (nowNs - firstNs >= durationNs || nowNs - lastHeardNs > idleNs) {
                        break;
                    }
                }
            } finally {
                requester.shutdownNow();
            }
            for (Viewer viewer : viewers.values()) {
                VisualDecoder d = viewer.decoder;
                out.printf(
                        Locale.ROOT,
                        "%s: %d pictures written to %s; %d frames complete, %d lost, %d keyframes; %d keyframe requests;"
                                + " whole again after a loss %d times, at most %d ms after it showed; %d packets"
                                + " rejected%s%n",
                        viewer.peer,
                        viewer.written,
                        directory,
                        d.framesComplete(),
                        d.framesLost(),
                        d.keyframesComplete(),
                        viewer.requests,
                        viewer.recoveries,
                        TimeUnit.NANOSECONDS.toMillis(viewer.recoveryMaxNs),
                        d.rejectedTotal(),
                        d.rejectedTotal() > 0 ? " (" + d.lastProblem() + ")" : "");
            }
            return ExitCode.OK;
        }
    }

    private static String safe(String peer) {
        return peer.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asText()));
        return names;
    }

    static int[] size(String text) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("([0-9]{1,4})x([0-9]{1,4})").matcher(text);
        if (!m.matches() || Picture.sizeProblem(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) != null) {
            throw new ElaraUserException(
                    ExitCode.USAGE,
                    "--size: '" + text + "' is not WIDTHxHEIGHT of 1 to " + Picture.SIDE_MAX + " a side");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static long duration(String text, String option) {
        try {
            return SimDurations.parseNs(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ElaraUserException(
                    ExitCode.USAGE, option + ": '" + text + "' is not a duration (write e.g. 500ms, 30s or 2m)", e);
        }
    }
}
