package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ExitCode;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara status}: what a running node is doing. */
@Command(
        name = "status",
        description = "Show a running node's peers, sessions, traffic and rejected input.",
        footer = {"", "Example:", "  elara status -c bob.yaml --json"})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print the status as one JSON object")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        NodeConfig nodeConfig = config.load();
        JsonNode answer;
        try (ControlClient client = config.connect(nodeConfig)) {
            client.send(Map.of("op", "status"));
            answer = ConfigOption.expectOk(client.next());
        }
        JsonNode status = answer.path("status");
        if (json) {
            out.println(status);
            return ExitCode.OK;
        }
        out.println(status.path("name").asText() + "  " + status.path("id").asText());
        out.println("listening on " + status.path("listen").asText());
        if (!status.path("reflexive").isEmpty()) {
            java.util.List<String> mapped = new java.util.ArrayList<>();
            status.path("reflexive").forEach(address -> mapped.add(address.asText()));
            out.println("seen from outside at " + String.join(", ", mapped) + " (STUN)");
        }
        if (status.path("relayed").isTextual()) {
            String relayed = status.path("relayed").asText();
            out.println(
                    relayed.startsWith("none: ")
                            ? "no relay: " + relayed.substring("none: ".length())
                            : "relayed at " + relayed + " (TURN)");
        }
        JsonNode media = status.path("media");
        out.println("media: " + media.path("level").asText("full")
                + (media.path("rung").asInt() > 0 ? " (" + media.path("reason").asText() + ")" : ""));
        out.println("peers:" + (status.path("peers").isEmpty() ? " none" : ""));
        for (JsonNode peer : status.path("peers")) {
            double rtt = peer.path("rttMs").asDouble();
            long heard = peer.path("lastHeardMsAgo").asLong();
            out.printf(
                    java.util.Locale.ROOT,
                    "  %-16s %-22s rtt %s  mtu %s  heard %s  queued %d  sent %d (%d again)  received %d  secure %s%s%s%s%s%s%n",
                    peer.path("name").asText(),
                    peer.path("address").asText(),
                    rtt < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f ms", rtt),
                    peer.path("pathMtu").isNumber() ? peer.path("pathMtu").asText() : "-",
                    heard < 0 ? "never" : heard + " ms ago",
                    peer.path("queued").asInt(),
                    peer.path("transmissions").asLong(),
                    peer.path("retransmissions").asLong(),
                    peer.path("eventsReceived").asLong(),
                    peer.path("secure").asText(),
                    peer.path("path").isTextual() && !peer.path("path").asText().equals("direct")
                            ? "  path " + peer.path("path").asText()
                            : "",
                    peer.path("clockOffsetMs").isNumber()
                            ? String.format(
                                    java.util.Locale.ROOT,
                                    "  clock %+.1f ms",
                                    peer.path("clockOffsetMs").asDouble())
                            : "",
                    peer.path("migrations").asLong() > 0
                            ? "  moved " + peer.path("migrations").asLong() + "x"
                            : "",
                    mediaPart(peer),
                    peer.path("nodeId").isTextual() ? "  " + peer.path("nodeId").asText() : "");
        }
        out.println("sessions:");
        for (JsonNode session : status.path("sessions")) {
            out.printf(
                    java.util.Locale.ROOT,
                    "  %-16s %d members  %d messages%n",
                    session.path("name").asText(),
                    session.path("members").asInt(),
                    session.path("messages").asLong());
        }
        JsonNode c = status.path("counters");
        out.printf(
                java.util.Locale.ROOT,
                "traffic: %d datagrams in (%d bytes), %d out (%d bytes); %d events sent, %d delivered here%n",
                c.path("datagramsIn").asLong(),
                c.path("bytesIn").asLong(),
                c.path("datagramsOut").asLong(),
                c.path("bytesOut").asLong(),
                c.path("eventsSent").asLong(),
                c.path("eventsDelivered").asLong());
        long forwarded = c.path("eventsForwarded").asLong();
        long relayed = c.path("eventsRelayed").asLong();
        long retired = c.path("peersRetired").asLong();
        if (forwarded + relayed + retired > 0) {
            out.printf(
                    java.util.Locale.ROOT,
                    "sessions: %d events passed on to overlay neighbours (%d skipped, lane full), %d sent by"
                            + " anti-entropy, %d member peers retired%n",
                    forwarded,
                    c.path("forwardsSkipped").asLong(),
                    relayed,
                    retired);
        }
        JsonNode security = status.path("security");
        if (security.path("enabled").asBoolean()) {
            out.printf(
                    java.util.Locale.ROOT,
                    "security: %d sessions, %d handshakes pending, %d completed%s; %d event batches signed, "
                            + "%d signatures checked%n",
                    security.path("sessions").asInt(),
                    security.path("pendingHandshakes").asInt(),
                    security.path("handshakesCompleted").asLong(),
                    security.path("underLoad").asBoolean() ? ", under load (cookies required)" : "",
                    security.path("batchesSigned").asLong(),
                    security.path("signatureChecks").asLong());
        }
        JsonNode flows = status.path("flows");
        if (!flows.isMissingNode()) {
            out.printf(
                    java.util.Locale.ROOT,
                    "flows: %d configured; %d events in, %d messages out, %d dead letters (%s), %d dropped at input%n",
                    flows.path("flows").asInt(),
                    flows.path("entered").asLong(),
                    flows.path("completed").asLong(),
                    flows.path("deadLetters").asLong(),
                    flows.path("deadLetterFile").asText(),
                    flows.path("inputDropped").asLong());
        }
        StringBuilder rejects = new StringBuilder("rejected:");
        Iterator<Map.Entry<String, JsonNode>> fields =
                status.path("rejects").properties().iterator();
        if (!fields.hasNext()) {
            rejects.append(" none");
        }
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            rejects.append(' ')
                    .append(field.getKey())
                    .append('=')
                    .append(field.getValue().asLong());
        }
        out.println(rejects);
        return ExitCode.OK;
    }

    /** A peer's media: its degradation level when below full, and the loss and rate it last reported. */
    static String mediaPart(JsonNode peer) {
        String level = peer.path("degradation").asText("full");
        double loss = peer.path("mediaLossPercent").asDouble(-1);
        double kbps = peer.path("mediaReceivedKbps").asDouble(-1);
        if (level.equals("full") && kbps < 0) {
            return "";
        }
        StringBuilder part = new StringBuilder("  media ").append(level);
        if (kbps >= 0) {
            part.append(String.format(java.util.Locale.ROOT, ", %.0f kbit/s received", kbps));
        }
        if (loss >= 0) {
            part.append(String.format(java.util.Locale.ROOT, ", %.1f%% lost", loss));
        }
        return part.toString();
    }
}
