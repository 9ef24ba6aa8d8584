package io.elara.node.sim;

import io.elara.node.session.ChatLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a simulation runs: how many nodes, which sessions they share, how much they talk, what the network does, and
 * when partitions and crashes happen. Times are virtual, measured from the start of the run.
 *
 * @param nodes how many nodes
 * @param sessionSize members per session when {@code sessionGroups} is empty: nodes are split into consecutive groups
 *     of this size (a remainder of one joins the last group)
 * @param sessionGroups explicit sessions, each a list of node indices; empty to use {@code sessionSize}
 * @param messagesPerSecond messages each live node sends per second on average (Poisson), to one of its sessions
 * @param textBytesMin shortest message text, in bytes
 * @param textBytesMax longest message text, in bytes
 * @param link what every link does, unless {@code links} says otherwise
 * @param links profiles for the links of particular nodes, later entries winning
 * @param partitions cuts that start and heal on a schedule
 * @param crashes node crashes, each with an optional restart
 * @param rebinds NAT rebinds: a node's address, as the others see it, changes
 * @param durationNs how long nodes send traffic
 * @param settleNs how long after traffic stops (and the last partition heals or node restarts) the run may take to
 *     settle before it counts as not converged
 */
public record SimScenario(
        int nodes,
        int sessionSize,
        List<List<Integer>> sessionGroups,
        double messagesPerSecond,
        int textBytesMin,
        int textBytesMax,
        LinkProfile link,
        List<LinkPlan> links,
        List<PartitionPlan> partitions,
        List<CrashPlan> crashes,
        List<RebindPlan> rebinds,
        List<ClockPlan> clocks,
        long durationNs,
        long settleNs) {
    /** Members per session by default: full-mesh fan-out suits small sessions until gossip arrives. */
    public static final int SESSION_SIZE_DEFAULT = 10;
    /** Messages per second per node by default: a lively chat. */
    public static final double MESSAGES_PER_SECOND_DEFAULT = 0.5;
    /** Settling allowance by default: longer than the node's 30 s delivery timeout, so every send has an outcome. */
    public static final long SETTLE_NS_DEFAULT = TimeUnit.SECONDS.toNanos(45);
    /** Most nodes in one simulation. */
    public static final int NODES_MAX = 100_000;

    /**
     * Nodes in {@code nodes} are cut off from the rest from {@code startNs} to {@code endNs}.
     *
     * @param startNs when the cut starts
     * @param endNs when it heals
     * @param nodes the node indices on one side
     */
    public record PartitionPlan(long startNs, long endNs, List<Integer> nodes) {
        public PartitionPlan {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * Every link to and from the nodes in {@code nodes} (both directions) behaves as {@code profile}: a slow or lossy
     * member, for example.
     */
    public record LinkPlan(List<Integer> nodes, LinkProfile profile) {
        public LinkPlan {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * Node {@code node} crashes at {@code atNs}, losing everything (nothing is persisted yet), and starts again with the
     * same identity {@code restartAfterNs} later, or never when that is negative.
     */
    public record CrashPlan(long atNs, int node, long restartAfterNs) {}

    /**
     * Node {@code node}'s NAT rebinds at {@code atNs}: from then on its datagrams come from a new port, and datagrams to
     * its old address (in flight or sent later) are lost, as the old mapping is gone. The node itself notices nothing;
     * its peers must follow it to the new address.
     */
    public record RebindPlan(long atNs, int node) {}

    /**
     * Node {@code node}'s wall clock reads {@code aheadNs} ahead of true time (behind when negative), all run long and
     * across its restarts: every time the node's core is given, and every deadline it asks for, is on its own clock.
     * Peers within {@link io.elara.node.NodeCore#HLC_DRIFT_MS_MAX} of each other must still lose nothing; an event
     * from a clock further ahead is refused ({@code hlc_future}) and so never acknowledged.
     */
    public record ClockPlan(int node, long aheadNs) {}

    /** The most a simulated clock may be off: an hour either way. */
    public static final long CLOCK_OFFSET_NS_MAX = TimeUnit.HOURS.toNanos(1);

    public SimScenario {
        sessionGroups = sessionGroups.stream().map(List::copyOf).toList();
        links = List.copyOf(links);
        partitions = List.copyOf(partitions);
        crashes = List.copyOf(crashes);
        rebinds = List.copyOf(rebinds);
        clocks = List.copyOf(clocks);
    }

    /** Chat among {@code nodes} nodes for {@code durationNs} over {@link LinkProfile#DEFAULT} links, nothing else. */
    public static SimScenario defaults(int nodes, long durationNs) {
        return new SimScenario(
                nodes,
                SESSION_SIZE_DEFAULT,
                List.of(),
                MESSAGES_PER_SECOND_DEFAULT,
                16,
                160,
                LinkProfile.DEFAULT,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                durationNs,
                SETTLE_NS_DEFAULT);
    }

    public SimScenario withNodes(int newNodes) {
        return new SimScenario(
                newNodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                crashes,
                rebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withDuration(long newDurationNs) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                crashes,
                rebinds,
                clocks,
                newDurationNs,
                settleNs);
    }

    public SimScenario withLink(LinkProfile newLink) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                newLink,
                links,
                partitions,
                crashes,
                rebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withTraffic(double newMessagesPerSecond) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                newMessagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                crashes,
                rebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withSessionSize(int newSessionSize) {
        return new SimScenario(
                nodes,
                newSessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                crashes,
                rebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withPartitions(List<PartitionPlan> newPartitions) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                newPartitions,
                crashes,
                rebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withCrashes(List<CrashPlan> newCrashes) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                newCrashes,
                rebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withRebinds(List<RebindPlan> newRebinds) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                crashes,
                newRebinds,
                clocks,
                durationNs,
                settleNs);
    }

    public SimScenario withClocks(List<ClockPlan> newClocks) {
        return new SimScenario(
                nodes,
                sessionSize,
                sessionGroups,
                messagesPerSecond,
                textBytesMin,
                textBytesMax,
                link,
                links,
                partitions,
                crashes,
                rebinds,
                newClocks,
                durationNs,
                settleNs);
    }

    /** How far node {@code node}'s clock is ahead of true time (behind when negative): 0 unless a plan says. */
    public long clockAheadNs(int node) {
        for (ClockPlan plan : clocks) {
            if (plan.node() == node) {
                return plan.aheadNs();
            }
        }
        return 0;
    }

    /** The sessions as lists of node indices, each with at least two members. */
    public List<List<Integer>> sessions() {
        if (!sessionGroups.isEmpty()) {
            return sessionGroups;
        }
        List<List<Integer>> groups = new ArrayList<>();
        int size = Math.min(sessionSize, nodes);
        for (int first = 0; first < nodes; first += size) {
            int end = Math.min(nodes, first + size);
            if (nodes - end == 1) {
                end = nodes;
            }
            List<Integer> group = new ArrayList<>();
            for (int node = first; node < end; node++) {
                group.add(node);
            }
            groups.add(group);
            if (end == nodes) {
                break;
            }
        }
        return groups;
    }

    /**
     * Returns null when this scenario can run, else the problem, as {@code field: problem} on one line.
     *
     * <p>The node keeps only the last {@link ChatLog#EVENTS_MAX} messages of a session, and nodes insert in different
     * orders, so replicas of a busier session would legitimately differ in what they forgot. The check below keeps
     * scenarios inside the window where replicas are comparable.
     */
    public String problem() {
        if (nodes < 2 || nodes > NODES_MAX) {
            return "nodes: must be between 2 and " + NODES_MAX + ", got " + nodes;
        }
        if (sessionGroups.isEmpty() && sessionSize < 2) {
            return "sessions.size: must be at least 2, got " + sessionSize;
        }
        for (int i = 0; i < sessionGroups.size(); i++) {
            List<Integer> group = sessionGroups.get(i);
            if (group.size() < 2 || group.stream().distinct().count() != group.size()) {
                return "sessions.groups[" + i + "]: needs at least two distinct nodes";
            }
            String node = nodeProblem("sessions.groups[" + i + "]", group);
            if (node != null) {
                return node;
            }
        }
        if (!(messagesPerSecond >= 0 && messagesPerSecond <= 1000)) {
            return "traffic.messages-per-second: must be between 0 and 1000, got " + messagesPerSecond;
        }
        if (textBytesMin < 1 || textBytesMax < textBytesMin || textBytesMax > 1024) {
            return "traffic.text-bytes-max: need 1 <= min <= max <= 1024, got " + textBytesMin + ".." + textBytesMax;
        }
        if (durationNs <= 0) {
            return "duration: must be positive";
        }
        if (settleNs <= 0) {
            return "settle: must be positive";
        }
        for (int i = 0; i < partitions.size(); i++) {
            PartitionPlan partition = partitions.get(i);
            if (partition.startNs() < 0 || partition.endNs() <= partition.startNs()) {
                return "partitions[" + i + "]: end must come after start";
            }
            String node = nodeProblem("partitions[" + i + "].nodes", partition.nodes());
            if (node != null) {
                return node;
            }
        }
        for (int i = 0; i < links.size(); i++) {
            String node = nodeProblem("links[" + i + "].nodes", links.get(i).nodes());
            if (node != null) {
                return node;
            }
        }
        for (int i = 0; i < crashes.size(); i++) {
            CrashPlan crash = crashes.get(i);
            if (crash.atNs() < 0) {
                return "crashes[" + i + "].at: cannot be negative";
            }
            String node = nodeProblem("crashes[" + i + "].node", List.of(crash.node()));
            if (node != null) {
                return node;
            }
        }
        for (int i = 0; i < rebinds.size(); i++) {
            RebindPlan rebind = rebinds.get(i);
            if (rebind.atNs() < 0) {
                return "rebinds[" + i + "].at: cannot be negative";
            }
            String node = nodeProblem("rebinds[" + i + "].node", List.of(rebind.node()));
            if (node != null) {
                return node;
            }
        }
        Set<Integer> clocked = new HashSet<>();
        for (int i = 0; i < clocks.size(); i++) {
            ClockPlan plan = clocks.get(i);
            String node = nodeProblem("clocks[" + i + "].node", List.of(plan.node()));
            if (node != null) {
                return node;
            }
            if (!clocked.add(plan.node())) {
                return "clocks[" + i + "].node: node " + plan.node() + " already has a clock above";
            }
            if (Math.abs(plan.aheadNs()) > CLOCK_OFFSET_NS_MAX) {
                return "clocks[" + i + "]: a clock may be off by at most 1h";
            }
        }
        double seconds = durationNs / 1e9;
        for (List<Integer> session : sessions()) {
            double expected = messagesPerSecond * seconds * session.size();
            if (expected > ChatLog.EVENTS_MAX * 0.8) {
                return String.format(
                        java.util.Locale.ROOT,
                        "traffic: a session of %d members would carry about %.0f messages, past the %d a node keeps"
                                + " per session; lower the rate, the duration or the session size",
                        session.size(),
                        expected,
                        ChatLog.EVENTS_MAX);
            }
        }
        return null;
    }

    private String nodeProblem(String field, List<Integer> indices) {
        for (int index : indices) {
            if (index < 0 || index >= nodes) {
                return field + ": node " + index + " does not exist (nodes are 0.." + (nodes - 1) + ")";
            }
        }
        return null;
    }
}
