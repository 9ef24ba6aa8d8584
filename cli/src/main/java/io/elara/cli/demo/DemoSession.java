package io.elara.cli.demo;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.DeliveredEvent;
import io.elara.node.EventListener;
import io.elara.node.Node;
import io.elara.node.NodeProxy;
import io.elara.node.NodeStartException;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.NodeConfig;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Three real nodes on loopback UDP in one session: "you", and two bots that answer what you say. Each node has its own
 * socket, thread and identity; they find each other through peers added at run time, since their ports are only known
 * once bound.
 */
public final class DemoSession implements AutoCloseable {
    public static final String SESSION = "demo";
    public static final String YOU = "you";
    public static final String ECHO = "echo";
    public static final String COUNTER = "counter";

    private final List<Node> nodes;
    private final LinkedBlockingQueue<DeliveredEvent> atYou = new LinkedBlockingQueue<>();

    private DemoSession(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Starts the three nodes and wires them into one session; on failure, stops whatever started. */
    public static DemoSession start() throws NodeStartException, ConfigException {
        List<Node> started = new ArrayList<>();
        boolean ok = false;
        try {
            for (String name : List.of(YOU, ECHO, COUNTER)) {
                NodeConfig config =
                        NodeConfig.builder(name).bind("127.0.0.1", 0).build();
                started.add(Node.start(config, Identity.generate(new SecureRandom()), Node.Options.embedded()));
            }
            DemoSession session = new DemoSession(started);
            session.wire();
            ok = true;
            return session;
        } finally {
            if (!ok) {
                started.forEach(Node::close);
            }
        }
    }

    private void wire() throws NodeStartException {
        try {
            for (Node node : nodes) {
                List<String> others = new ArrayList<>();
                for (Node other : nodes) {
                    if (other != node) {
                        node.proxy().addPeer(other.name(), other.localAddress()).get(5, TimeUnit.SECONDS);
                        others.add(other.name());
                    }
                }
                node.proxy().addSession(SESSION, others).get(5, TimeUnit.SECONDS);
            }
            NodeId you = node(YOU).id();
            subscribe(node(ECHO), new Bot(node(ECHO).proxy(), you, (count, text) -> "You said: " + text));
            subscribe(node(COUNTER), new Bot(node(COUNTER).proxy(), you, DemoSession::countReply));
            subscribe(node(YOU), atYou::offer);
        } catch (ExecutionException | TimeoutException e) {
            throw new NodeStartException("the demo nodes could not be wired together: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeStartException("interrupted while starting the demo", e);
        }
    }

    private static void subscribe(Node node, EventListener listener)
            throws ExecutionException, InterruptedException, TimeoutException {
        node.proxy().subscribe(listener, 0).get(5, TimeUnit.SECONDS);
    }

    static String countReply(int count, String text) {
        String trimmed = text.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        return String.format(
                Locale.ROOT,
                "That was message %d from you: %d word%s, %d character%s.",
                count,
                words,
                words == 1 ? "" : "s",
                text.codePointCount(0, text.length()),
                text.codePointCount(0, text.length()) == 1 ? "" : "s");
    }

    public Node node(String name) {
        for (Node node : nodes) {
            if (node.name().equals(name)) {
                return node;
            }
        }
        throw new IllegalArgumentException("no demo node named " + name);
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** Says {@code text} as "you", to the whole session. */
    public CompletableFuture<SendResult> say(String text) {
        return node(YOU).proxy().sendText(SendTarget.session(SESSION), text);
    }

    /** The next event delivered at "you" (its own messages included), or null after {@code timeoutMs}. */
    public DeliveredEvent next(long timeoutMs) throws InterruptedException {
        return atYou.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        nodes.forEach(Node::close);
    }

    /** Answers every message "you" says in the session; runs on its node's loop thread, so it only queues replies. */
    private static final class Bot implements EventListener {
        private final NodeProxy proxy;
        private final NodeId you;
        private final Reply reply;
        private int heard;

        Bot(NodeProxy proxy, NodeId you, Reply reply) {
            this.proxy = proxy;
            this.you = you;
            this.reply = reply;
        }

        @Override
        public void onEvent(DeliveredEvent delivered) {
            if (delivered.local()
                    || !delivered.session().equals(SESSION)
                    || !delivered.event().author().equals(you)) {
                return;
            }
            heard++;
            // The answer's outcome shows at "you": a reply that never arrives fails the demo there.
            proxy.offer(new NodeProxy.SendText(
                    SendTarget.session(SESSION),
                    reply.to(heard, delivered.event().text()),
                    new CompletableFuture<>()));
        }
    }

    @FunctionalInterface
    private interface Reply {
        String to(int count, String text);
    }
}
