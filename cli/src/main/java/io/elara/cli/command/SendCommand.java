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
        List<String> messages = messages();
        NodeConfig nodeConfig = config.load();
        SendTarget sendTarget = target.peer != null ? SendTarget.peer(target.peer) : SendTarget.session(target.session);
        DataDirectory data = DataDirectory.of(nodeConfig);
        ControlClient first;
        try {
            first = ControlClient.connect(data.controlSocket());
        } catch (ControlClient.NotRunningException e) {
            return sendFromTemporaryNode(nodeConfig, sendTarget, messages);
        }
        first.close();
        return sendThroughRunningNode(data, messages);
    }

    private List<String> messages() throws IOException {
        if (words != null && !words.isEmpty()) {
            return List.of(String.join(" ", words));
        }
        if (Terminals.interactive()) {
            throw new ElaraUserException(ExitCode.USAGE, "nothing to send: give the text as arguments or on stdin");
        }
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            throw new ElaraUserException(ExitCode.USAGE, "nothing to send: stdin was empty");
        }
        return lines;
    }

    /** Bytes of texts per control request at most, well inside the control socket's request limit. */
    private static final int TEXTS_PER_REQUEST_BYTES = 32 * 1024;

    private int sendThroughRunningNode(DataDirectory data, List<String> messages) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int unacknowledged = 0;
        int refused = 0;
        int line = 1;
        int from = 0;
        while (from < messages.size()) {
            // Many lines travel in one request: the node queues them in order and answers each as it completes, so
            // a long file costs the time of its slowest acknowledgements, not one round trip and commit per line.
            int to = from;
            int bytes = 0;
            while (to < messages.size()
                    && (to == from || bytes + messages.get(to).length() * 3 < TEXTS_PER_REQUEST_BYTES)) {
                bytes += messages.get(to).length() * 3 + 4;
                to++;
            }
            List<String> texts = messages.subList(from, to);
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
            try (ControlClient client = ControlClient.connect(data.controlSocket())) {
                client.send(request);
                for (int i = 0; i < texts.size(); i++) {
                    JsonNode reply = client.next();
                    if (reply == null) {
                        throw new ElaraUserException(
                                ExitCode.FAILURE, "the node closed the connection before answering");
                    }
                    if (json) {
                        out.println(reply);
                    }
                    if (!reply.path("ok").asBoolean()) {
                        String why = failure(reply);
                        if (messages.size() == 1) {
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
            from = to;
        }
        if (refused > 0) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    refused + " of " + messages.size() + " messages were refused (see the lines above)"
                            + (unacknowledged > 0
                                    ? "; " + unacknowledged + " were not acknowledged in time and stay queued"
                                    : ""));
        }
        if (unacknowledged > 0) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    unacknowledged + " of " + messages.size()
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
