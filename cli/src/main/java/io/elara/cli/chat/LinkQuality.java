package io.elara.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the link to each connected member of a session stands, compactly, for the status line: {@code bob 1.2ms,
 * carol 38ms 3% relay}. The round-trip time is the node's smoothed one; loss is the share of event frames sent again
 * between two status polls (not since the node started, which would hide a link going bad now), shown only when
 * nonzero; {@code relay} marks a path through a TURN server and {@code ice} one that ICE found. Pure.
 */
public final class LinkQuality {
    private LinkQuality() {}

    /**
     * One peer in one status poll, as {@code elara status --json} gives it ({@code NodeStatus.PeerStatus}).
     *
     * @param nodeId the id its handshake proved, or null
     * @param rttMs smoothed round-trip time, or negative before the first sample
     * @param transmissions event frames sent to it, resends included, since the node started
     * @param retransmissions event frames sent to it again, since the node started
     * @param path {@code direct}, {@code relayed (TURN)…} or {@code ICE …}
     */
    public record PeerSample(
            String name, String nodeId, double rttMs, long transmissions, long retransmissions, String path) {
        /** One entry of the status' list of peers. */
        public static PeerSample of(JsonNode peer) {
            JsonNode id = peer.path("nodeId");
            return new PeerSample(
                    peer.path("name").asText(),
                    id.isTextual() ? id.asText() : null,
                    peer.path("rttMs").asDouble(-1),
                    peer.path("transmissions").asLong(),
                    peer.path("retransmissions").asLong(),
                    peer.path("path").asText("direct"));
        }

        /** What identifies it from one poll to the next: its proven id, else its name. */
        String key() {
            return nodeId != null ? nodeId : "name:" + name;
        }
    }

    /** A connected member of the current session (not this node). */
    public record Member(String name, String nodeId) {}

    /** The samples of one poll by {@link PeerSample#key}, to pass as {@code previous} to the next {@link #format}. */
    public static Map<String, PeerSample> byKey(List<PeerSample> samples) {
        Map<String, PeerSample> keyed = new LinkedHashMap<>();
        for (PeerSample sample : samples) {
            keyed.put(sample.key(), sample);
        }
        return keyed;
    }

    /**
     * The link part of the status line: one entry per member in {@code members} that has a peer in {@code now}, matched
     * by node id, else by name; empty when there is none.
     *
     * @param previous the previous poll's samples ({@link #byKey}), empty for the first poll: loss needs two
     */
    public static String format(List<Member> members, List<PeerSample> now, Map<String, PeerSample> previous) {
        Map<String, PeerSample> current = byKey(now);
        List<String> entries = new ArrayList<>();
        for (Member member : members) {
            PeerSample sample = member.nodeId() == null ? null : current.get(member.nodeId());
            for (int i = 0; sample == null && i < now.size(); i++) {
                if (now.get(i).name().equals(member.name())) {
                    sample = now.get(i);
                }
            }
            if (sample == null) {
                continue;
            }
            StringBuilder entry = new StringBuilder(member.name()).append(' ').append(rtt(sample.rttMs()));
            double loss = lossPercent(previous.get(sample.key()), sample);
            if (loss > 0) {
                entry.append(' ').append(percent(loss));
            }
            if (sample.path().startsWith("relayed")) {
                entry.append(" relay");
            } else if (sample.path().startsWith("ICE")) {
                entry.append(" ice");
            }
            entries.add(entry.toString());
        }
        return String.join(", ", entries);
    }

    /**
     * The share of frames sent again between {@code before} and {@code after}, in percent; 0 without a previous sample,
     * without frames sent in between, or when the counters went back (the peer's entry was made anew).
     */
    static double lossPercent(PeerSample before, PeerSample after) {
        if (before == null) {
            return 0;
        }
        long sent = after.transmissions() - before.transmissions();
        long resent = after.retransmissions() - before.retransmissions();
        if (sent <= 0 || resent <= 0) {
            return 0;
        }
        return Math.min(100.0, 100.0 * (double) resent / (double) sent);
    }

    /** {@code 0.4ms}, {@code 1.2ms}, {@code 38ms}, {@code 1.5s}; {@code -} before the first sample. */
    static String rtt(double ms) {
        if (ms < 0) {
            return "-";
        }
        if (ms < 9.95) {
            return String.format(Locale.ROOT, "%.1fms", ms);
        }
        if (ms < 999.5) {
            return String.format(Locale.ROOT, "%.0fms", ms);
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000);
    }

    /** {@code 3%}, {@code 0.4%}; never {@code 0%} for a loss that is not zero. */
    static String percent(double loss) {
        if (loss >= 0.95) {
            return String.format(Locale.ROOT, "%.0f%%", loss);
        }
        return String.format(Locale.ROOT, "%.1f%%", Math.max(0.1, loss));
    }
}
