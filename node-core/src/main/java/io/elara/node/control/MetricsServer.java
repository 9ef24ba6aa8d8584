package io.elara.node.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.elara.node.NodeProxy;
import io.elara.node.NodeStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node's metrics over HTTP ({@code metrics.listen}): {@code GET /metrics} in the Prometheus text format
 * (version 0.0.4) and {@code GET /health}. Both ask the node's loop for a status snapshot through its proxy, so they
 * read the same figures as {@code elara status}; a loop that does not answer within 2 s makes {@code /health} a 503.
 * The JDK's HTTP server, on one thread of its own: nothing here touches node state directly.
 */
@SuppressForbidden(reason = "com.sun.net.httpserver is the JDK's supported HTTP server (module jdk.httpserver)")
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    /** How long a scrape waits for the node's loop. */
    static final long STATUS_WAIT_MS = 2_000;

    private final HttpServer server;
    private final ExecutorService worker;

    private MetricsServer(HttpServer server, ExecutorService worker) {
        this.server = server;
        this.worker = worker;
    }

    /**
     * Serves {@code proxy}'s node on {@code address}.
     *
     * @throws IOException with a one-line message when the address cannot be bound
     */
    public static MetricsServer start(InetSocketAddress address, NodeProxy proxy) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException(
                    "cannot serve metrics on " + address.getAddress().getHostAddress() + ":" + address.getPort() + ": "
                            + e.getMessage(),
                    e);
        }
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "elara-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(worker);
        server.createContext("/metrics", exchange -> answer(exchange, proxy, true));
        server.createContext("/health", exchange -> answer(exchange, proxy, false));
        server.start();
        return new MetricsServer(server, worker);
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, NodeProxy proxy, boolean metrics) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain", "only GET\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(metrics ? "/metrics" : "/health")) {
                send(exchange, 404, "text/plain", "not found: try /metrics or /health\n");
                return;
            }
            NodeStatus status;
            try {
                status = proxy.status().get(STATUS_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                send(
                        exchange,
                        503,
                        "application/json",
                        "{\"status\":\"unavailable\",\"reason\":\"the node's loop did not answer within "
                                + STATUS_WAIT_MS + " ms\"}\n");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (metrics) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", exposition(status));
            } else {
                send(
                        exchange,
                        200,
                        "application/json",
                        "{\"status\":\"ok\",\"name\":" + ControlJson.MAPPER.writeValueAsString(status.name())
                                + ",\"peers\":" + status.peers().size() + ",\"sessions\":"
                                + status.sessions().size() + "}\n");
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("a metrics request failed: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The status as Prometheus text: counters end in {@code _total}, every family has HELP and TYPE. */
    static String exposition(NodeStatus status) {
        Text out = new Text();
        NodeStatus.Counters c = status.counters();
        out.family("elara_datagrams_total", "counter", "UDP datagrams, by direction.");
        out.sample("elara_datagrams_total", "direction", "in", c.datagramsIn());
        out.sample("elara_datagrams_total", "direction", "out", c.datagramsOut());
        out.family("elara_bytes_total", "counter", "UDP payload bytes, by direction.");
        out.sample("elara_bytes_total", "direction", "in", c.bytesIn());
        out.sample("elara_bytes_total", "direction", "out", c.bytesOut());
        out.family("elara_traffic_datagrams_total", "counter", "UDP datagrams, by kind and direction.");
        for (NodeStatus.KindTraffic kind : status.traffic()) {
            out.sample("elara_traffic_datagrams_total", "kind", kind.kind(), "direction", "in", kind.datagramsIn());
            out.sample("elara_traffic_datagrams_total", "kind", kind.kind(), "direction", "out", kind.datagramsOut());
        }
        out.family("elara_traffic_bytes_total", "counter", "UDP payload bytes, by kind and direction.");
        for (NodeStatus.KindTraffic kind : status.traffic()) {
            out.sample("elara_traffic_bytes_total", "kind", kind.kind(), "direction", "in", kind.bytesIn());
            out.sample("elara_traffic_bytes_total", "kind", kind.kind(), "direction", "out", kind.bytesOut());
        }
        out.family("elara_events_total", "counter", "Events, by stage of the node's pipeline.");
        out.sample("elara_events_total", "stage", "sent", c.eventsSent());
        out.sample("elara_events_total", "stage", "delivered", c.eventsDelivered());
        out.sample("elara_events_total", "stage", "forwarded", c.eventsForwarded());
        out.sample("elara_events_total", "stage", "forward_skipped", c.forwardsSkipped());
        out.sample("elara_events_total", "stage", "relayed", c.eventsRelayed());
        out.family("elara_rejects_total", "counter", "Input dropped, by reason (see docs/PROTOCOL.md).");
        for (Map.Entry<String, Long> reject : status.rejects().entrySet()) {
            out.sample("elara_rejects_total", "reason", reject.getKey(), reject.getValue());
        }
        out.family("elara_stun_answered_total", "counter", "STUN requests answered on the node's port.");
        out.sample("elara_stun_answered_total", null, null, c.stunAnswered());
        out.family("elara_peers_retired_total", "counter", "Member peers forgotten because no session needed them.");
        out.sample("elara_peers_retired_total", null, null, c.peersRetired());
        if (c.mailboxDepth() >= 0) {
            out.family(
                    "elara_mailbox_entries",
                    "gauge",
                    "Outbound mailbox entries: own events a recipient has not reported stored (written after 2 s).");
            out.sample("elara_mailbox_entries", null, null, c.mailboxDepth());
        }
        out.family("elara_store_writes_pending", "gauge", "Writes queued for the database's writer thread.");
        out.sample("elara_store_writes_pending", null, null, c.storeWritesPending());
        out.family("elara_subscribers", "gauge", "Local subscribers to delivered events (tails, chats, flows).");
        out.sample("elara_subscribers", null, null, c.subscribers());
        NodeStatus.Security security = status.security();
        out.family("elara_secure_sessions", "gauge", "Secure sessions established.");
        out.sample("elara_secure_sessions", null, null, security.sessions());
        out.family("elara_handshakes_pending", "gauge", "Handshakes under way.");
        out.sample("elara_handshakes_pending", null, null, security.pendingHandshakes());
        out.family("elara_handshakes_total", "counter", "Handshakes completed.");
        out.sample("elara_handshakes_total", null, null, security.handshakesCompleted());
        out.family("elara_under_load", "gauge", "1 while new handshakes need a cookie (a flood), else 0.");
        out.sample("elara_under_load", null, null, security.underLoad() ? 1 : 0);
        out.family(
                "elara_degradation_level",
                "gauge",
                "The media degradation ladder's rung: 0 full, 1 reduced video, 2 keyframes only, 3 low voice, 4 text"
                        + " only (the worst of the links that carried media lately).");
        out.sample("elara_degradation_level", null, null, status.media().rung());
        out.family("elara_degradation_changes_total", "counter", "Times the node's degradation level changed.");
        out.sample("elara_degradation_changes_total", null, null, status.media().changes());
        out.family("elara_peers", "gauge", "Peers this node knows.");
        out.sample("elara_peers", null, null, status.peers().size());
        out.family("elara_peer_rtt_seconds", "gauge", "Smoothed round-trip time to each peer (absent until measured).");
        out.family(
                "elara_peer_rtt_variation_seconds",
                "gauge",
                "Round-trip time variation to each peer (RFC 6298 RTTVAR: jitter; absent until measured).");
        out.family("elara_peer_queued", "gauge", "Events waiting in each peer's lanes (send queue depth).");
        out.family("elara_peer_transmissions_total", "counter", "Datagrams of reliable frames sent to each peer.");
        out.family("elara_peer_retransmissions_total", "counter", "Of those, how many were sent again (loss).");
        out.family("elara_peer_connected", "gauge", "1 when the peer's secure session is up.");
        out.family("elara_peer_degradation_level", "gauge", "The degradation rung of the media sent to each peer.");
        out.family(
                "elara_peer_media_loss_ratio",
                "gauge",
                "The share of media each peer reported lost over its last interval (absent without a report).");
        out.family("elara_peer_relayed", "gauge", "1 when datagrams to the peer go through a TURN relay.");
        for (NodeStatus.PeerStatus peer : status.peers()) {
            if (peer.rttMs() >= 0) {
                out.sample("elara_peer_rtt_seconds", "peer", peer.name(), peer.rttMs() / 1000.0);
            }
            if (peer.rttVariationMs() >= 0) {
                out.sample("elara_peer_rtt_variation_seconds", "peer", peer.name(), peer.rttVariationMs() / 1000.0);
            }
            out.sample("elara_peer_queued", "peer", peer.name(), peer.queued());
            out.sample(
                    "elara_peer_degradation_level",
                    "peer",
                    peer.name(),
                    io.elara.node.media.DegradationLevel.parse(peer.degradation())
                            .rung());
            if (peer.mediaLossPercent() >= 0) {
                out.sample("elara_peer_media_loss_ratio", "peer", peer.name(), peer.mediaLossPercent() / 100);
            }
            out.sample("elara_peer_transmissions_total", "peer", peer.name(), peer.transmissions());
            out.sample("elara_peer_retransmissions_total", "peer", peer.name(), peer.retransmissions());
            out.sample(
                    "elara_peer_connected", "peer", peer.name(), peer.secure().equals("up") ? 1 : 0);
            out.sample(
                    "elara_peer_relayed",
                    "peer",
                    peer.name(),
                    peer.path() != null && peer.path().startsWith("relayed") ? 1 : 0);
        }
        out.family("elara_session_members", "gauge", "Members of each session besides this node.");
        out.family("elara_session_messages_total", "counter", "Messages in each session's log.");
        for (NodeStatus.SessionStatus session : status.sessions()) {
            out.sample("elara_session_members", "session", session.name(), session.members());
            out.sample("elara_session_messages_total", "session", session.name(), session.messages());
        }
        return out.toString();
    }

    /** The text format's lines. */
    private static final class Text {
        private final StringBuilder out = new StringBuilder(4096);

        void family(String name, String type, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        void sample(String name, String label, String value, String label2, String value2, long number) {
            out.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(escape(value))
                    .append("\",")
                    .append(label2)
                    .append("=\"")
                    .append(escape(value2))
                    .append("\"} ")
                    .append(number)
                    .append('\n');
        }

        void sample(String name, String label, String value, long number) {
            series(name, label, value);
            out.append(number).append('\n');
        }

        void sample(String name, String label, String value, double number) {
            series(name, label, value);
            out.append(String.format(Locale.ROOT, "%.6g", number)).append('\n');
        }

        private void series(String name, String label, String value) {
            out.append(name);
            if (label != null) {
                out.append('{')
                        .append(label)
                        .append("=\"")
                        .append(escape(value))
                        .append("\"}");
            }
            out.append(' ');
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /** Stops serving; a scrape under way may still finish. */
    @Override
    public void close() {
        server.stop(0);
        worker.shutdownNow();
    }
}
