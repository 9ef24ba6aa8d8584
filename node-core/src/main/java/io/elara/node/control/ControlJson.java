package io.elara.node.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.elara.crdt.clock.Hlc;
import io.elara.node.DeliveredEvent;
import io.elara.node.NodeStatus;
import io.elara.node.SendResult;
import io.elara.node.SessionInfo;
import io.elara.node.event.Event;
import io.elara.node.event.EventKind;
import io.elara.node.session.SessionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the control protocol, which are also what {@code --json} prints. One object per line. Field
 * names are stable: scripts depend on them.
 */
public final class ControlJson {
    /** A plain JSON mapper (compact output, one object per line). */
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private ControlJson() {}

    /**
     * An event: {@code {"type","id","session","author","authorName","local","time","hlc","text"}}, with {@code
     * "key","value"} after them for a state change. {@code type} is {@code text}, {@code signal} or {@code state};
     * {@code time} is the author's clock (ISO-8601, UTC) and {@code hlc} its full hybrid-logical-clock value.
     */
    public static Map<String, Object> event(DeliveredEvent delivered) {
        Event event = delivered.event();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type(event));
        json.put("id", event.id().toString());
        json.put("session", delivered.session());
        json.put("author", event.author().toString());
        json.put("authorName", event.authorName());
        json.put("local", delivered.local());
        json.put("time", Instant.ofEpochMilli(Hlc.physicalMs(event.hlc())).toString());
        json.put("hlc", Hlc.format(event.hlc()));
        json.put("text", event.text());
        putState(event, json);
        return json;
    }

    /** What an event is, as the {@code type} field of the JSON forms names it: text, signal or state. */
    public static String type(Event event) {
        return switch (event.kind()) {
            case SIGNAL -> "signal";
            case STATE -> "state";
            default -> "text";
        };
    }

    /** For a state change, puts its {@code key} and {@code value} (empty when it clears the key) into {@code json}. */
    public static void putState(Event event, Map<String, Object> json) {
        SessionState.Change change = event.kind() == EventKind.STATE ? SessionState.parse(event.text()) : null;
        if (change != null) {
            json.put("key", change.key());
            json.put("value", change.value());
        }
    }

    /**
     * Sessions: {@code [{"name","id","kind","creator","propagation","topic","members":[{"name","nodeId","self",
     * "connected","neighbour","presence"}]}]}; {@code kind} is {@code configured}, {@code created} or {@code joined};
     * {@code propagation} is {@code mesh} or {@code overlay}; {@code topic} and {@code presence} are null when unset.
     */
    public static List<Map<String, Object>> sessions(List<SessionInfo> sessions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SessionInfo session : sessions) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", session.name());
            json.put("id", session.id());
            json.put("kind", session.kind());
            json.put("creator", session.creator());
            json.put("propagation", session.propagation());
            json.put("topic", session.topic());
            List<Map<String, Object>> members = new ArrayList<>();
            for (SessionInfo.Member member : session.members()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", member.name());
                m.put("nodeId", member.nodeId());
                m.put("self", member.self());
                m.put("connected", member.connected());
                m.put("neighbour", member.neighbour());
                m.put("presence", member.presence());
                m.put("liveness", member.liveness());
                if (member.vouchedBy() != null) {
                    m.put("vouchedBy", member.vouchedBy());
                }
                m.put("lastSeenAgoMs", member.lastSeenAgoMs());
                members.add(m);
            }
            json.put("members", members);
            out.add(json);
        }
        return out;
    }

    /** A send's outcome: {@code {"ok","id","acknowledgedBy":[...],"failures":{peer: reason}}}. */
    public static Map<String, Object> sendResult(SendResult result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", result.allAcknowledged());
        json.put("id", result.id().toString());
        json.put("acknowledgedBy", result.acknowledgedBy());
        json.put("failures", result.failures());
        return json;
    }

    /** A node's status, with rejects keyed by their metric labels. */
    public static Map<String, Object> status(NodeStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", status.name());
        json.put("id", status.id());
        json.put("listen", status.listen());
        json.put("reflexive", status.reflexive());
        json.put("relayed", status.relayed());
        List<Map<String, Object>> peers = new ArrayList<>();
        for (NodeStatus.PeerStatus peer : status.peers()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", peer.name());
            p.put("address", peer.address());
            p.put("configured", peer.configured());
            p.put("lastHeardMsAgo", peer.lastHeardMsAgo());
            p.put("rttMs", peer.rttMs());
            p.put("clockOffsetMs", peer.clockOffsetMs());
            p.put("queued", peer.queued());
            p.put("transmissions", peer.transmissions());
            p.put("retransmissions", peer.retransmissions());
            p.put("eventsReceived", peer.eventsReceived());
            p.put("nodeId", peer.nodeId());
            p.put("secure", peer.secure());
            p.put("migrations", peer.migrations());
            p.put("pathMtu", peer.pathMtu());
            p.put("path", peer.path());
            p.put("rttVariationMs", peer.rttVariationMs());
            p.put("degradation", peer.degradation());
            p.put("mediaLossPercent", peer.mediaLossPercent());
            p.put("mediaReceivedKbps", peer.mediaReceivedKbps());
            peers.add(p);
        }
        json.put("peers", peers);
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("level", status.media().level());
        media.put("rung", status.media().rung());
        media.put("reason", status.media().reason());
        media.put("changes", status.media().changes());
        json.put("media", media);
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (NodeStatus.SessionStatus session : status.sessions()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", session.name());
            s.put("members", session.members());
            s.put("messages", session.messages());
            sessions.add(s);
        }
        json.put("sessions", sessions);
        NodeStatus.Counters counters = status.counters();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("datagramsIn", counters.datagramsIn());
        c.put("datagramsOut", counters.datagramsOut());
        c.put("bytesIn", counters.bytesIn());
        c.put("bytesOut", counters.bytesOut());
        c.put("eventsSent", counters.eventsSent());
        c.put("eventsDelivered", counters.eventsDelivered());
        c.put("subscribers", counters.subscribers());
        c.put("eventsForwarded", counters.eventsForwarded());
        c.put("forwardsSkipped", counters.forwardsSkipped());
        c.put("eventsRelayed", counters.eventsRelayed());
        c.put("peersRetired", counters.peersRetired());
        c.put("stunAnswered", counters.stunAnswered());
        c.put("mailboxDepth", counters.mailboxDepth());
        c.put("storeWritesPending", counters.storeWritesPending());
        json.put("counters", c);
        List<Map<String, Object>> traffic = new ArrayList<>();
        for (NodeStatus.KindTraffic kind : status.traffic()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("kind", kind.kind());
            t.put("datagramsIn", kind.datagramsIn());
            t.put("bytesIn", kind.bytesIn());
            t.put("datagramsOut", kind.datagramsOut());
            t.put("bytesOut", kind.bytesOut());
            traffic.add(t);
        }
        json.put("traffic", traffic);
        NodeStatus.Security security = status.security();
        Map<String, Object> secure = new LinkedHashMap<>();
        secure.put("enabled", security.enabled());
        secure.put("sessions", security.sessions());
        secure.put("pendingHandshakes", security.pendingHandshakes());
        secure.put("handshakesCompleted", security.handshakesCompleted());
        secure.put("underLoad", security.underLoad());
        secure.put("batchesSigned", security.batchesSigned());
        secure.put("signatureChecks", security.signatureChecks());
        json.put("security", secure);
        json.put("rejects", new LinkedHashMap<>(status.rejects()));
        return json;
    }
}
