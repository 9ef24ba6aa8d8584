package io.elara.node.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one simulation did. Everything in it derives from the scenario and the seed, never from the machine, so the same
 * seed gives the same summary, byte for byte, in {@link #toText} and {@link #toJson}.
 *
 * @param seed the seed of the run
 * @param scenario what ran
 * @param sessions how many sessions
 * @param sends what became of the messages the nodes tried to send
 * @param deliveries messages delivered to a subscriber at a node other than their author
 * @param acknowledgements per-recipient acknowledgements received by authors
 * @param acknowledgementsFromLostIncarnations acknowledgements from a recipient that crashed afterwards, losing the
 *     event with it (nothing is persisted yet)
 * @param latencyNsP50 median virtual time from send to delivery at a recipient
 * @param latencyNsP90 90th percentile of the same
 * @param latencyNsP99 99th percentile of the same
 * @param latencyNsMax the longest
 * @param datagrams what the network did with datagrams
 * @param crashes node crashes
 * @param restarts node restarts
 * @param rebinds NAT rebinds (a node seen at a new address)
 * @param migrations peer entries moved to a new address, over all nodes (each rebind moves the node at each peer)
 * @param settled true when every send had an outcome and the network was idle before the settle allowance ran out
 * @param settleNs virtual time from the end of traffic, the last heal and the last restart (whichever was latest) until
 *     the run settled, or until it gave up
 * @param virtualNs virtual time simulated
 * @param comparedEvents events acknowledged by all members, whose replicas were compared
 * @param uncomparedEvents events not compared: delivery failed, or the author crashed before it had an outcome
 * @param rejects input the nodes rejected, by reason (duplicates are expected when the network duplicates)
 * @param invariants checks and failures per invariant, in a fixed order
 * @param violations the first few failures, word for word
 * @param trace a hash of every action the simulator processed, with its time: equal traces mean equal runs
 * @param replayCommand the command that reruns this simulation
 */
public record SimSummary(
        long seed,
        SimScenario scenario,
        int sessions,
        Sends sends,
        long deliveries,
        long acknowledgements,
        long acknowledgementsFromLostIncarnations,
        long latencyNsP50,
        long latencyNsP90,
        long latencyNsP99,
        long latencyNsMax,
        Datagrams datagrams,
        long crashes,
        long restarts,
        long rebinds,
        long migrations,
        boolean settled,
        long settleNs,
        long virtualNs,
        long comparedEvents,
        long uncomparedEvents,
        Map<String, Long> rejects,
        Map<String, InvariantResult> invariants,
        List<String> violations,
        String trace,
        String replayCommand) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param sent messages the nodes sent
     * @param refused sends the node refused at once (busy: too many unacknowledged events towards a peer)
     * @param acknowledged sends acknowledged by every recipient
     * @param failed sends at least one recipient did not acknowledge within the delivery timeout
     * @param abandoned sends whose author crashed before they had an outcome
     * @param pending sends still without an outcome at the end
     */
    public record Sends(long sent, long refused, long acknowledged, long failed, long abandoned, long pending) {}

    /**
     * @param sent datagrams the nodes sent
     * @param delivered datagrams handed to a node (duplicates count twice)
     * @param lost dropped by link loss
     * @param duplicated sent twice by the network
     * @param reordered held back past later datagrams
     * @param partitioned dropped because a partition separated the ends
     * @param queueDropped dropped because a link's queue was full
     * @param toCrashedNode arrived at a crashed node
     * @param toOldAddress sent to, or in flight to, an address a NAT rebind abandoned
     */
    public record Datagrams(
            long sent,
            long delivered,
            long lost,
            long duplicated,
            long reordered,
            long partitioned,
            long queueDropped,
            long toCrashedNode,
            long toOldAddress) {}

    /** How often an invariant was checked, and how often it failed. */
    public record InvariantResult(long checks, long failures) {}

    public SimSummary {
        rejects = Map.copyOf(new java.util.TreeMap<>(rejects));
        invariants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(invariants));
        violations = List.copyOf(violations);
    }

    /** True when no invariant failed. */
    public boolean passed() {
        for (InvariantResult result : invariants.values()) {
            if (result.failures() > 0) {
                return false;
            }
        }
        return true;
    }

    /** The human summary, several lines, each ending in a newline. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        LinkProfile link = scenario.link();
        line(
                out,
                "simulated %d nodes in %d session(s) for %s of traffic (seed %d)",
                scenario.nodes(),
                sessions,
                SimDurations.format(scenario.durationNs()),
                seed);
        line(
                out,
                "traffic: %s messages/s per node, %d..%d bytes of text",
                number(scenario.messagesPerSecond()),
                scenario.textBytesMin(),
                scenario.textBytesMax());
        line(
                out,
                "links: latency %s + jitter up to %s, loss %s, duplication %s, reorder %s, bandwidth %s",
                SimDurations.millis(link.latencyNs()),
                SimDurations.millis(link.jitterNs()),
                number(link.loss()),
                number(link.duplication()),
                number(link.reorder()),
                link.bandwidthBytesPerSecond() == 0 ? "unlimited" : link.bandwidthBytesPerSecond() + " bytes/s");
        line(
                out,
                "faults: %d partitions, %d crashes, %d restarts, %d NAT rebinds (%d peer entries moved)",
                scenario.partitions().size(),
                crashes,
                restarts,
                rebinds,
                migrations);
        if (!scenario.clocks().isEmpty()) {
            StringBuilder clocks = new StringBuilder();
            for (SimScenario.ClockPlan plan : scenario.clocks()) {
                clocks.append(clocks.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "node %d %+.1f s", plan.node(), plan.aheadNs() / 1e9));
            }
            line(out, "clocks off: %s", clocks);
        }
        line(
                out,
                "events: %d sent, %d acknowledged by all, %d failed, %d abandoned by a crash, %d refused busy,"
                        + " %d pending",
                sends.sent(),
                sends.acknowledged(),
                sends.failed(),
                sends.abandoned(),
                sends.refused(),
                sends.pending());
        line(
                out,
                "delivered: %d to remote subscribers; %d acknowledgements (%d from incarnations lost in a crash)",
                deliveries,
                acknowledgements,
                acknowledgementsFromLostIncarnations);
        line(
                out,
                "latency (virtual, send to remote delivery): p50 %s, p90 %s, p99 %s, max %s",
                SimDurations.millis(latencyNsP50),
                SimDurations.millis(latencyNsP90),
                SimDurations.millis(latencyNsP99),
                SimDurations.millis(latencyNsMax));
        line(
                out,
                "datagrams: %d sent, %d delivered, %d lost, %d duplicated, %d reordered, %d partitioned,"
                        + " %d queue-dropped, %d to crashed nodes",
                datagrams.sent(),
                datagrams.delivered(),
                datagrams.lost(),
                datagrams.duplicated(),
                datagrams.reordered(),
                datagrams.partitioned(),
                datagrams.queueDropped(),
                datagrams.toCrashedNode());
        StringBuilder rejected = new StringBuilder();
        rejects.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry ->
                        rejected.append(' ').append(entry.getKey()).append('=').append(entry.getValue()));
        line(out, "rejected:%s", rejected.length() == 0 ? " none" : rejected.toString());
        if (settled) {
            line(
                    out,
                    "convergence: settled %s after traffic stopped and the network healed; %d events compared,"
                            + " %d not comparable (failed or abandoned)",
                    SimDurations.millis(settleNs),
                    comparedEvents,
                    uncomparedEvents);
        } else {
            line(out, "convergence: not settled within %s", SimDurations.millis(settleNs));
        }
        line(out, "virtual time: %s; trace %s", SimDurations.millis(virtualNs), trace);
        line(out, "invariants:");
        for (Map.Entry<String, InvariantResult> entry : invariants.entrySet()) {
            InvariantResult result = entry.getValue();
            line(
                    out,
                    "  %-42s %s (%d checks)",
                    entry.getKey(),
                    result.failures() == 0 ? "ok" : "FAILED " + result.failures() + " times",
                    result.checks());
        }
        for (String violation : violations) {
            line(out, "  - %s", violation);
        }
        if (!passed()) {
            line(out, "FAILED with seed %d; replay with: %s", seed, replayCommand);
        }
        return out.toString();
    }

    /** The summary as one JSON object on one line, keys in a fixed order. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", seed);
        json.put("nodes", scenario.nodes());
        json.put("sessions", sessions);
        json.put("durationMs", scenario.durationNs() / 1_000_000);
        json.put("passed", passed());
        json.put("sends", sends);
        json.put("deliveries", deliveries);
        json.put("acknowledgements", acknowledgements);
        json.put("acknowledgementsFromLostIncarnations", acknowledgementsFromLostIncarnations);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50Ms", latencyNsP50 / 1e6);
        latency.put("p90Ms", latencyNsP90 / 1e6);
        latency.put("p99Ms", latencyNsP99 / 1e6);
        latency.put("maxMs", latencyNsMax / 1e6);
        json.put("latency", latency);
        json.put("datagrams", datagrams);
        json.put("crashes", crashes);
        json.put("restarts", restarts);
        json.put("rebinds", rebinds);
        json.put("migrations", migrations);
        Map<String, Object> clocks = new LinkedHashMap<>();
        for (SimScenario.ClockPlan plan : scenario.clocks()) {
            clocks.put(Integer.toString(plan.node()), plan.aheadNs() / 1e6);
        }
        json.put("clockAheadMs", clocks);
        json.put("settled", settled);
        json.put("convergenceMs", settleNs / 1e6);
        json.put("virtualMs", virtualNs / 1e6);
        json.put("comparedEvents", comparedEvents);
        json.put("uncomparedEvents", uncomparedEvents);
        json.put("rejects", new java.util.TreeMap<>(rejects));
        json.put("invariants", invariants);
        json.put("violations", violations);
        json.put("trace", trace);
        if (!passed()) {
            json.put("replay", replayCommand);
        }
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of numbers and strings always serialise", e);
        }
    }

    private static void line(StringBuilder out, String format, Object... arguments) {
        out.append(String.format(Locale.ROOT, format, arguments)).append('\n');
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }
}
