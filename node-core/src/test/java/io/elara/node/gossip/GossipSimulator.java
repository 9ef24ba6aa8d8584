package io.elara.node.gossip;

import io.elara.node.event.EventId;
import io.elara.node.sim.LinkProfile;
import io.elara.node.sim.SimNetwork;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event simulator for the gossip layer: {@code n} {@link GossipNode}s in one thread, virtual
 * time, and {@link SimNetwork} for per-link latency, loss and partitions. Churn: a node can crash (its state is lost
 * except the ids it delivered, as the node's store keeps them) and restart, leave the session and join it. Every random
 * choice comes from the seed. A tracker records each delivery and flags any duplicate or any delivery of an id no one
 * broadcast.
 */
final class GossipSimulator {
    /** Payload bytes of each broadcast message. */
    static final int PAYLOAD_LENGTH = 256;

    private final int count;
    private final long seed;
    private final GossipConfig config;
    private final SimNetwork network;
    private final SplittableRandom random;
    private final GossipNode[] nodes;
    private final Outbox[] outboxes;
    private final boolean[] member;
    private final int[] incarnation;
    private final long[] wakeAtNs;
    private final boolean[] slow;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final HashMap<EventId, Message> messages = new HashMap<>();
    private final List<Message> messageList = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final long[] arrivals = new long[2];
    private long nowNs;
    private long sequence;

    final long[] bytesSent;
    final long[] framesSent;
    final long[] payloadFramesSent;
    final List<Long> latenciesNs = new ArrayList<>();
    final List<Integer> hops = new ArrayList<>();
    boolean measuring;

    /** One broadcast, and who has delivered it. */
    static final class Message {
        final EventId id;
        final int origin;
        final long sentNs;
        final BitSet expected;
        final BitSet delivered = new BitSet();

        Message(EventId id, int origin, long sentNs, BitSet expected) {
            this.id = id;
            this.origin = origin;
            this.sentNs = sentNs;
            this.expected = expected;
        }
    }

    private abstract static class Event implements Comparable<Event> {
        long atNs;
        long order;

        abstract void run();

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atNs, other.atNs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    GossipSimulator(int count, long seed, LinkProfile link, GossipConfig config) {
        this.count = count;
        this.seed = seed;
        this.config = config;
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(count, new SplittableRandom(seed ^ 0x5DEECE66DL), link);
        this.nodes = new GossipNode[count];
        this.outboxes = new Outbox[count];
        this.member = new boolean[count];
        this.incarnation = new int[count];
        this.wakeAtNs = new long[count];
        this.slow = new boolean[count];
        this.bytesSent = new long[count];
        this.framesSent = new long[count];
        this.payloadFramesSent = new long[count];
        for (int i = 0; i < count; i++) {
            outboxes[i] = new Outbox(i);
            wakeAtNs[i] = Long.MAX_VALUE;
        }
    }

    /** Makes the first {@code members} nodes members and starts them at random times within {@code spreadNs}. */
    void startAll(int members, long spreadNs) {
        for (int i = 0; i < members; i++) {
            member[i] = true;
        }
        for (int i = 0; i < members; i++) {
            int node = i;
            at(nowNs + random.nextLong(spreadNs + 1), () -> boot(node));
        }
    }

    private void boot(int node) {
        GossipNode gossip =
                new GossipNode(node, config, new SplittableRandom(seed * 31 + node * 1_000_003L + incarnation[node]));
        for (int peer = 0; peer < count; peer++) {
            if (member[peer]) {
                gossip.addMember(peer);
            }
        }
        for (Message message : messageList) {
            if (message.delivered.get(node)) {
                gossip.restore(message.id);
            }
        }
        nodes[node] = gossip;
        gossip.start(nowNs, outboxes[node]);
        reschedule(node);
    }

    /** Crashes {@code node}: its in-memory state is gone; frames to it are lost. */
    void crash(int node) {
        nodes[node] = null;
        incarnation[node]++;
    }

    /** Restarts a crashed node from its store (the ids it delivered). */
    void restart(int node) {
        if (nodes[node] == null && member[node]) {
            boot(node);
        }
    }

    /** {@code node} leaves the session: it tells its neighbours, and every member forgets it. */
    void leave(int node) {
        if (nodes[node] != null) {
            nodes[node].leave(nowNs, outboxes[node]);
            nodes[node] = null;
        }
        member[node] = false;
        for (int i = 0; i < count; i++) {
            if (nodes[i] != null) {
                nodes[i].removeMember(node, nowNs);
                reschedule(i);
            }
        }
    }

    /** {@code node} joins the session (membership reaches every member at once; the real node syncs an OR-Set). */
    void join(int node) {
        member[node] = true;
        for (int i = 0; i < count; i++) {
            if (nodes[i] != null && i != node) {
                nodes[i].addMember(node);
            }
        }
        boot(node);
    }

    boolean live(int node) {
        return nodes[node] != null;
    }

    GossipNode node(int node) {
        return nodes[node];
    }

    /** Makes every link towards {@code node} unwritable (a receiver that drains nothing), or writable again. */
    void slow(int node, boolean isSlow) {
        slow[node] = isSlow;
        if (!isSlow) {
            for (int i = 0; i < count; i++) {
                if (nodes[i] != null) {
                    nodes[i].flush(nowNs, outboxes[i]);
                    reschedule(i);
                }
            }
        }
    }

    int partition(int... inside) {
        return network.partition(inside);
    }

    void heal(int partition) {
        network.heal(partition);
    }

    boolean connected(int from, int to) {
        return network.connected(from, to);
    }

    /** Broadcasts a random payload from {@code node} now; expected at every live member connected to it. */
    Message broadcast(int node) {
        byte[] payload = new byte[PAYLOAD_LENGTH];
        random.nextBytes(payload);
        EventId id = new EventId(random.nextLong(), random.nextLong());
        BitSet expected = new BitSet(count);
        for (int i = 0; i < count; i++) {
            if (member[i]) {
                expected.set(i);
            }
        }
        Message message = new Message(id, node, nowNs, expected);
        messages.put(id, message);
        messageList.add(message);
        nodes[node].broadcast(id, payload, nowNs, outboxes[node]);
        reschedule(node);
        return message;
    }

    void at(long atNs, Runnable action) {
        schedule(atNs, action);
    }

    private void schedule(long atNs, Runnable action) {
        Event event = new Event() {
            @Override
            void run() {
                action.run();
            }
        };
        event.atNs = atNs;
        event.order = sequence++;
        queue.add(event);
    }

    void runUntil(long untilNs) {
        while (!queue.isEmpty() && queue.peek().atNs <= untilNs) {
            Event event = queue.poll();
            nowNs = event.atNs;
            event.run();
        }
        nowNs = Math.max(nowNs, untilNs);
    }

    /**
     * Runs in steps of {@code stepNs} until every live member has every message it should have, or {@code limitNs};
     * returns the time it converged, or -1.
     */
    long runUntilConverged(long limitNs, long stepNs) {
        while (nowNs < limitNs) {
            if (missing() == 0) {
                return nowNs;
            }
            runUntil(Math.min(limitNs, nowNs + stepNs));
        }
        return missing() == 0 ? nowNs : -1;
    }

    /** Pairs (live member, message) where the member was a member when it was sent and has not delivered it. */
    long missing() {
        return missing(messageList);
    }

    /** As {@link #missing()}, for {@code among} only. */
    long missing(List<Message> among) {
        return missing(among, false);
    }

    /** As {@link #missing(List)}; with {@code neverCrashed}, only among nodes that have not crashed. */
    long missing(List<Message> among, boolean neverCrashed) {
        long missing = 0;
        for (Message message : among) {
            for (int node = message.expected.nextSetBit(0); node >= 0; node = message.expected.nextSetBit(node + 1)) {
                if (nodes[node] != null
                        && member[node]
                        && !message.delivered.get(node)
                        && (!neverCrashed || incarnation[node] == 0)) {
                    missing++;
                }
            }
        }
        return missing;
    }

    long nowNs() {
        return nowNs;
    }

    int count() {
        return count;
    }

    SplittableRandom random() {
        return random;
    }

    List<String> violations() {
        return violations;
    }

    List<Message> messages() {
        return messageList;
    }

    int liveCount() {
        int live = 0;
        for (GossipNode node : nodes) {
            if (node != null) {
                live++;
            }
        }
        return live;
    }

    /** The largest queue any node has held towards one neighbour, in bytes. */
    long queuedBytesObservedMax() {
        long max = 0;
        for (GossipNode node : nodes) {
            if (node != null) {
                max = Math.max(max, node.queuedBytesObservedMax());
            }
        }
        return max;
    }

    long rejectsTotal() {
        long total = 0;
        for (GossipNode node : nodes) {
            if (node != null) {
                for (GossipReject reason : GossipReject.values()) {
                    if (reason != GossipReject.NONE) {
                        total += node.rejects(reason);
                    }
                }
            }
        }
        return total;
    }

    private void reschedule(int node) {
        GossipNode gossip = nodes[node];
        if (gossip == null) {
            return;
        }
        long next = gossip.nextDeadlineNs();
        if (next < wakeAtNs[node]) {
            wakeAtNs[node] = next;
            int generation = incarnation[node];
            schedule(Math.max(next, nowNs), () -> wake(node, next, generation));
        }
    }

    private void wake(int node, long dueNs, int generation) {
        if (generation != incarnation[node] || wakeAtNs[node] != dueNs || nodes[node] == null) {
            return;
        }
        wakeAtNs[node] = Long.MAX_VALUE;
        nodes[node].onTimer(nowNs, outboxes[node]);
        reschedule(node);
    }

    private void arrive(int from, int to, byte[] frame, int generation) {
        if (nodes[to] == null || generation != incarnation[to]) {
            return;
        }
        nodes[to].onDatagram(from, frame, 0, frame.length, nowNs, outboxes[to]);
        reschedule(to);
    }

    /** The simulated effects of one node. */
    private final class Outbox implements GossipOutbox {
        private final int self;

        Outbox(int self) {
            this.self = self;
        }

        @Override
        public boolean writable(int peer) {
            return !slow[peer];
        }

        @Override
        public void send(int peer, byte[] frame) {
            bytesSent[self] += frame.length;
            framesSent[self]++;
            if (frame[GossipFrame.TYPE_OFFSET] == GossipFrame.TYPE_GOSSIP) {
                payloadFramesSent[self]++;
            }
            int copies = network.transmit(self, peer, frame.length, nowNs, arrivals);
            int generation = incarnation[peer];
            for (int i = 0; i < copies; i++) {
                schedule(arrivals[i], () -> arrive(self, peer, frame, generation));
            }
        }

        @Override
        public void deliver(EventId id, byte[] payload, int hopCount) {
            Message message = messages.get(id);
            if (message == null) {
                violations.add("node " + self + " delivered " + id + ", which no node broadcast");
                return;
            }
            if (message.delivered.get(self)) {
                violations.add("node " + self + " delivered " + id + " twice");
                return;
            }
            message.delivered.set(self);
            if (measuring && self != message.origin) {
                latenciesNs.add(nowNs - message.sentNs);
                hops.add(hopCount);
            }
        }
    }
}
