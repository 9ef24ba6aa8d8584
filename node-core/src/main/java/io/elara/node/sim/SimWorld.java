package io.elara.node.sim;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.sign.BatchVerifier;
import io.elara.node.DeliveredEvent;
import io.elara.node.NodeCore;
import io.elara.node.NodeStatus;
import io.elara.node.Outbox;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.Limits;
import io.elara.node.config.NodeConfig;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Many {@link NodeCore}s (the same code as the real node) on a {@link SimNetwork} under a {@link VirtualClock}, all in
 * the calling thread, reproducible from one seed. Work is a priority queue of scheduled actions ordered by (virtual
 * time, sequence number), so ties are broken the same way on every run; time jumps to the next action or node
 * deadline. Datagrams cross as copies of their bytes.
 *
 * <p>While it runs it checks four invariants (see {@link Invariant}) and, once traffic has stopped, every partition has
 * healed, every crashed node that restarts has restarted and every send has an outcome, compares the replicas of each
 * session. A crashed node loses everything: nothing is persisted yet (the persistence issue adds the store), so a
 * restarted node starts empty with the same identity and catches up only on what is sent after it restarts.
 *
 * <p>Not thread-safe: one thread builds it, calls {@link #run} once, and reads the summary.
 */
public final class SimWorld {
    /** Scheduled actions held at once; more means the simulation itself is broken. */
    public static final int SCHEDULED_MAX = 16_000_000;
    /** Virtual time between two checks of the queue bounds. */
    public static final long CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** The port every simulated node listens on; nodes differ by address. */
    public static final int PORT = 7460;
    /** Violations kept word for word in the summary; the rest are only counted. */
    static final int VIOLATIONS_KEPT = 10;

    private static final int DELIVER = 0;
    private static final int WAKE = 1;
    private static final int SEND = 2;
    private static final int PARTITION_START = 3;
    private static final int PARTITION_END = 4;
    private static final int CRASH = 5;
    private static final int RESTART = 6;
    private static final int CHECK = 7;
    private static final int CONVERGE = 8;
    private static final int REBIND = 9;

    /** The invariants checked while a simulation runs. */
    public enum Invariant {
        /** No event reaches a node's local subscriber twice within one incarnation of that node. */
        NO_DUPLICATE_DELIVERY("no event delivered twice to a subscriber"),
        /**
         * An event a member acknowledged is held by that member for as long as that incarnation lives. Checked at each
         * acknowledgement, and again for every event acknowledged by all members when replicas are compared.
         */
        NO_ACKNOWLEDGED_EVENT_LOST("no acknowledged event lost"),
        /**
         * After the network heals and traffic stops, every live member of a session holds, in the same order, every
         * event of that session that all members acknowledged (minus those sent before the member's latest restart).
         * Events whose delivery failed, for example during a partition longer than the delivery timeout, are not
         * compared: the node has no anti-entropy yet, so nothing re-sends them. Checked one check interval after
         * every time the network heals, while traffic goes on (for the events all members acknowledged so far), and
         * once more at the end.
         */
        REPLICAS_CONVERGE("replicas converge after healing"),
        /**
         * A node delivers the events of one author in the order that author sent them (the reliable lane is ordered
         * per sender), within one incarnation of the receiving node. Events that failed may be missing; none may
         * overtake another.
         */
        IN_ORDER_PER_AUTHOR("events of one author delivered in the order sent"),
        /** Per-peer send queues, link queues and the simulator's own queue stay within their limits. */
        QUEUES_BOUNDED("queues within bounds");

        private final String description;

        Invariant(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final SimScenario scenario;
    private final long seed;
    private final String replayCommand;
    private final VirtualClock clock = new VirtualClock();
    private final SimNetwork network;
    /**
     * One signature cache for the whole world: every node still checks every event it receives, but a batch root
     * verified for one node is not verified again for the next (the answer is the same), which keeps hundreds of
     * protected nodes within the simulator's time budget.
     */
    private final BatchVerifier verifier = new BatchVerifier();

    private final SplittableRandom traffic;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final SimNode[] nodes;
    private final List<List<Integer>> sessions;
    private final List<String> sessionNames = new ArrayList<>();
    private final Map<InetSocketAddress, SimNode> byAddress = new HashMap<>();
    /** Addresses NAT rebinds left behind: datagrams to them are lost, not an error. */
    private final Set<InetSocketAddress> abandoned = new HashSet<>();

    private final Map<String, SimNode> byName = new HashMap<>();
    private final Map<EventId, SentEvent> sent = new LinkedHashMap<>();
    private final List<SimNode> touched = new ArrayList<>();
    private final int[] partitionIds;
    private final long[] arrivalsNs = new long[2];
    private final Map<Invariant, Tally> tallies = new EnumMap<>(Invariant.class);
    private final List<String> violations = new ArrayList<>();
    private long[] latenciesNs = new long[1024];
    private int latencyCount;
    private long sequence;
    private long trace;
    private boolean ran;
    private long datagramsInFlight;
    private long datagramsDelivered;
    private long datagramsToDownNodes;
    private long datagramsToOldAddresses;
    private long rebinds;
    private long datagramsCutInFlight;
    private long pendingSends;
    private long eventsSent;
    private long sendsRefused;
    private long sendsAcknowledged;
    private long sendsFailed;
    private long sendsAbandoned;
    private long acknowledgements;
    private long acknowledgementsFromLostIncarnations;
    private long deliveries;
    private long crashes;
    private long restarts;
    private long comparedEvents;

    /**
     * @param scenario what to run; must have no {@link SimScenario#problem}
     * @param seed the one seed behind every random choice of the run
     * @param replayCommand the command that reruns this simulation, printed with any failure
     */
    public SimWorld(SimScenario scenario, long seed, String replayCommand) {
        String problem = scenario.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.scenario = scenario;
        this.seed = seed;
        for (Invariant invariant : Invariant.values()) {
            tallies.put(invariant, new Tally());
        }
        this.replayCommand = replayCommand;
        SplittableRandom root = new SplittableRandom(seed);
        this.network = new SimNetwork(scenario.nodes(), root.split(), scenario.link());
        this.traffic = root.split();
        for (SimScenario.LinkPlan plan : scenario.links()) {
            for (int node : plan.nodes()) {
                for (int other = 0; other < scenario.nodes(); other++) {
                    if (other != node) {
                        network.link(node, other, plan.profile());
                        network.link(other, node, plan.profile());
                    }
                }
            }
        }
        this.trace = mix(seed);
        this.sessions = scenario.sessions();
        this.partitionIds = new int[scenario.partitions().size()];
        this.nodes = new SimNode[scenario.nodes()];
        int width = Math.max(4, Integer.toString(scenario.nodes() - 1).length());
        List<List<Integer>> sessionsOf = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            sessionsOf.add(new ArrayList<>());
        }
        for (int s = 0; s < sessions.size(); s++) {
            sessionNames.add("s" + pad(s, width));
            for (int member : sessions.get(s)) {
                sessionsOf.get(member).add(s);
            }
        }
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new SimNode(i, "n" + pad(i, width), address(i), sessionsOf.get(i));
            byAddress.put(nodes[i].address, nodes[i]);
            byName.put(nodes[i].name, nodes[i]);
        }
        for (SimNode node : nodes) {
            node.configure();
        }
    }

    /** Node {@code index}'s address: 10.x.y.z, so that a simulated network needs no sockets and no name service. */
    public static InetSocketAddress address(int index) {
        byte[] ip = {10, (byte) (index >>> 16), (byte) (index >>> 8), (byte) index};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), PORT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static String pad(int value, int width) {
        StringBuilder text = new StringBuilder(Integer.toString(value));
        while (text.length() < width) {
            text.insert(0, '0');
        }
        return text.toString();
    }

    public SimNetwork network() {
        return network;
    }

    public VirtualClock clock() {
        return clock;
    }

    /** Node {@code index}'s core, or null while it is crashed. */
    public NodeCore core(int index) {
        return nodes[index].core;
    }

    /** The name of session {@code index}, as configured at its members. */
    public String sessionName(int index) {
        return sessionNames.get(index);
    }

    /** Runs the scenario to the end and reports. Call once. */
    public SimSummary run() {
        if (ran) {
            throw new IllegalStateException("a world runs once");
        }
        ran = true;
        long startNs = clock.nowNs();
        long trafficEndNs = startNs + scenario.durationNs();
        long calmFromNs = trafficEndNs;
        for (int i = 0; i < scenario.partitions().size(); i++) {
            SimScenario.PartitionPlan plan = scenario.partitions().get(i);
            schedule(startNs + plan.startNs(), PARTITION_START, -1, i, -1, null);
            schedule(startNs + plan.endNs(), PARTITION_END, -1, i, -1, null);
            calmFromNs = Math.max(calmFromNs, startNs + plan.endNs());
        }
        for (int i = 0; i < scenario.crashes().size(); i++) {
            SimScenario.CrashPlan plan = scenario.crashes().get(i);
            schedule(startNs + plan.atNs(), CRASH, plan.node(), i, -1, null);
            long back = plan.restartAfterNs() >= 0 ? plan.atNs() + plan.restartAfterNs() : plan.atNs();
            calmFromNs = Math.max(calmFromNs, startNs + back);
        }
        for (int i = 0; i < scenario.rebinds().size(); i++) {
            SimScenario.RebindPlan plan = scenario.rebinds().get(i);
            schedule(startNs + plan.atNs(), REBIND, plan.node(), i, -1, null);
            calmFromNs = Math.max(calmFromNs, startNs + plan.atNs());
        }
        for (SimNode node : nodes) {
            node.start();
        }
        schedule(startNs + CHECK_INTERVAL_NS, CHECK, -1, -1, -1, null);
        long limitNs = calmFromNs + scenario.settleNs();
        boolean settled = false;
        while (true) {
            long nowNs = clock.nowNs();
            if (nowNs >= calmFromNs && datagramsInFlight == 0 && pendingSends == 0) {
                settled = true;
                break;
            }
            Scheduled head = queue.peek();
            if (head == null || head.timeNs > limitNs) {
                break;
            }
            clock.advanceTo(head.timeNs);
            while (!queue.isEmpty() && queue.peek().timeNs == head.timeNs) {
                process(queue.poll());
            }
            finishBatch(head.timeNs);
            if (queue.size() > SCHEDULED_MAX) {
                violate(Invariant.QUEUES_BOUNDED, "the simulator holds " + queue.size() + " scheduled actions");
                break;
            }
        }
        long settleNs = clock.nowNs() - calmFromNs;
        checkBounds(clock.nowNs());
        if (settled) {
            compareReplicas(true);
        } else {
            violate(
                    Invariant.REPLICAS_CONVERGE,
                    "not settled " + SimDurations.format(scenario.settleNs()) + " after the network calmed: "
                            + pendingSends + " sends without an outcome, " + datagramsInFlight
                            + " datagrams in flight");
        }
        return summary(settled, Math.max(0, settleNs));
    }

    private void schedule(long timeNs, int kind, int node, int index, int from, byte[] bytes) {
        queue.add(new Scheduled(timeNs, sequence++, kind, node, index, from, bytes));
    }

    private void process(Scheduled action) {
        trace = mix(trace ^ action.timeNs ^ ((long) action.kind << 56) ^ ((long) action.node << 24) ^ action.from);
        switch (action.kind) {
            case DELIVER -> deliver(action);
            case WAKE -> {
                SimNode node = nodes[action.node];
                if (node.core != null && node.incarnation == action.index && node.wakeNs == action.timeNs) {
                    node.wakeNs = Long.MAX_VALUE;
                    touch(node);
                }
            }
            case SEND -> {
                SimNode node = nodes[action.node];
                if (node.core != null && node.incarnation == action.index) {
                    node.send(action.timeNs);
                    node.scheduleSend(action.timeNs);
                }
            }
            case PARTITION_START ->
                partitionIds[action.index] = network.partition(scenario.partitions().get(action.index).nodes().stream()
                        .mapToInt(Integer::intValue)
                        .toArray());
            case PARTITION_END -> {
                network.heal(partitionIds[action.index]);
                if (network.partitions() == 0) {
                    // Healed: one check interval later, the replicas must agree on everything all members
                    // acknowledged so far, while traffic goes on.
                    schedule(action.timeNs + CHECK_INTERVAL_NS, CONVERGE, -1, -1, -1, null);
                }
            }
            case CONVERGE -> {
                if (network.partitions() == 0) {
                    compareReplicas(false);
                }
            }
            case CRASH -> {
                SimNode node = nodes[action.node];
                if (node.core != null) {
                    node.crash();
                    long restartAfterNs = scenario.crashes().get(action.index).restartAfterNs();
                    if (restartAfterNs >= 0) {
                        schedule(action.timeNs + restartAfterNs, RESTART, action.node, -1, -1, null);
                    }
                }
            }
            case RESTART -> {
                SimNode node = nodes[action.node];
                if (node.core == null) {
                    restarts++;
                    node.start();
                }
            }
            case REBIND -> {
                SimNode node = nodes[action.node];
                rebinds++;
                byAddress.remove(node.publicAddress);
                abandoned.add(node.publicAddress);
                node.generation++;
                node.publicAddress = node.addressAt(node.generation);
                byAddress.put(node.publicAddress, node);
            }
            case CHECK -> {
                checkBounds(action.timeNs);
                schedule(action.timeNs + CHECK_INTERVAL_NS, CHECK, -1, -1, -1, null);
            }
            default -> throw new IllegalStateException("unknown action " + action.kind);
        }
    }

    private void deliver(Scheduled action) {
        datagramsInFlight--;
        trace = mix(trace ^ Arrays.hashCode(action.bytes));
        SimNode to = nodes[action.node];
        if (to.generation != action.index >>> 16) {
            datagramsToOldAddresses++; // sent to a mapping the NAT has since dropped
            return;
        }
        if (to.core == null) {
            datagramsToDownNodes++;
            return;
        }
        // A partition that starts while a datagram is in flight catches it too, as a cut cable would.
        if (!network.connected(action.from, action.node)) {
            datagramsCutInFlight++;
            return;
        }
        datagramsDelivered++;
        ByteBuf buffer = Unpooled.wrappedBuffer(action.bytes);
        try {
            to.core.onDatagram(buffer, nodes[action.from].addressAt(action.index & 0xFFFF), to.local(action.timeNs));
        } finally {
            buffer.release();
        }
        touch(to);
    }

    private void touch(SimNode node) {
        if (!node.touched) {
            node.touched = true;
            touched.add(node);
        }
    }

    /** Flushes every node that had input at {@code nowNs}, once, as the real driver does after a read batch. */
    private void finishBatch(long nowNs) {
        for (int i = 0; i < touched.size(); i++) {
            SimNode node = touched.get(i);
            node.touched = false;
            if (node.core == null) {
                continue;
            }
            long localNs = node.local(nowNs);
            node.core.flush(localNs);
            long localDeadlineNs = node.core.nextDeadlineNs(localNs);
            if (localDeadlineNs != Long.MAX_VALUE) {
                long deadlineNs = localDeadlineNs - node.aheadNs;
                // A deadline at or before now after a flush would spin; the next nanosecond serves it as well.
                long wakeNs = Math.max(deadlineNs, nowNs + 1);
                if (wakeNs < node.wakeNs || node.wakeNs <= nowNs) {
                    node.wakeNs = wakeNs;
                    schedule(wakeNs, WAKE, node.index, node.incarnation, -1, null);
                }
            }
        }
        touched.clear();
    }

    private void checkBounds(long nowNs) {
        tallies.get(Invariant.QUEUES_BOUNDED).checks++;
        for (SimNode node : nodes) {
            if (node.core == null) {
                continue;
            }
            int limit = node.config.limits().sendQueueMax();
            for (NodeStatus.PeerStatus peer :
                    node.core.status(node.local(nowNs)).peers()) {
                if (peer.queued() > limit) {
                    violate(
                            Invariant.QUEUES_BOUNDED,
                            node.name + " holds " + peer.queued() + " events for " + peer.name() + " (limit " + limit
                                    + ")");
                }
            }
        }
        if (network.queueBytesObservedMax() > SimNetwork.LINK_QUEUE_BYTES_MAX) {
            violate(Invariant.QUEUES_BOUNDED, "a link queued " + network.queueBytesObservedMax() + " bytes");
        }
    }

    /**
     * Compares, per session, what every live member holds of the events that all members acknowledged so far. Valid at
     * any moment, not only at the end: an event counts once every member acknowledged it. {@code last} marks the final
     * comparison, whose event count goes into the summary.
     */
    private void compareReplicas(boolean last) {
        List<List<SentEvent>> comparable = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            comparable.add(new ArrayList<>());
        }
        for (SentEvent event : sent.values()) {
            if (event.outcome == SentEvent.ALL_ACKNOWLEDGED) {
                comparable.get(event.session).add(event);
            }
        }
        for (int s = 0; s < sessions.size(); s++) {
            List<SentEvent> events = comparable.get(s);
            if (last) {
                comparedEvents += events.size();
            }
            long fullOrder = 0;
            String fullOrderAt = null;
            for (int member : sessions.get(s)) {
                SimNode node = nodes[member];
                if (node.core == null) {
                    continue;
                }
                tallies.get(Invariant.REPLICAS_CONVERGE).checks++;
                Set<EventId> expected = new HashSet<>();
                for (SentEvent event : events) {
                    if (node.startNs <= event.sendNs) {
                        expected.add(event.id);
                    }
                }
                long order = 1;
                int held = 0;
                for (Event event : node.core.history(sessionNames.get(s))) {
                    if (expected.contains(event.id())) {
                        held++;
                        order = mix(order
                                ^ event.id().high()
                                ^ Long.rotateLeft(event.id().low(), 17));
                    }
                }
                if (held != expected.size()) {
                    violate(
                            Invariant.REPLICAS_CONVERGE,
                            node.name + " holds " + held + " of the " + expected.size() + " events of session "
                                    + sessionNames.get(s) + " that all members acknowledged");
                    tallies.get(Invariant.NO_ACKNOWLEDGED_EVENT_LOST).checks++;
                    violate(
                            Invariant.NO_ACKNOWLEDGED_EVENT_LOST,
                            node.name + " lost " + (expected.size() - held) + " acknowledged events of session "
                                    + sessionNames.get(s));
                } else if (expected.size() == events.size()) {
                    if (fullOrderAt == null) {
                        fullOrder = order;
                        fullOrderAt = node.name;
                    } else if (order != fullOrder) {
                        violate(
                                Invariant.REPLICAS_CONVERGE,
                                node.name + " and " + fullOrderAt + " hold the events of session " + sessionNames.get(s)
                                        + " in different orders");
                    }
                }
            }
        }
    }

    private void violate(Invariant invariant, String message) {
        tallies.get(invariant).failures++;
        if (violations.size() < VIOLATIONS_KEPT) {
            violations.add(String.format(
                    Locale.ROOT,
                    "%s: at %s: %s",
                    invariant.description(),
                    SimDurations.millis(clock.elapsedNs()),
                    message));
        }
    }

    private void onDelivered(SimNode node, DeliveredEvent delivered, long nowNs) {
        EventId id = delivered.event().id();
        tallies.get(Invariant.NO_DUPLICATE_DELIVERY).checks++;
        if (!node.delivered.add(id)) {
            violate(Invariant.NO_DUPLICATE_DELIVERY, node.name + " delivered event " + id + " twice");
        }
        if (delivered.local()) {
            node.onLocalDelivery(delivered.event());
            return;
        }
        deliveries++;
        SentEvent event = sent.get(id);
        if (event != null) {
            tallies.get(Invariant.IN_ORDER_PER_AUTHOR).checks++;
            Long previous = node.lastOrdinalFrom.put(event.author, event.ordinal);
            if (previous != null && previous > event.ordinal) {
                node.lastOrdinalFrom.put(event.author, previous);
                violate(
                        Invariant.IN_ORDER_PER_AUTHOR,
                        node.name + " delivered event #" + event.ordinal + " of " + nodes[event.author].name
                                + " after #" + previous);
            }
            if (latencyCount == latenciesNs.length) {
                latenciesNs = Arrays.copyOf(latenciesNs, latencyCount * 2);
            }
            latenciesNs[latencyCount++] = nowNs - event.sendNs;
        }
    }

    private void onSendResult(SimNode author, int incarnation, SendResult result) {
        if (author.incarnation != incarnation) {
            return;
        }
        SentEvent event = sent.get(result.id());
        if (event == null) {
            throw new IllegalStateException("a send result for an event never sent: " + result.id());
        }
        pendingSends--;
        author.pendingSends--;
        event.outcome = result.allAcknowledged() ? SentEvent.ALL_ACKNOWLEDGED : SentEvent.FAILED;
        if (result.allAcknowledged()) {
            sendsAcknowledged++;
        } else {
            sendsFailed++;
        }
        for (String peer : result.acknowledgedBy()) {
            acknowledgements++;
            SimNode member = byName.get(peer);
            tallies.get(Invariant.NO_ACKNOWLEDGED_EVENT_LOST).checks++;
            if (member.core != null && member.delivered.contains(event.id)) {
                continue;
            }
            if (member.core == null || member.startNs > event.sendNs) {
                // The acknowledgement came from an incarnation that has since crashed, taking the event with it:
                // expected while nothing is persisted.
                acknowledgementsFromLostIncarnations++;
            } else {
                violate(
                        Invariant.NO_ACKNOWLEDGED_EVENT_LOST,
                        member.name + " acknowledged event " + event.id + " from " + author.name
                                + " but does not hold it");
            }
        }
    }

    private SimSummary summary(boolean settled, long settleNs) {
        long[] sorted = Arrays.copyOf(latenciesNs, latencyCount);
        Arrays.sort(sorted);
        Map<String, Long> rejects = new TreeMap<>();
        for (SimNode node : nodes) {
            if (node.core == null) {
                continue;
            }
            for (Map.Entry<RejectReason, Long> entry :
                    node.core.rejects().snapshot().entrySet()) {
                if (entry.getValue() > 0) {
                    rejects.merge(entry.getKey().label(), entry.getValue(), Long::sum);
                }
            }
        }
        Map<String, SimSummary.InvariantResult> invariants = new LinkedHashMap<>();
        for (Invariant invariant : Invariant.values()) {
            invariants.put(
                    invariant.description(),
                    new SimSummary.InvariantResult(tallies.get(invariant).checks, tallies.get(invariant).failures));
        }
        return new SimSummary(
                seed,
                scenario,
                sessions.size(),
                new SimSummary.Sends(
                        eventsSent, sendsRefused, sendsAcknowledged, sendsFailed, sendsAbandoned, pendingSends),
                deliveries,
                acknowledgements,
                acknowledgementsFromLostIncarnations,
                percentile(sorted, 50),
                percentile(sorted, 90),
                percentile(sorted, 99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1],
                new SimSummary.Datagrams(
                        network.sent(),
                        datagramsDelivered,
                        network.lost(),
                        network.duplicated(),
                        network.reordered(),
                        network.partitioned() + datagramsCutInFlight,
                        network.queueDropped(),
                        datagramsToDownNodes,
                        datagramsToOldAddresses),
                crashes,
                restarts,
                rebinds,
                migrations(),
                settled,
                settleNs,
                clock.elapsedNs(),
                comparedEvents,
                eventsSent - comparedEvents,
                rejects,
                invariants,
                List.copyOf(violations),
                String.format(Locale.ROOT, "%016x", trace),
                replayCommand);
    }

    /** Peer entries moved to a new address, summed over the nodes running now. */
    private long migrations() {
        long moved = 0;
        for (SimNode node : nodes) {
            if (node.core != null) {
                for (NodeStatus.PeerStatus peer :
                        node.core.status(node.local(clock.nowNs())).peers()) {
                    moved += peer.migrations();
                }
            }
        }
        return moved;
    }

    private static long percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** SplitMix64's finaliser: spreads every input bit over the output. */
    static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One scheduled action; {@code sequence} orders actions due at the same time by when they were scheduled. */
    private static final class Scheduled implements Comparable<Scheduled> {
        final long timeNs;
        final long sequence;
        final int kind;
        final int node;
        final int index;
        final int from;
        final byte[] bytes;

        Scheduled(long timeNs, long sequence, int kind, int node, int index, int from, byte[] bytes) {
            this.timeNs = timeNs;
            this.sequence = sequence;
            this.kind = kind;
            this.node = node;
            this.index = index;
            this.from = from;
            this.bytes = bytes;
        }

        @Override
        public int compareTo(Scheduled other) {
            int byTime = Long.compare(timeNs, other.timeNs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Scheduled scheduled && scheduled.sequence == sequence;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence);
        }
    }

    /** Checks and failures of one invariant. */
    private static final class Tally {
        long checks;
        long failures;
    }

    /** What the world remembers of one sent event. */
    private static final class SentEvent {
        static final int PENDING = 0;
        static final int ALL_ACKNOWLEDGED = 1;
        static final int FAILED = 2;

        final EventId id;
        final int session;
        final long sendNs;
        /** The author's node index, and the event's place among everything that node sent, over all incarnations. */
        final int author;

        final long ordinal;
        int outcome = PENDING;

        SentEvent(EventId id, int session, long sendNs, int author, long ordinal) {
            this.id = id;
            this.session = session;
            this.sendNs = sendNs;
            this.author = author;
            this.ordinal = ordinal;
        }
    }

    /**
     * The future of one send. The core completes it on the loop thread, at the virtual time of the acknowledgement or
     * failure; overriding {@link #complete} records the outcome right then, with no dependent stage whose own future
     * would have to be kept.
     */
    private final class Receipt extends CompletableFuture<SendResult> {
        private final SimNode author;
        private final int incarnation;

        Receipt(SimNode author, int incarnation) {
            this.author = author;
            this.incarnation = incarnation;
        }

        @Override
        public boolean complete(SendResult result) {
            boolean first = super.complete(result);
            if (first) {
                onSendResult(author, incarnation, result);
            }
            return first;
        }
    }

    /** A send the core accepted, waiting for its local delivery. */
    private record LocalSend(Receipt receipt, int session, long sendNs) {}

    /** The identity of node {@code index}: from the seed alone, so every node's config can name every other's. */
    private Identity identityOf(int index) {
        byte[] identitySeed = new byte[32];
        new SplittableRandom(mix(seed ^ mix(index))).nextBytes(identitySeed);
        return Identity.fromSeed(identitySeed);
    }

    /** One simulated node: its identity and config, which survive crashes, and its current core, which does not. */
    private final class SimNode {
        final int index;
        final String name;
        /** The address the node binds, and where its peers' configs say it is. */
        final InetSocketAddress address;
        /** Where the others see it now: {@link #address} until its NAT rebinds. */
        InetSocketAddress publicAddress;
        /** How many times its NAT rebound. */
        int generation;

        final List<Integer> sessionIndices;
        /** How far its wall clock is ahead of the simulation's true time (behind when negative). */
        final long aheadNs;

        final Outbox outbox = new SimOutbox(this);
        Identity identity;
        NodeConfig config;
        NodeCore core;
        int incarnation;
        long startNs;
        long wakeNs = Long.MAX_VALUE;
        boolean touched;
        Set<EventId> delivered = new HashSet<>();
        /** Per author node index, the highest ordinal this incarnation delivered. */
        Map<Integer, Long> lastOrdinalFrom = new HashMap<>();
        /** Events this node sent, over all its incarnations. */
        long ordinalCounter;
        /**
         * Sends accepted by the core and not yet delivered locally: the core signs a batch of events when it flushes,
         * and only then do they pass the stages, in the order they were sent.
         */
        final ArrayDeque<LocalSend> awaitingLocal = new ArrayDeque<>();

        long pendingSends;
        long textCounter;

        SimNode(int index, String name, InetSocketAddress address, List<Integer> sessionIndices) {
            this.index = index;
            this.name = name;
            this.address = address;
            this.publicAddress = address;
            this.sessionIndices = sessionIndices;
            this.aheadNs = scenario.clockAheadNs(index);
        }

        /** True time {@code worldNs} as this node's own clock reads it. */
        long local(long worldNs) {
            return worldNs + aheadNs;
        }

        /** Where the others saw this node after {@code rebound} NAT rebinds: a new port on the same address. */
        InetSocketAddress addressAt(int rebound) {
            return rebound == 0 ? address : new InetSocketAddress(address.getAddress(), PORT + rebound);
        }

        void configure() {
            identity = identityOf(index);
            Set<Integer> peers = new TreeSet<>();
            for (int s : sessionIndices) {
                peers.addAll(sessions.get(s));
            }
            peers.remove(index);
            NodeConfig.Builder builder = NodeConfig.builder(name)
                    .bind(address.getAddress().getHostAddress(), PORT)
                    .limits(new Limits(
                            Math.max(Limits.DEFAULT.peersMax(), peers.size() + 1),
                            Limits.DEFAULT.sendQueueMax(),
                            Limits.DEFAULT.textBytesMax(),
                            Limits.DEFAULT.deliveryTimeoutMs(),
                            Limits.DEFAULT.subscribersMax(),
                            Limits.DEFAULT.flowQueueMax()));
            for (int peer : peers) {
                // Each peer with its id and key, as a config for a configured session should have them: a configured
                // session admits the identities its config pins, and one not pinned only at its configured address.
                Identity other = identityOf(peer);
                builder.peer(
                        nodes[peer].name,
                        nodes[peer].address.getAddress().getHostAddress() + ":" + PORT,
                        other.nodeId().toString(),
                        java.util.Base64.getEncoder().encodeToString(other.staticPublicKey()));
            }
            for (int s : sessionIndices) {
                List<String> members = new ArrayList<>();
                for (int member : sessions.get(s)) {
                    if (member != index) {
                        members.add(nodes[member].name);
                    }
                }
                builder.session(sessionNames.get(s), members.toArray(new String[0]));
            }
            try {
                config = builder.build();
            } catch (ConfigException e) {
                throw new IllegalStateException("the simulator built an invalid config for " + name, e);
            }
        }

        /** Starts a fresh core: the first start, or a restart with the same identity and nothing remembered. */
        void start() {
            long nowNs = clock.nowNs();
            int thisIncarnation = incarnation;
            long coreSeed = mix(seed ^ mix(index) ^ mix(~incarnation));
            core = new NodeCore(
                    config,
                    identity,
                    new SplittableRandom(coreSeed),
                    new SeededSecureRandom(mix(coreSeed)),
                    outbox,
                    verifier);
            startNs = nowNs;
            core.subscribe(
                    delivery -> {
                        if (incarnation == thisIncarnation) {
                            onDelivered(this, delivery, clock.nowNs());
                        }
                    },
                    0);
            scheduleSend(nowNs);
        }

        void crash() {
            crashes++;
            core = null;
            incarnation++;
            delivered = new HashSet<>();
            lastOrdinalFrom = new HashMap<>();
            sendsAbandoned += awaitingLocal.size(); // never signed: they die with the node's memory
            awaitingLocal.clear();
            wakeNs = Long.MAX_VALUE;
            // Sends still waiting for acknowledgements die with the node; they have no outcome to wait for.
            SimWorld.this.pendingSends -= pendingSends;
            sendsAbandoned += pendingSends;
            pendingSends = 0;
        }

        void scheduleSend(long nowNs) {
            if (scenario.messagesPerSecond() <= 0 || sessionIndices.isEmpty()) {
                return;
            }
            double gapSeconds = -Math.log(1 - traffic.nextDouble()) / scenario.messagesPerSecond();
            long atNs = nowNs + Math.max(1, (long) (gapSeconds * 1e9));
            if (atNs < clock.startNs() + scenario.durationNs()) {
                schedule(atNs, SEND, index, incarnation, -1, null);
            }
        }

        void send(long nowNs) {
            int session = sessionIndices.get(traffic.nextInt(sessionIndices.size()));
            int length =
                    scenario.textBytesMin() + traffic.nextInt(scenario.textBytesMax() - scenario.textBytesMin() + 1);
            StringBuilder text = new StringBuilder(length);
            text.append(name).append(" #").append(textCounter++).append(' ');
            while (text.length() < length) {
                text.append((char) ('a' + text.length() % 26));
            }
            text.setLength(length);
            Receipt receipt = new Receipt(this, incarnation);
            core.sendText(SendTarget.session(sessionNames.get(session)), text.toString(), local(nowNs), receipt);
            if (receipt.isCompletedExceptionally()) {
                sendsRefused++;
                return;
            }
            awaitingLocal.add(new LocalSend(receipt, session, nowNs));
            touch(this);
        }

        /** This node's own event passed the stages: the oldest send still waiting made it. */
        void onLocalDelivery(Event event) {
            LocalSend send;
            while ((send = awaitingLocal.poll()) != null && send.receipt().isCompletedExceptionally()) {
                sendsRefused++; // refused when its batch was signed and validated
            }
            if (send == null) {
                throw new IllegalStateException(
                        name + " delivered its own event " + event.id() + " that it never sent");
            }
            eventsSent++;
            pendingSends++;
            SimWorld.this.pendingSends++;
            sent.put(event.id(), new SentEvent(event.id(), send.session(), send.sendNs(), index, ordinalCounter++));
        }
    }

    /** Where one node's datagrams go: copied to a byte array, released, and handed to the network. */
    private final class SimOutbox implements Outbox {
        private final SimNode from;

        SimOutbox(SimNode from) {
            this.from = from;
        }

        @Override
        public ByteBuf allocate() {
            return Unpooled.buffer(io.elara.node.wire.PacketHeaderFlyweight.DATAGRAM_LENGTH_MAX);
        }

        @Override
        public void send(ByteBuf datagram, InetSocketAddress recipient) {
            byte[] bytes;
            try {
                bytes = new byte[datagram.readableBytes()];
                datagram.getBytes(datagram.readerIndex(), bytes);
            } finally {
                datagram.release();
            }
            SimNode to = byAddress.get(recipient);
            if (to == null) {
                if (!abandoned.contains(recipient)) {
                    throw new IllegalStateException(
                            from.name + " sent to " + recipient + ", which is no simulated node");
                }
                datagramsToOldAddresses++; // the NAT dropped that mapping when it rebound
                return;
            }
            int copies = network.transmit(from.index, to.index, bytes.length, clock.nowNs(), arrivalsNs);
            for (int i = 0; i < copies; i++) {
                datagramsInFlight++;
                schedule(arrivalsNs[i], DELIVER, to.index, to.generation << 16 | from.generation, from.index, bytes);
            }
        }
    }
}
