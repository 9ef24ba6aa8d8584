package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elara live start|watch}: one broadcaster, many viewers. The broadcaster sends its pictures to at most
 * {@code --fanout} viewers itself; past that, viewers relay to viewers, in a tree the broadcaster plans (breadth
 * first, {@code --fanout} children each) and tells each viewer its part of by a signal: {@code live STREAM PARENT
 * CHILD,CHILD} ({@code -} for none). Viewers ask the broadcaster for keyframes; a late joiner starts at the keyframe
 * its first delta makes it ask for.
 */
@Command(
        name = "live",
        description = "Broadcast pictures to every member of a session (a relay tree past --fanout viewers), or watch"
                + " a broadcast and relay it on.",
        subcommands = {LiveCommand.Start.class, LiveCommand.Watch.class})
public final class LiveCommand {
    private LiveCommand() {}

    /** The stream a broadcast goes on unless told otherwise. */
    static final int STREAM_DEFAULT = 3;

    /** The signal that tells a viewer its place in the tree: this word, the stream, the parent, the children. */
    static final String PLAN = "live";

    /** How often the broadcaster looks at who is connected. */
    static final long PLAN_INTERVAL_MS = 1_000;

    /** Every this many rounds, every viewer is told its place again. */
    static final int RETELL_ROUNDS = 3;

    /**
     * The tree over {@code viewers} (in this order): the first {@code fanout} hang off the broadcaster, then each
     * viewer in turn takes the next {@code fanout}. Returns, per viewer, its parent ({@code broadcaster} or a viewer)
     * and its children.
     */
    static Map<String, List<String>> tree(String broadcaster, List<String> viewers, int fanout) {
        Map<String, List<String>> children = new LinkedHashMap<>();
        children.put(broadcaster, new ArrayList<>());
        List<String> parents = new ArrayList<>(List.of(broadcaster));
        int parent = 0;
        for (String viewer : viewers) {
            while (children.get(parents.get(parent)).size() >= fanout) {
                parent++;
            }
            children.get(parents.get(parent)).add(viewer);
            children.put(viewer, new ArrayList<>());
            parents.add(viewer);
        }
        return children;
    }

    /** {@code elara live start SESSION (FILE|DIR|--pattern)}. */
    @Command(
            name = "start",
            description = {
                "Broadcast pictures (as elara visual send) to every connected member of SESSION: directly to at most"
                        + " --fanout of them, through them to the rest. Viewers run elara live watch.",
                "The tree is planned again once a second as members come and go."
            },
            footer = {"", "Examples:", "  elara live start team --pattern --seconds 60 --fanout 4 -c alice.yaml"})
    public static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "the session to broadcast to")
        String session;

        @Parameters(
                index = "1",
                arity = "0..1",
                paramLabel = "FILE|DIR",
                description = "an image, or a directory of them")
        Path source;

        @Option(names = "--pattern", description = "broadcast a moving test pattern instead of images")
        boolean pattern;

        @Option(
                names = "--fps",
                paramLabel = "RATE",
                defaultValue = "10",
                description = "frames per second (default: ${DEFAULT-VALUE})")
        double fps;

        @Option(
                names = "--seconds",
                paramLabel = "S",
                defaultValue = "60",
                description = "how long (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(
                names = "--size",
                paramLabel = "WxH",
                defaultValue = "320x240",
                description = "the largest picture (default: ${DEFAULT-VALUE})")
        String size;

        @Option(
                names = "--fanout",
                paramLabel = "N",
                defaultValue = "4",
                description = "viewers each node sends to, 1 to 64; past that many viewers, viewers relay"
                        + " (default: ${DEFAULT-VALUE})")
        int fanout;

        @Option(
                names = "--stream",
                paramLabel = "N",
                defaultValue = "" + STREAM_DEFAULT,
                description = "the stream id (default: ${DEFAULT-VALUE})")
        int stream;

        @Override
        public Integer call() throws Exception {
            if (fanout < 1 || fanout > 64) {
                throw new ElaraUserException(ExitCode.USAGE, "--fanout is 1 to 64, not " + fanout);
            }
            NodeConfig nodeConfig = config.load();
            AtomicReference<List<String>> direct = new AtomicReference<>(List.of());
            String self = nodeConfig.name();
            Thread planner = new Thread(() -> plan(nodeConfig, self, direct), "elara-live-planner");
            planner.setDaemon(true);
            replan(nodeConfig, self, direct, new AtomicReference<>());
            planner.start();
            VisualCommand.Send send = new VisualCommand.Send();
            send.spec = spec;
            send.config = config;
            send.session = session;
            send.source = source;
            send.pattern = pattern;
            send.fps = fps;
            send.seconds = seconds;
            send.size = size;
            send.keyframeEvery = "5s";
            send.stream = stream;
            send.plan = direct::get;
            try {
                return send.call();
            } finally {
                planner.interrupt();
            }
        }

        private void plan(NodeConfig nodeConfig, String self, AtomicReference<List<String>> direct) {
            AtomicReference<Map<String, List<String>>> told = new AtomicReference<>();
            for (long round = 1; !Thread.currentThread().isInterrupted(); round++) {
                try {
                    Thread.sleep(PLAN_INTERVAL_MS);
                    if (round % RETELL_ROUNDS == 0) {
                        told.set(null); // every viewer again: one that started watching late missed its signal
                    }
                    replan(nodeConfig, self, direct, told);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    // the node is busy or going away: the next round tries again
                }
            }
        }

        /** Reads who is connected, and tells each viewer whose place in the tree changed. */
        private void replan(
                NodeConfig nodeConfig,
                String self,
                AtomicReference<List<String>> direct,
                AtomicReference<Map<String, List<String>>> told)
                throws IOException {
            List<String> viewers = new ArrayList<>(connected(nodeConfig));
            Map<String, List<String>> tree = tree(self, viewers, fanout);
            Map<String, List<String>> before = told.get() == null ? Map.of() : told.get();
            for (String viewer : viewers) {
                String parent = parentOf(tree, viewer);
                if (Objects.equals(parent, parentOf(before, viewer))
                        && Objects.equals(tree.get(viewer), before.get(viewer))) {
                    continue;
                }
                List<String> children = tree.get(viewer);
                String text = PLAN + " " + stream + " " + parent + " "
                        + (children.isEmpty() ? "-" : String.join(",", children));
                try (ControlClient client = config.connect(nodeConfig)) {
                    Map<String, Object> signal = new LinkedHashMap<>();
                    signal.put("op", "send");
                    signal.put("to", viewer);
                    signal.put("kind", "signal");
                    signal.put("text", text);
                    client.send(signal);
                    client.next();
                }
            }
            told.set(tree);
            direct.set(List.copyOf(tree.get(self)));
        }

        private static String parentOf(Map<String, List<String>> tree, String viewer) {
            for (Map.Entry<String, List<String>> entry : tree.entrySet()) {
                if (entry.getValue().contains(viewer)) {
                    return entry.getKey();
                }
            }
            return null;
        }

        /** The members of the session connected now, by name. */
        private List<String> connected(NodeConfig nodeConfig) throws IOException {
            try (ControlClient client = config.connect(nodeConfig)) {
                client.send(Map.of("op", "session", "action", "list"));
                JsonNode answer = ConfigOption.expectOk(client.next());
                TreeSet<String> names = new TreeSet<>();
                for (JsonNode s : answer.path("sessions")) {
                    if (s.path("name").asText().equals(session)) {
                        for (JsonNode member : s.path("members")) {
                            if (!member.path("self").asBoolean()
                                    && member.path("connected").asBoolean()) {
                                names.add(member.path("name").asText());
                            }
                        }
                        return new ArrayList<>(names);
                    }
                }
                throw new ElaraUserException(ExitCode.FAILURE, "no session named '" + session + "'");
            }
        }
    }

    /** {@code elara live watch SESSION OUTDIR}. */
    @Command(
            name = "watch",
            description = {
                "Watch a broadcast: write its whole frames as PNG files in OUTDIR (as elara visual record), ask the"
                        + " broadcaster for a keyframe after a loss, and relay each packet to the viewers the"
                        + " broadcaster put under this node."
            },
            footer = {"", "Examples:", "  elara live watch team shots/ --duration 60s -c bob.yaml"})
    public static final class Watch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Parameters(index = "0", paramLabel = "SESSION", description = "the session to watch")
        String session;

        @Parameters(index = "1", paramLabel = "OUTDIR", description = "where the PNG files go")
        Path directory;

        @Option(
                names = "--duration",
                paramLabel = "TIME",
                defaultValue = "60s",
                description = "the longest watch (default: ${DEFAULT-VALUE})")
        String duration;

        @Option(
                names = "--idle",
                paramLabel = "TIME",
                defaultValue = "5s",
                description = "stop once nothing arrived for this long (default: ${DEFAULT-VALUE})")
        String idle;

        @Option(
                names = "--wait",
                paramLabel = "TIME",
                defaultValue = "60s",
                description = "give up when nothing arrives within this long (default: ${DEFAULT-VALUE})")
        String wait;

        @Option(
                names = "--stream",
                paramLabel = "N",
                defaultValue = "" + STREAM_DEFAULT,
                description = "the stream id (default: ${DEFAULT-VALUE})")
        int stream;

        /** The relay: the children the broadcaster named, and a media-send connection to them. */
        private final class Relay {
            private final NodeConfig nodeConfig;
            private List<String> children = List.of();
            private ControlClient client;
            private final Base64.Encoder base64 = Base64.getEncoder();
            long relayed;

            Relay(NodeConfig nodeConfig) {
                this.nodeConfig = nodeConfig;
            }

            synchronized void children(List<String> now) {
                if (now.equals(children)) {
                    return;
                }
                children = now;
                closeConnection();
                if (!now.isEmpty()) {
                    try {
                        ControlClient opened = config.connect(nodeConfig);
                        Map<String, Object> request = new LinkedHashMap<>();
                        request.put("op", "media-send");
                        request.put("session", session);
                        request.put("stream", stream);
                        request.put("budgetMs", 500);
                        request.put("class", "enhancement");
                        request.put("to", now);
                        opened.send(request);
                        ConfigOption.expectOk(opened.next());
                        client = opened;
                        // Its level lines and final answer are not read: a relay passes on, the broadcaster adapts.
                    } catch (IOException | RuntimeException e) {
                        client = null;
                    }
                }
            }

            synchronized void forward(byte[] payload) {
                if (client == null) {
                    return;
                }
                try {
                    client.send(Map.of("payload", base64.encodeToString(payload)));
                    relayed++;
                } catch (IOException e) {
                    closeConnection();
                }
            }

            synchronized void closeConnection() {
                if (client != null) {
                    try {
                        client.send(Map.of("end", true));
                        client.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                    client = null;
                }
            }
        }

        @Override
        public Integer call() throws Exception {
            NodeConfig nodeConfig = config.load();
            AtomicReference<String> broadcaster = new AtomicReference<>();
            Relay relay = new Relay(nodeConfig);
            try (ControlClient tail = config.connect(nodeConfig)) {
                tail.send(Map.of("op", "tail", "backlog", 0));
                ConfigOption.expectOk(tail.next());
                String prefix = PLAN + " " + stream + " ";
                Thread plans = new Thread(
                        () -> {
                            try {
                                JsonNode line;
                                while ((line = tail.next()) != null) {
                                    String text = line.path("text").asText();
                                    if ("signal".equals(line.path("type").asText())
                                            && !line.path("local").asBoolean()
                                            && text.startsWith(prefix)) {
                                        String[] f =
                                                text.substring(prefix.length()).split(" ", -1);
                                        if (f.length == 2) {
                                            broadcaster.set(
                                                    line.path("authorName").asText());
                                            relay.children(f[1].equals("-") ? List.of() : List.of(f[1].split(",", -1)));
                                        }
                                    }
                                }
                            } catch (IOException e) {
                                // the watch is over
                            }
                        },
                        "elara-live-plans");
                plans.setDaemon(true);
                plans.start();
                VisualCommand.RecordVisual record = new VisualCommand.RecordVisual();
                record.spec = spec;
                record.config = config;
                record.session = session;
                record.directory = directory;
                record.duration = duration;
                record.idle = idle;
                record.wait = wait;
                record.stream = stream;
                record.relay = relay::forward;
                record.requestTo = broadcaster::get;
                int exit = record.call();
                relay.closeConnection();
                spec.commandLine().getOut().println("relayed " + relay.relayed + " packets to " + relay.children);
                return exit;
            }
        }
    }
}
