package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.terminal.Terminals;
import io.elara.crypto.identity.Identity;
import io.elara.node.Node;
import io.elara.node.NodeStartException;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import io.elara.node.control.ControlJson;
import io.elara.node.store.DataDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elara send}: one-shot text. Through the running node's control socket when there is one; otherwise from a
 * temporary node with the same identity on a free port. Exits 0 once every recipient acknowledged every message.
 */
@Command(
        name = "send",
        description = {
            "Send text to a peer or a session and wait for the acknowledgement.",
            "Uses the running node for this config if there is one, else a temporary node with the same identity.",
            "Without TEXT, sends each line of stdin as its own message, in order."
        },
        footer = {
            "",
            "Examples:",
            "  elara send -c alice.yaml --to bob 'hello bob'",
            "  elara send -c alice.yaml --session lobby 'hello everyone'",
            "  elara send -c alice.yaml --to bob --signal 'keyframe please'",
            "  printf 'one\\ntwo\\n' | elara send -c alice.yaml --to 127.0.0.1:7002"
        })
public final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Mixin
    PassphraseOptions passphrase;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--to", paramLabel = "PEER", description = "a configured peer's name, or ip:port")
        String peer;

        @Option(
                names = "--session",
                paramLabel = "NAME",
                description = "a session (configured, created or joined): every member")
        String session;
    }

    @Option(
            names = "--timeout-ms",
            defaultValue = "10000",
            description = "how long to wait for each acknowledgement (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--json", description = "print one JSON result per message")
    boolean json;

    @Option(
            names = "--signal",
            description = "send on the signal lane: at most 256 bytes, ahead of queued messages, not kept in history")
    boolean signal;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "the message (words are joined by spaces)")
    List<String> words;

    @Override
    public Integer call() throws Exception {
        boolean fromStdin = words == null || words.isEmpty();
        if (fromStdin && Terminals.interactive()) {
            throw new ElaraUserException(ExitCode.USAGE, "nothing to send: give the text as arguments or on stdin");
        }
        NodeConfig nodeConfig = config.load();
        SendTarget sendTarget = target.peer != null ? SendTarget.peer(target.peer) : SendTarget.session(target.session);
        DataDirectory data = DataDirectory.of(nodeConfig);
        ControlClient first;
        try {
            first = ControlClient.connect(data.controlSocket());
        } catch (ControlClient.NotRunningException e) {
            List<String> messages = fromStdin ? StdinLines.start().readAll() : List.of(String.join(" ", words));
            if (messages.isEmpty()) {
                throw new ElaraUserException(ExitCode.USAGE, "nothing to send: stdin was empty");
            }
            return sendFromTemporaryNode(nodeConfig, sendTarget, messages);
        }
        first.close();
        // Through the running node, stdin goes as it comes: a line that arrives while earlier ones wait for their
        // acknowledgements goes in the next request, so 'tail -f LOG | elara send' sends each line when it is written,
        // and a file's lines still travel many to a request.
        StdinLines lines = fromStdin ? StdinLines.start() : null;
        Batches batches = fromStdin ? () -> lines.nextBatch(TEXTS_PER_REQUEST_BYTES) : once(String.join(" ", words));
        return sendThroughRunningNode(data, batches, !fromStdin);
    }

    /** The next texts to send in one request, or null when there are no more. */
    @FunctionalInterface
    interface Batches {
        List<String> next() throws IOException;
    }

    private static Batches once(String text) {
        boolean[] taken = {false};
        return () -> {
            if (taken[0]) {
                return null;
            }
            taken[0] = true;
            return List.of(text);
        };
    }

    /**
     * The non-empty lines of stdin, read by a thread of their own as they come, so that what has arrived can be sent
     * while the next line is still being written.
     */
    static final class StdinLines {
        /** A line of stdin; one with no text marks its end. */
        private record Item(String text) {}

        private static final Item END = new Item(null);
        private final java.util.concurrent.BlockingQueue<Item> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private volatile IOException failure;
        private boolean ended;

        static StdinLines start() {
            StdinLines lines = new StdinLines();
            Thread reader = new Thread(lines::read, "elara-send-stdin");
            reader.setDaemon(true);
            reader.start();
            return lines;
        }

        private void read() {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isEmpty()) {
                        queue.add(new Item(line));
                    }
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                queue.add(END);
            }
        }

        /**
         * Waits for the next line, then takes every line already there while their bytes (at most three a character)
         * stay under {@code bytesMax}; null at the end of stdin.
         */
        List<String> nextBatch(int bytesMax) throws IOException {
            if (ended) {
                return null;
            }
            List<String> batch = new ArrayList<>();
            int bytes = 0;
            try {
                Item item = queue.take();
                while (item.text() != null) {
                    batch.add(item.text());
                    bytes += item.text().length() * 3 + 4;
                    Item next = queue.peek();
                    if (next == null
                            || (next.text() != null && bytes + next.text().length() * 3 >= bytesMax)) {
                        break;
                    }
                    item = queue.take();
                }
                if (item.text() == null) {
                    ended = true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading stdin", e);
            }
            if (ended && failure != null) {
                throw failure;
            }
            return batch.isEmpty() ? null : batch;
        }

        /** Every line until the end of stdin. */
        List<String> readAll() throws IOException {
            List<String> all = new ArrayList<>();
            List<String> batch;
            while ((batch = nextBatch(Integer.MAX_VALUE)) != null) {
                all.addAll(batch);
            }
            return all;
        }
    }

    /** Bytes of texts per control request at most, well inside the control socket's request limit. */
    private static final int TEXTS_PER_REQUEST_BYTES = 32 * 1024;

    private int sendThroughRunningNode(DataDirectory data, Batches batches, boolean single) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int unacknowledged = 0;
        int refused = 0;
        int line = 1;
        int sent = 0;
        List<String> texts;
        while ((texts = batches.next()) != null) {
            // Many lines travel in one request: the node queues them in order and answers each as it completes, so
            // a long file costs the time of its slowest acknowledgements, not one round trip and commit per line.
            sent += texts.size();
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("op", "send");
            if (target.peer != null) {
                request.put("to", target.peer);
            } else {
                request.put("session", target.session);
            }
            request.put("texts", texts);
            if (signal) {
                request.put("kind", "signal");
            }
            request.put("timeoutMs", timeoutMs);
            ControlClient connected;
            try {
                connected = ControlClient.connect(data.controlSocket());
            } catch (ControlClient.NotRunningException e) {
                // The node stopped while stdin was still coming: what was answered stands, the rest is named.
                out.flush();
                throw new ElaraUserException(
                        ExitCode.FAILURE,
                        "the node stopped: line " + line + " and after were not sent (" + e.getMessage() + ")");
            }
            try (ControlClient client = connected) {
                client.send(request);
                for (int i = 0; i < texts.size(); i++) {
                    JsonNode reply = client.next();
                    if (reply == null) {
                        out.flush();
                        throw new ElaraUserException(
                                ExitCode.FAILURE,
                                "the node closed the connection before answering line " + line
                                        + " (it may have stopped); that line and the rest of its request may not have"
                                        + " gone");
                    }
                    if (json) {
                        out.println(reply);
                    }
                    if (!reply.path("ok").asBoolean()) {
                        String why = failure(reply);
                        if (single) {
                            out.flush();
                            throw new ElaraUserException(ExitCode.FAILURE, why);
                        }
                        // Every line is tried and answered on its own: one not acknowledged in time stays queued in
                        // the running node (its lane and its mailbox); one refused is named, and the rest still go.
                        if (why.startsWith(NOT_YET)) {
                            unacknowledged++;
                        } else {
                            refused++;
                        }
                        spec.commandLine().getErr().println("elara: line " + line + ": " + why);
                    } else if (!json) {
                        out.println("acknowledged by " + String.join(", ", texts(reply.path("acknowledgedBy"))));
                    }
                    line++;
                }
            }
            out.flush();
        }
        if (sent == 0) {
            throw new ElaraUserException(ExitCode.USAGE, "nothing to send: stdin was empty");
        }
        if (refused > 0) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    refused + " of " + sent + " messages were refused (see the lines above)"
                            + (unacknowledged > 0
                                    ? "; " + unacknowledged + " were not acknowledged in time and stay queued"
                                    : ""));
        }
        if (unacknowledged > 0) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    unacknowledged + " of " + sent
                            + " messages were not acknowledged in time; the node keeps"
                            + " them and sends them when the recipients are back");
        }
        return ExitCode.OK;
    }

    /** How the node says a message is queued but was not acknowledged within the timeout. */
    private static final String NOT_YET = "not acknowledged by ";

    private int sendFromTemporaryNode(NodeConfig nodeConfig, SendTarget sendTarget, List<String> messages)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Identity identity =
                ConfigOption.identity(nodeConfig, passphrase, spec.commandLine().getErr());
        NodeConfig temporary =
                nodeConfig.withBind(new InetSocketAddress(nodeConfig.bind().getAddress(), 0));
        Node node;
        try {
            node = Node.start(temporary, identity, Node.Options.embedded());
        } catch (NodeStartException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
        try {
            // Queued together, they travel in order on the reliable lane; each is awaited in turn.
            List<CompletableFuture<SendResult>> results = new ArrayList<>();
            for (String message : messages) {
                results.add(
                        signal
                                ? node.proxy().sendSignal(sendTarget, message)
                                : node.proxy().sendText(sendTarget, message));
            }
            for (CompletableFuture<SendResult> pending : results) {
                SendResult result;
                try {
                    result = pending.get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw new ElaraUserException(ExitCode.FAILURE, e.getCause().getMessage(), e.getCause());
                } catch (TimeoutException e) {
                    throw new ElaraUserException(
                            ExitCode.FAILURE, "not acknowledged by " + sendTarget + " within " + timeoutMs + " ms", e);
                }
                if (json) {
                    out.println(ControlJson.MAPPER.writeValueAsString(ControlJson.sendResult(result)));
                }
                if (!result.allAcknowledged()) {
                    throw new ElaraUserException(
                            ExitCode.FAILURE,
                            String.join("; ", result.failures().values()));
                }
                if (!json) {
                    out.println("acknowledged by " + String.join(", ", result.acknowledgedBy()));
                }
            }
            return ExitCode.OK;
        } finally {
            node.close();
        }
    }

    private static String failure(JsonNode reply) {
        if (reply.hasNonNull("error")) {
            return reply.path("error").asText();
        }
        List<String> reasons = new ArrayList<>();
        reply.path("failures")
                .properties()
                .forEach(entry -> reasons.add(entry.getValue().asText()));
        String why = String.join("; ", reasons);
        List<String> reached = texts(reply.path("acknowledgedBy"));
        if (reply.path("failures").has("this node") && !reached.isEmpty()) {
            // The event left before this node's own write failed: the recipients have it. Sending it again would
            // show it to them twice.
            return why + " (not kept on this node, but " + String.join(", ", reached)
                    + " stored it; do not send it again)";
        }
        return why;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
