package io.elara.node.gossip;

import io.elara.node.event.EventId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One member's side of the session broadcast: a sans-I/O state machine. It keeps a bounded partial view of the
 * session's members (an active view of neighbours it exchanges frames with and a passive view of replacements, after
 * HyParView) and broadcasts over it, after Plumtree: a message is pushed eagerly along a spanning tree and announced
 * lazily (IHAVE) on the other links; a node that hears of a message it lacks asks for it (GRAFT), which also repairs
 * the tree, and a duplicate arriving over a tree link prunes that link (PRUNE).
 *
 * <p><b>The hybrid.</b> Pure Plumtree sends each payload once per node, but at 5% loss per packet a tree of depth 4-6
 * loses some branch on most messages, and the repair costs a GRAFT timeout plus a round trip, so its p99 latency is
 * many hops. Each node therefore sends {@link GossipConfig#eagerFanout} payload copies when it first receives a message:
 * its tree links, topped up with lazy links chosen at random and marked REDUNDANT (a duplicate of one prunes nothing).
 * That is a push epidemic of fixed fanout over the overlay: a message reaches almost every member within about log(n)
 * / log(fanout - 1) hops whatever single packets are lost, while the tree keeps paths short, and IHAVE/GRAFT plus a
 * periodic digest exchange with a random member (anti-entropy) repair what the pushes miss and what a partition kept
 * away. The top-up stops {@link GossipConfig#redundantHops} hops from the origin, where almost every member has the
 * message. Costs per node and message stay constant: at most {@code eagerFanout} payloads (the origin: one per
 * neighbour) and one IHAVE per other neighbour, so bandwidth is O(message rate × active view), independent of the
 * session size. docs/GOSSIP.md has the measured figures.
 *
 * <p><b>Backpressure.</b> Frames to a neighbour wait in that neighbour's queue, bounded by {@link
 * GossipConfig#queueBytesMax} and drained only while {@link GossipOutbox#writable} holds. Past half the bound the
 * neighbour gets IHAVEs instead of payloads; a full queue drops (counted) and the neighbour recovers by GRAFT or
 * anti-entropy; a queue above half its bound for {@link GossipConfig#slowPeerTimeoutNs} drops the neighbour from the
 * active view. Other neighbours' queues are never touched, so one slow member cannot stall or bloat the rest.
 *
 * <p>Peers are named by small non-negative integers the caller assigns (the session's member handles). Time is an
 * argument; the node reads no clock and starts no thread. Every method runs on the owner's loop thread.
 */
@SuppressWarnings("EnumOrdinal") // the reject counters are a long[] by ordinal, as STYLE.md section 7.6 prescribes
public final class GossipNode {
    private static final long NONE = Long.MAX_VALUE;

    private final int self;
    private final GossipConfig config;
    private final RandomGenerator random;
    private final GossipFrame frame = new GossipFrame();
    private final long[] rejects = new long[GossipReject.values().length];

    private final ArrayList<Integer> members = new ArrayList<>();
    private final HashMap<Integer, Integer> memberIndex = new HashMap<>();
    private final LinkedHashMap<Integer, PeerLink> active = new LinkedHashMap<>();
    private final ArrayList<Integer> passive = new ArrayList<>();
    private final LinkedHashMap<Integer, Long> pendingNeighbors = new LinkedHashMap<>();

    private final SeenSet seen;
    private final MessageCache cache;
    private final LinkedHashMap<EventId, Missing> missing = new LinkedHashMap<>();
    private final EventId[] scratchIds = new EventId[GossipFrame.IDS_MAX];
    private final ArrayList<PeerLink> scratchLinks = new ArrayList<>();

    private boolean started;
    private boolean left;
    private long fillDueNs = NONE;
    private long antiEntropyDueNs = NONE;
    private boolean rewiredThisRound;

    private long delivered;
    private long duplicates;
    private long payloadsSent;
    private long framesSent;
    private long bytesSent;
    private long queueDrops;
    private long ihaveDrops;
    private long directDrops;
    private long graftsSent;
    private long neighborFailures;
    private long slowPeersDropped;
    private long queuedBytesObservedMax;

    /** Per active neighbour: tree state, outbound queue and liveness. */
    private static final class PeerLink {
        final int peer;
        boolean eager = true;
        final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        int queuedBytes;
        long congestedSinceNs = NONE;
        final ArrayList<EventId> pendingIhave = new ArrayList<>();
        long ihaveDueNs = NONE;
        long lastHeardNs;
        long lastSentNs;

        PeerLink(int peer, long nowNs) {
            this.peer = peer;
            this.lastHeardNs = nowNs;
            this.lastSentNs = nowNs;
        }
    }

    /** An id announced to this node that it has not received yet. */
    private static final class Missing {
        final ArrayDeque<Integer> announcers = new ArrayDeque<>();
        long deadlineNs;

        Missing(long deadlineNs) {
            this.deadlineNs = deadlineNs;
        }
    }

    /**
     * @param self this node's handle
     * @param config tuning and bounds
     * @param random the source of every random choice (view sampling, redundant targets, anti-entropy partners); seed
     *     it for a reproducible run
     */
    public GossipNode(int self, GossipConfig config, RandomGenerator random) {
        this.self = self;
        this.config = config;
        this.random = random;
        this.seen = new SeenSet(config.seenMax());
        this.cache = new MessageCache(config.cacheMax());
    }

    public int self() {
        return self;
    }

    /** Learns that {@code peer} is a session member (from the membership state). */
    public void addMember(int peer) {
        if (peer == self || memberIndex.containsKey(peer)) {
            return;
        }
        memberIndex.put(peer, members.size());
        members.add(peer);
        if (active.containsKey(peer)) {
            return;
        }
        if (passive.size() < config.passiveViewSize()) {
            passive.add(peer);
        } else if (random.nextInt(members.size()) < config.passiveViewSize()) {
            // Reservoir sampling keeps the passive view a uniform sample of the members seen so far.
            passive.set(random.nextInt(passive.size()), peer);
        }
    }

    /** Learns that {@code peer} left the session or was removed: it is forgotten without a message. */
    public void removeMember(int peer, long nowNs) {
        Integer index = memberIndex.remove(peer);
        if (index == null) {
            return;
        }
        int last = members.remove(members.size() - 1);
        if (last != peer) {
            members.set(index, last);
            memberIndex.put(last, index);
        }
        passive.remove(Integer.valueOf(peer));
        pendingNeighbors.remove(peer);
        if (active.remove(peer) != null) {
            scheduleFill(nowNs);
        }
    }

    /** Marks {@code id} as already had (the node resumes from its store); it will not be delivered again. */
    public void restore(EventId id) {
        seen.add(id);
    }

    /** Starts building the active view and the anti-entropy rounds. */
    public void start(long nowNs, GossipOutbox out) {
        started = true;
        left = false;
        // A (re)started node asks for a digest soon: it may have missed messages while it was away.
        antiEntropyDueNs = nowNs + jitter(config.antiEntropyIntervalNs() / 4);
        scheduleFill(nowNs);
        onTimer(nowNs, out);
    }

    /** Leaves the overlay: tells every neighbour, forgets the views and stops all timers. */
    public void leave(long nowNs, GossipOutbox out) {
        for (PeerLink link : active.values()) {
            sendDirect(link.peer, GossipFrame.control(GossipFrame.TYPE_DISCONNECT, 0), out);
        }
        active.clear();
        pendingNeighbors.clear();
        missing.clear();
        left = true;
        started = false;
        fillDueNs = NONE;
        antiEntropyDueNs = NONE;
    }

    /** Broadcasts {@code payload} under a new random id; delivers it locally too. Returns the id. */
    public EventId broadcast(byte[] payload, long nowNs, GossipOutbox out) {
        EventId id = EventId.random(random);
        broadcast(id, payload, nowNs, out);
        return id;
    }

    /** Broadcasts {@code payload} under {@code id}; delivers it locally. A seen id is not sent again. */
    public void broadcast(EventId id, byte[] payload, long nowNs, GossipOutbox out) {
        if (payload.length > GossipFrame.PAYLOAD_LENGTH_MAX) {
            throw new IllegalArgumentException("payload longer than " + GossipFrame.PAYLOAD_LENGTH_MAX + " bytes");
        }
        if (!seen.add(id)) {
            return;
        }
        cache.put(id, payload, 0);
        delivered++;
        out.deliver(id, payload, 0);
        forward(id, payload, 1, -1, nowNs);
        finish(nowNs, out);
    }

    /**
     * A frame from {@code from} arrived. Returns why it was dropped, or {@link GossipReject#NONE}; a drop is counted
     * and changes nothing. Never throws on malformed input. The array is not kept.
     */
    public GossipReject onDatagram(int from, byte[] bytes, int offset, int length, long nowNs, GossipOutbox out) {
        GossipReject reject = frame.wrap(bytes, offset, length);
        if (reject == GossipReject.NONE && !memberIndex.containsKey(from)) {
            reject = GossipReject.GOSSIP_NOT_MEMBER;
        }
        if (reject != GossipReject.NONE) {
            rejects[reject.ordinal()]++;
            return reject;
        }
        if (left) {
            return GossipReject.NONE;
        }
        PeerLink link = active.get(from);
        if (link != null) {
            link.lastHeardNs = nowNs;
        }
        switch (frame.type()) {
            case GossipFrame.TYPE_GOSSIP -> onGossip(from, link, nowNs, out);
            case GossipFrame.TYPE_IHAVE -> onIhave(from, link, nowNs, out);
            case GossipFrame.TYPE_GRAFT -> onGraft(from, link, nowNs, out);
            case GossipFrame.TYPE_PRUNE -> {
                if (link == null) {
                    rejects[GossipReject.GOSSIP_NOT_NEIGHBOUR.ordinal()]++;
                    return GossipReject.GOSSIP_NOT_NEIGHBOUR;
                }
                link.eager = false;
            }
            case GossipFrame.TYPE_NEIGHBOR -> onNeighbor(from, frame.argument() == 1, nowNs, out);
            case GossipFrame.TYPE_NEIGHBOR_REPLY -> onNeighborReply(from, frame.argument() == 1, nowNs, out);
            case GossipFrame.TYPE_DISCONNECT -> {
                if (active.remove(from) != null) {
                    toPassive(from);
                    scheduleFill(nowNs);
                }
                pendingNeighbors.remove(from);
            }
            case GossipFrame.TYPE_HEARTBEAT -> {
                if (link == null && !pendingNeighbors.containsKey(from)) {
                    // The sender counts this node as a neighbour and this node does not: say so, so it refills.
                    sendDirect(from, GossipFrame.control(GossipFrame.TYPE_DISCONNECT, 0), out);
                }
            }
            default -> throw new IllegalStateException("wrap accepted unknown type " + frame.type());
        }
        finish(nowNs, out);
        return GossipReject.NONE;
    }

    private void onGossip(int from, PeerLink link, long nowNs, GossipOutbox out) {
        EventId id = frame.id(0);
        boolean redundant = (frame.flags() & GossipFrame.FLAG_REDUNDANT) != 0;
        if (!seen.add(id)) {
            duplicates++;
            if (link != null && link.eager && !redundant) {
                // A second copy over a tree link: that link is not needed for the tree (Plumtree's prune).
                link.eager = false;
                enqueue(link, GossipFrame.control(GossipFrame.TYPE_PRUNE, 0), nowNs);
            }
            return;
        }
        int hops = frame.argument();
        byte[] payload = frame.payload();
        cache.put(id, payload, hops);
        missing.remove(id);
        delivered++;
        out.deliver(id, payload, hops);
        if (link != null) {
            // The first copy came this way, so this link is on the fastest path: keep it in the tree.
            link.eager = true;
        }
        forward(id, payload, hops + 1, from, nowNs);
    }

    private void forward(EventId id, byte[] payload, int hops, int from, long nowNs) {
        byte[] tree = null;
        byte[] redundant = null;
        int pushed = 0;
        scratchLinks.clear();
        boolean origin = from < 0;
        for (PeerLink link : active.values()) {
            if (link.peer == from) {
                continue;
            }
            if (link.eager && !congested(link)) {
                if (tree == null) {
                    tree = GossipFrame.gossip(id, payload, hops, false);
                }
                if (enqueue(link, tree, nowNs)) {
                    payloadsSent++;
                    pushed++;
                    continue;
                }
            }
            scratchLinks.add(link);
        }
        // Top up to the fanout with random lazy links (the origin pushes to all of them: its first hop is the one
        // every path shares).
        int target;
        if (origin) {
            target = active.size();
        } else if (hops <= config.redundantHops(members.size() + 1)) {
            target = config.eagerFanout();
        } else {
            target = 0;
        }
        while (pushed < target && !scratchLinks.isEmpty()) {
            int pick = random.nextInt(scratchLinks.size());
            PeerLink link = scratchLinks.get(pick);
            scratchLinks.set(pick, scratchLinks.get(scratchLinks.size() - 1));
            scratchLinks.remove(scratchLinks.size() - 1);
            if (congested(link)) {
                announce(link, id, nowNs);
                continue;
            }
            if (redundant == null) {
                redundant = GossipFrame.gossip(id, payload, hops, true);
            }
            if (enqueue(link, redundant, nowNs)) {
                payloadsSent++;
                pushed++;
            }
        }
        for (int i = 0; i < scratchLinks.size(); i++) {
            announce(scratchLinks.get(i), id, nowNs);
        }
        scratchLinks.clear();
    }

    private void announce(PeerLink link, EventId id, long nowNs) {
        if (link.pendingIhave.size() >= GossipConfig.PENDING_IHAVE_MAX) {
            ihaveDrops++;
            return;
        }
        link.pendingIhave.add(id);
        if (link.ihaveDueNs == NONE) {
            link.ihaveDueNs = nowNs + config.ihaveDelayNs();
        }
    }

    private void onIhave(int from, PeerLink link, long nowNs, GossipOutbox out) {
        int flags = frame.flags();
        boolean digest = (flags & (GossipFrame.FLAG_SUMMARY | GossipFrame.FLAG_REPLY)) != 0;
        // A lazy announcement over a link waits for the tree to deliver; a digest (anti-entropy) is pulled at once.
        long deadlineNs = digest || link == null ? nowNs : nowNs + config.graftTimeoutNs();
        int unseen = 0;
        for (int i = 0; i < frame.idCount(); i++) {
            EventId id = frame.id(i);
            if (seen.contains(id)) {
                continue;
            }
            unseen++;
            Missing wanted = missing.get(id);
            if (wanted == null) {
                if (missing.size() >= config.missingMax()) {
                    continue;
                }
                wanted = new Missing(deadlineNs);
                missing.put(id, wanted);
            } else {
                wanted.deadlineNs = Math.min(wanted.deadlineNs, deadlineNs);
            }
            if (wanted.announcers.size() < GossipConfig.ANNOUNCERS_MAX && !wanted.announcers.contains(from)) {
                wanted.announcers.addLast(from);
            }
        }
        if ((flags & GossipFrame.FLAG_SUMMARY) != 0) {
            sendDigest(from, GossipFrame.FLAG_REPLY, out);
        } else if ((flags & GossipFrame.FLAG_REPLY) != 0 && unseen > 0) {
            // This node is behind: run the next anti-entropy round soon rather than a full period later.
            antiEntropyDueNs = Math.min(antiEntropyDueNs, nowNs + config.antiEntropyIntervalNs() / 8);
        }
        if (unseen > 0 && link == null && digest && !rewiredThisRound && !pendingNeighbors.containsKey(from)) {
            // A member outside the active view had messages this node lacks: the overlay may be split (a healed
            // partition leaves each side linked only to itself), so link to that member.
            rewiredThisRound = true;
            pendingNeighbors.put(from, nowNs + config.neighborRequestTimeoutNs());
            sendDirect(from, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, 1), out);
        }
    }

    private void onGraft(int from, PeerLink link, long nowNs, GossipOutbox out) {
        boolean pull = (frame.flags() & GossipFrame.FLAG_PULL) != 0;
        if (link != null && !pull) {
            link.eager = true;
        }
        for (int i = 0; i < frame.idCount(); i++) {
            MessageCache.Entry entry = cache.get(frame.id(i));
            if (entry == null) {
                continue;
            }
            byte[] gossip = GossipFrame.gossip(frame.id(i), entry.payload(), entry.hops() + 1, true);
            if (link != null) {
                if (enqueue(link, gossip, nowNs)) {
                    payloadsSent++;
                }
            } else if (sendDirect(from, gossip, out)) {
                payloadsSent++;
            }
        }
    }

    private void onNeighbor(int from, boolean high, long nowNs, GossipOutbox out) {
        pendingNeighbors.remove(from);
        boolean accept = active.containsKey(from);
        if (!accept && !out.writable(from)) {
            // A member whose link takes no frames now (a stuck receiver) would only fill a queue here: refuse it.
            accept = false;
        } else if (!accept && active.size() < config.activeViewSize()) {
            accept = true;
        } else if (!accept && high) {
            // HyParView: a high-priority request (the requester is nearly alone, or bridges a split overlay) evicts a
            // random neighbour, which refills from its own passive view.
            List<Integer> peers = new ArrayList<>(active.keySet());
            int evicted = peers.get(random.nextInt(peers.size()));
            active.remove(evicted);
            sendDirect(evicted, GossipFrame.control(GossipFrame.TYPE_DISCONNECT, 0), out);
            toPassive(evicted);
            accept = true;
        }
        if (accept && !active.containsKey(from)) {
            addActive(from, nowNs);
        }
        sendDirect(from, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR_REPLY, accept ? 1 : 0), out);
    }

    private void onNeighborReply(int from, boolean accepted, long nowNs, GossipOutbox out) {
        boolean asked = pendingNeighbors.remove(from) != null;
        if (!accepted || active.containsKey(from)) {
            return;
        }
        if (asked && active.size() < config.activeViewSize()) {
            addActive(from, nowNs);
        } else {
            // It took this node in, but this node no longer wants the link (full, or never asked): undo it.
            sendDirect(from, GossipFrame.control(GossipFrame.TYPE_DISCONNECT, 0), out);
        }
    }

    /** Runs the timers due at {@code nowNs}. Call it at {@link #nextDeadlineNs()} or later. */
    public void onTimer(long nowNs, GossipOutbox out) {
        if (!started) {
            return;
        }
        Iterator<PeerLink> links = active.values().iterator();
        while (links.hasNext()) {
            PeerLink link = links.next();
            if (nowNs - link.lastHeardNs >= config.failureTimeoutNs()) {
                links.remove();
                neighborFailures++;
                toPassive(link.peer);
                scheduleFill(nowNs);
            } else if (link.congestedSinceNs != NONE && nowNs - link.congestedSinceNs >= config.slowPeerTimeoutNs()) {
                links.remove();
                slowPeersDropped++;
                sendDirect(link.peer, GossipFrame.control(GossipFrame.TYPE_DISCONNECT, 0), out);
                toPassive(link.peer);
                scheduleFill(nowNs);
            } else if (nowNs - link.lastSentNs >= config.heartbeatIntervalNs() && link.queue.isEmpty()) {
                enqueue(link, GossipFrame.control(GossipFrame.TYPE_HEARTBEAT, 0), nowNs);
            }
        }
        pendingNeighbors.values().removeIf(deadlineNs -> deadlineNs <= nowNs);
        if (fillDueNs <= nowNs) {
            fill(nowNs, out);
        }
        if (antiEntropyDueNs <= nowNs) {
            antiEntropyDueNs = nowNs + jitter(config.antiEntropyIntervalNs());
            rewiredThisRound = false;
            if (!members.isEmpty()) {
                sendDigest(members.get(random.nextInt(members.size())), GossipFrame.FLAG_SUMMARY, out);
            }
        }
        finish(nowNs, out);
    }

    /** The earliest time {@link #onTimer} has work, or {@link Long#MAX_VALUE} for none. */
    public long nextDeadlineNs() {
        if (!started) {
            return NONE;
        }
        long next = Math.min(fillDueNs, antiEntropyDueNs);
        for (PeerLink link : active.values()) {
            next = Math.min(next, link.lastHeardNs + config.failureTimeoutNs());
            if (link.queue.isEmpty()) {
                // A link with frames waiting is not idle: it needs no heartbeat, and its next send comes from flush.
                next = Math.min(next, link.lastSentNs + config.heartbeatIntervalNs());
            }
            next = Math.min(next, link.ihaveDueNs);
            if (link.congestedSinceNs != NONE) {
                next = Math.min(next, link.congestedSinceNs + config.slowPeerTimeoutNs());
            }
        }
        for (long deadlineNs : pendingNeighbors.values()) {
            next = Math.min(next, deadlineNs);
        }
        for (Missing wanted : missing.values()) {
            next = Math.min(next, wanted.deadlineNs);
        }
        return next;
    }

    /** Sends what waits in the neighbours' queues while their links are writable; call it when a link drains. */
    public void flush(long nowNs, GossipOutbox out) {
        for (PeerLink link : active.values()) {
            while (!link.queue.isEmpty() && out.writable(link.peer)) {
                byte[] next = link.queue.pollFirst();
                link.queuedBytes -= next.length;
                framesSent++;
                bytesSent += next.length;
                link.lastSentNs = nowNs;
                out.send(link.peer, next);
            }
            if (link.queuedBytes <= config.queueBytesMax() / 2) {
                link.congestedSinceNs = NONE;
            } else if (link.congestedSinceNs == NONE) {
                link.congestedSinceNs = nowNs;
            }
            assert link.queuedBytes >= 0 && link.queuedBytes <= config.queueBytesMax();
        }
    }

    /** After every input: grafts and IHAVEs that are due, then the queues. */
    private void finish(long nowNs, GossipOutbox out) {
        graftDue(nowNs, out);
        for (PeerLink link : active.values()) {
            if (link.ihaveDueNs <= nowNs) {
                sendIhave(link, nowNs);
            }
        }
        flush(nowNs, out);
    }

    private void graftDue(long nowNs, GossipOutbox out) {
        Map<Integer, List<EventId>> grafts = null;
        Iterator<Map.Entry<EventId, Missing>> entries = missing.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<EventId, Missing> entry = entries.next();
            Missing wanted = entry.getValue();
            if (wanted.deadlineNs > nowNs) {
                continue;
            }
            Integer announcer = wanted.announcers.pollFirst();
            if (announcer == null) {
                // Every announcer was asked; anti-entropy brings it if anyone still has it.
                entries.remove();
                continue;
            }
            wanted.deadlineNs = nowNs + config.graftRetryNs();
            if (grafts == null) {
                grafts = new LinkedHashMap<>();
            }
            grafts.computeIfAbsent(announcer, peer -> new ArrayList<>()).add(entry.getKey());
        }
        if (grafts == null) {
            return;
        }
        for (Map.Entry<Integer, List<EventId>> graft : grafts.entrySet()) {
            int peer = graft.getKey();
            List<EventId> ids = graft.getValue();
            PeerLink link = active.get(peer);
            for (int from = 0; from < ids.size(); from += GossipFrame.IDS_MAX) {
                int count = Math.min(GossipFrame.IDS_MAX, ids.size() - from);
                EventId[] batch = ids.subList(from, from + count).toArray(new EventId[0]);
                graftsSent++;
                if (link != null) {
                    // Plumtree: the link that answers a GRAFT joins the tree in both directions.
                    link.eager = true;
                    enqueue(link, GossipFrame.ids(GossipFrame.TYPE_GRAFT, 0, batch, 0, count), nowNs);
                } else {
                    sendDirect(
                            peer, GossipFrame.ids(GossipFrame.TYPE_GRAFT, GossipFrame.FLAG_PULL, batch, 0, count), out);
                }
            }
        }
    }

    private void sendIhave(PeerLink link, long nowNs) {
        List<EventId> ids = link.pendingIhave;
        for (int from = 0; from < ids.size(); from += GossipFrame.IDS_MAX) {
            int count = Math.min(GossipFrame.IDS_MAX, ids.size() - from);
            for (int i = 0; i < count; i++) {
                scratchIds[i] = ids.get(from + i);
            }
            enqueue(link, GossipFrame.ids(GossipFrame.TYPE_IHAVE, 0, scratchIds, 0, count), nowNs);
        }
        ids.clear();
        link.ihaveDueNs = NONE;
    }

    private void sendDigest(int peer, int flags, GossipOutbox out) {
        int count = cache.digest(scratchIds, GossipFrame.IDS_MAX);
        // An empty SUMMARY still asks for the peer's digest: a node that restarted with an empty cache needs one.
        if (count > 0 || flags == GossipFrame.FLAG_SUMMARY) {
            sendDirect(peer, GossipFrame.ids(GossipFrame.TYPE_IHAVE, flags, scratchIds, 0, count), out);
        }
    }

    private void fill(long nowNs, GossipOutbox out) {
        fillDueNs = NONE;
        int wanted = config.activeViewSize() - active.size() - pendingNeighbors.size();
        if (wanted <= 0) {
            return;
        }
        if (passive.isEmpty()) {
            refillPassive();
        }
        // A node with few neighbours asks with high priority so that full nodes make room (HyParView's join rule).
        boolean high = active.size() < (config.activeViewSize() + 1) / 2;
        ArrayList<Integer> candidates = new ArrayList<>();
        for (int peer : passive) {
            if (!active.containsKey(peer) && !pendingNeighbors.containsKey(peer)) {
                candidates.add(peer);
            }
        }
        for (int i = 0; i < wanted && !candidates.isEmpty(); i++) {
            int pick = random.nextInt(candidates.size());
            int peer = candidates.get(pick);
            candidates.set(pick, candidates.get(candidates.size() - 1));
            candidates.remove(candidates.size() - 1);
            pendingNeighbors.put(peer, nowNs + config.neighborRequestTimeoutNs());
            sendDirect(peer, GossipFrame.control(GossipFrame.TYPE_NEIGHBOR, high ? 1 : 0), out);
        }
        // Until the view is full, try again later: requests may be refused or lost.
        fillDueNs = nowNs + config.fillIntervalNs();
        // A passive member that did not answer is swapped for a fresh sample, so a dead one does not block the view.
        if (!passive.isEmpty() && members.size() > passive.size() + active.size()) {
            passive.set(random.nextInt(passive.size()), members.get(random.nextInt(members.size())));
            dedupePassive();
        }
    }

    private void refillPassive() {
        for (int i = 0; i < 4 * config.passiveViewSize() && passive.size() < config.passiveViewSize(); i++) {
            if (members.isEmpty()) {
                return;
            }
            int peer = members.get(random.nextInt(members.size()));
            if (!active.containsKey(peer) && !passive.contains(peer)) {
                passive.add(peer);
            }
        }
    }

    private void dedupePassive() {
        for (int i = passive.size() - 1; i >= 0; i--) {
            int peer = passive.get(i);
            if (active.containsKey(peer) || passive.indexOf(peer) != i) {
                passive.remove(i);
            }
        }
    }

    private void scheduleFill(long nowNs) {
        if (started && fillDueNs > nowNs) {
            fillDueNs = nowNs;
        }
    }

    private void addActive(int peer, long nowNs) {
        passive.remove(Integer.valueOf(peer));
        active.put(peer, new PeerLink(peer, nowNs));
    }

    private void toPassive(int peer) {
        if (!memberIndex.containsKey(peer) || passive.contains(peer)) {
            return;
        }
        if (passive.size() >= config.passiveViewSize() && !passive.isEmpty()) {
            passive.set(random.nextInt(passive.size()), peer);
        } else {
            passive.add(peer);
        }
    }

    private boolean congested(PeerLink link) {
        return link.queuedBytes > config.queueBytesMax() / 2;
    }

    /** Queues {@code bytes} to a neighbour; false (counted) when its queue has no room. */
    private boolean enqueue(PeerLink link, byte[] bytes, long nowNs) {
        if (link.queuedBytes + bytes.length > config.queueBytesMax()) {
            queueDrops++;
            return false;
        }
        link.queue.addLast(bytes);
        link.queuedBytes += bytes.length;
        queuedBytesObservedMax = Math.max(queuedBytesObservedMax, link.queuedBytes);
        if (congested(link) && link.congestedSinceNs == NONE) {
            link.congestedSinceNs = nowNs;
        }
        return true;
    }

    /** Sends to a node outside the active view, best effort: dropped (counted) when its link is not writable. */
    private boolean sendDirect(int peer, byte[] bytes, GossipOutbox out) {
        if (!out.writable(peer)) {
            directDrops++;
            return false;
        }
        framesSent++;
        bytesSent += bytes.length;
        out.send(peer, bytes);
        return true;
    }

    private long jitter(long periodNs) {
        // Spread periodic rounds over ±25% so that nodes started together do not exchange digests in lockstep.
        return periodNs - periodNs / 4 + random.nextLong(periodNs / 2 + 1);
    }

    /** Active view (neighbours), in the order they joined. */
    public List<Integer> activeView() {
        return Collections.unmodifiableList(new ArrayList<>(active.keySet()));
    }

    /** Neighbours on the eager-push tree. */
    public List<Integer> eagerPeers() {
        ArrayList<Integer> eager = new ArrayList<>();
        for (PeerLink link : active.values()) {
            if (link.eager) {
                eager.add(link.peer);
            }
        }
        return eager;
    }

    public List<Integer> passiveView() {
        return Collections.unmodifiableList(new ArrayList<>(passive));
    }

    public boolean hasSeen(EventId id) {
        return seen.contains(id);
    }

    /** Bytes waiting in the queue to {@code peer}; 0 when it is not a neighbour. */
    public int queuedBytes(int peer) {
        PeerLink link = active.get(peer);
        return link == null ? 0 : link.queuedBytes;
    }

    /** The fullest any neighbour's queue has been; never above {@link GossipConfig#queueBytesMax}. */
    public long queuedBytesObservedMax() {
        return queuedBytesObservedMax;
    }

    public long rejects(GossipReject reason) {
        return rejects[reason.ordinal()];
    }

    /** Messages delivered locally (first copies, plus own broadcasts). */
    public long delivered() {
        return delivered;
    }

    /** Payload copies received of messages already seen. */
    public long duplicates() {
        return duplicates;
    }

    /** GOSSIP frames queued or sent (eager, redundant and GRAFT answers). */
    public long payloadsSent() {
        return payloadsSent;
    }

    /** Frames handed to the outbox, of every type. */
    public long framesSent() {
        return framesSent;
    }

    /** Bytes of frames handed to the outbox. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Frames refused because a neighbour's queue was full. */
    public long queueDrops() {
        return queueDrops;
    }

    /** Lazy announcements dropped because a neighbour already had {@link GossipConfig#PENDING_IHAVE_MAX} waiting. */
    public long ihaveDrops() {
        return ihaveDrops;
    }

    /** Frames to nodes outside the active view dropped because their link was not writable. */
    public long directDrops() {
        return directDrops;
    }

    public long graftsSent() {
        return graftsSent;
    }

    /** Neighbours dropped because they were silent past {@link GossipConfig#failureTimeoutNs}. */
    public long neighborFailures() {
        return neighborFailures;
    }

    /** Neighbours dropped because their queue stayed congested past {@link GossipConfig#slowPeerTimeoutNs}. */
    public long slowPeersDropped() {
        return slowPeersDropped;
    }
}
