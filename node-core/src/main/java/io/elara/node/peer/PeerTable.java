package io.elara.node.peer;

import io.elara.crypto.identity.NodeId;
import io.elara.node.lane.Epoch;
import io.elara.node.lane.ReassemblyBudget;
import io.elara.node.secure.ExpectedPeer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The peers of one node: the configured ones, which stay, and peers that contacted this node on their own, which are
 * admitted up to the limit and forgotten after {@link #IDLE_NS} of silence with nothing in flight. Loop thread only.
 */
public final class PeerTable {
    /** An unconfigured peer silent this long, with nothing queued towards it, is forgotten. */
    public static final long IDLE_NS = 120_000_000_000L;

    private final Map<InetSocketAddress, Peer> byAddress = new HashMap<>();
    private final Map<String, Peer> byName = new LinkedHashMap<>();
    private final List<Peer> all = new ArrayList<>();
    private final int peersMax;
    private final RandomGenerator random;
    private final ReassemblyBudget reassembly;

    /**
     * @param peersMax the most peers held at once, configured ones included
     * @param random draws each peer entry's lane incarnation. A fresh entry (after a restart, or after an idle peer was
     *     forgotten) has lost its lane state, and its new incarnation tells the remote so: the remote then renumbers
     *     what it still has in flight instead of waiting forever for acknowledgements that cannot come.
     */
    public PeerTable(int peersMax, RandomGenerator random) {
        this(
                peersMax,
                random,
                new ReassemblyBudget(
                        ReassemblyBudget.UNBOUNDED,
                        ReassemblyBudget.UNBOUNDED,
                        io.elara.node.wire.EventFrameCodec.bodyLengthMax(0xFFFF)));
    }

    /** @param reassembly the reassembly memory every peer's receiver shares, with its limits */
    public PeerTable(int peersMax, RandomGenerator random, ReassemblyBudget reassembly) {
        this.peersMax = peersMax;
        this.random = random;
        this.reassembly = reassembly;
    }

    /** The reassembly memory every peer shares. */
    public ReassemblyBudget reassembly() {
        return reassembly;
    }

    /** Adds a peer from the config file that may be anyone. */
    public Peer configure(String name, InetSocketAddress address) {
        return configure(name, address, ExpectedPeer.anyone());
    }

    /** Adds a peer from the config file, which must prove to be {@code expected}. */
    public Peer configure(String name, InetSocketAddress address, ExpectedPeer expected) {
        if (byName.containsKey(name) || byAddress.containsKey(address)) {
            throw new IllegalStateException("peer configured twice: " + name + " at " + address);
        }
        Peer peer = new Peer(address, name, expected, Epoch.first(random.nextLong()), reassembly);
        byName.put(name, peer);
        byAddress.put(address, peer);
        all.add(peer);
        return peer;
    }

    /**
     * Names {@code peer}, a stranger so far, {@code name}, and from then on expects it to prove {@code expected}: it is
     * kept like a configured peer. Fails when the name is taken or the peer is named already.
     */
    public void promote(Peer peer, String name, ExpectedPeer expected) {
        if (peer.configuredName() != null || byName.containsKey(name)) {
            throw new IllegalStateException("cannot name " + peer.label() + " '" + name + "'");
        }
        peer.promote(name, expected);
        byName.put(name, peer);
    }

    /** The peer that is, or has proven to be, node {@code id}; null if none. */
    public Peer byNodeId(NodeId id) {
        Peer proven = null;
        for (Peer peer : all) {
            if (id.equals(peer.configuredIdentity().nodeId())) {
                return peer;
            }
            if (proven == null && id.equals(peer.provenId())) {
                proven = peer;
            }
        }
        return proven;
    }

    public Peer byAddress(InetSocketAddress address) {
        return byAddress.get(address);
    }

    public Peer byName(String name) {
        return byName.get(name);
    }

    /**
     * The peer at {@code address}, admitting it if it is new and there is room (making room by forgetting the longest
     * silent idle peer if needed). Returns null when the table is full of peers that cannot be forgotten.
     */
    public Peer admit(InetSocketAddress address, long nowNs) {
        Peer peer = byAddress.get(address);
        if (peer != null) {
            return peer;
        }
        if (all.size() >= peersMax && !forgetLongestIdle(nowNs)) {
            return null;
        }
        peer = new Peer(address, null, ExpectedPeer.anyone(), Epoch.first(random.nextLong()), reassembly);
        byAddress.put(address, peer);
        all.add(peer);
        return peer;
    }

    /**
     * Moves {@code peer} to {@code newAddress}, where it has proven itself: an authenticated packet of its secure
     * session, or a completed handshake proving its identity, came from there (its NAT rebound, or it roamed). An entry
     * already at the new address is displaced only if it is a stranger with nothing at stake (unconfigured, no
     * session, nothing queued); otherwise the move is refused and this returns false.
     */
    public boolean migrate(Peer peer, InetSocketAddress newAddress) {
        if (peer.address().equals(newAddress)) {
            return true;
        }
        if (byAddress.get(peer.address()) != peer) {
            return false; // not in the table (forgotten meanwhile)
        }
        Peer occupant = byAddress.get(newAddress);
        if (occupant != null) {
            if (occupant.configuredName() != null || occupant.session() != null || occupant.queued() > 0) {
                return false;
            }
            all.remove(occupant);
        }
        byAddress.remove(peer.address());
        peer.moveTo(newAddress);
        byAddress.put(newAddress, peer);
        return true;
    }

    /**
     * The entry for the node with identity {@code id} at an address other than {@code notAt}: the configured peer that
     * must prove {@code id}, else one whose last handshake proved it; null if none.
     */
    public Peer elsewhere(NodeId id, InetSocketAddress notAt) {
        Peer proven = null;
        for (Peer peer : all) {
            if (peer.address().equals(notAt)) {
                continue;
            }
            if (id.equals(peer.configuredIdentity().nodeId())) {
                return peer;
            }
            if (proven == null && id.equals(peer.provenId())) {
                proven = peer;
            }
        }
        return proven;
    }

    /** Forgets unconfigured peers that have been idle for {@link #IDLE_NS}. Returns how many. */
    public int forgetIdle(long nowNs) {
        int forgotten = 0;
        for (Iterator<Peer> it = all.iterator(); it.hasNext(); ) {
            Peer peer = it.next();
            if (forgettable(peer, nowNs)) {
                it.remove();
                byAddress.remove(peer.address());
                peer.discardReceived();
                forgotten++;
            }
        }
        return forgotten;
    }

    /**
     * Forgets {@code peer}, named or not, if nothing waits for it: a session member's peer this node no longer needs.
     * Returns whether it was forgotten; a later need makes a new peer for it.
     */
    public boolean retire(Peer peer) {
        if (peer.queued() != 0 || !all.remove(peer)) {
            return false;
        }
        byAddress.remove(peer.address());
        if (peer.configuredName() != null) {
            byName.remove(peer.configuredName());
        }
        peer.discardReceived();
        return true;
    }

    /** When the next idle peer becomes forgettable, or {@link Long#MAX_VALUE}. */
    public long nextForgetNs() {
        long next = Long.MAX_VALUE;
        for (Peer peer : all) {
            if (peer.configuredName() == null && peer.queued() == 0) {
                next = Math.min(next, idleSince(peer) + IDLE_NS);
            }
        }
        return next;
    }

    private boolean forgetLongestIdle(long nowNs) {
        Peer longest = null;
        for (Peer peer : all) {
            if (forgettable(peer, nowNs) && (longest == null || idleSince(peer) < idleSince(longest))) {
                longest = peer;
            }
        }
        if (longest == null) {
            return false;
        }
        all.remove(longest);
        byAddress.remove(longest.address());
        longest.discardReceived();
        return true;
    }

    private static boolean forgettable(Peer peer, long nowNs) {
        return peer.configuredName() == null && peer.queued() == 0 && nowNs - idleSince(peer) >= IDLE_NS;
    }

    private static long idleSince(Peer peer) {
        return peer.lastHeardNs() == Long.MIN_VALUE ? Long.MIN_VALUE / 2 : peer.lastHeardNs();
    }

    public Collection<Peer> all() {
        return Collections.unmodifiableList(all);
    }

    public int size() {
        return all.size();
    }
}
