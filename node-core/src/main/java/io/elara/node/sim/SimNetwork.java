package io.elara.node.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The simulated network between nodes numbered {@code 0..nodes-1}: decides, from one random source, whether and when
 * each datagram arrives. Per directed link it applies a {@link LinkProfile} (latency, jitter, loss, duplication,
 * reordering, bandwidth) and a bounded transmit queue; partitions block every link that crosses them until healed. A
 * node may also have an ingress bottleneck ({@link #bottleneck}): one rate-limited, drop-tail queue that every link
 * into it shares, where flows from different senders compete. It schedules nothing itself: {@link #transmit} returns arrival times, and the caller delivers. Single thread.
 */
public final class SimNetwork {
    /** Bytes a link's transmit queue holds behind its bandwidth cap; a datagram that does not fit is dropped. */
    public static final long LINK_QUEUE_BYTES_MAX = 256 * 1024;

    private final int nodes;
    private final RandomGenerator random;
    private LinkProfile defaultProfile;
    private final Map<Long, LinkProfile> profiles = new HashMap<>();
    private final Map<Long, long[]> busyUntilNs = new HashMap<>();
    private final List<Partition> partitions = new ArrayList<>();
    /** Per receiving node: its ingress bottleneck's rate in bytes/s, 0 for none. */
    private final long[] bottleneckBytesPerSecond;
    /** Per receiving node: bytes its ingress bottleneck's queue holds. */
    private final long[] bottleneckQueueBytesMax;
    /** Per receiving node: when its ingress bottleneck has sent everything accepted so far. */
    private final long[] bottleneckBusyUntilNs;

    private int nextPartitionId;
    private long queueBytesObservedMax;
    private long sent;
    private long lost;
    private long duplicated;
    private long reordered;
    private long partitioned;
    private long queueDropped;
    private long bottleneckDropped;
    private long bottleneckQueueBytesObservedMax;

    /** A set of nodes cut off from all others. */
    private static final class Partition {
        final int id;
        final boolean[] inside;

        Partition(int id, boolean[] inside) {
            this.id = id;
            this.inside = inside;
        }
    }

    /**
     * @param nodes how many nodes it connects
     * @param random the source of every loss, duplication, delay and reordering decision
     * @param defaultProfile what every link does unless {@link #link} says otherwise
     */
    public SimNetwork(int nodes, RandomGenerator random, LinkProfile defaultProfile) {
        this.nodes = nodes;
        this.random = random;
        this.defaultProfile = defaultProfile;
        this.bottleneckBytesPerSecond = new long[nodes];
        this.bottleneckQueueBytesMax = new long[nodes];
        this.bottleneckBusyUntilNs = new long[nodes];
    }

    public int nodes() {
        return nodes;
    }

    /** Sets the profile of every link without one of its own. */
    public void defaultLink(LinkProfile profile) {
        this.defaultProfile = profile;
    }

    /** Sets the profile of the link from {@code from} to {@code to} (one direction). */
    public void link(int from, int to, LinkProfile profile) {
        profiles.put(key(from, to), profile);
    }

    public LinkProfile profile(int from, int to) {
        LinkProfile profile = profiles.get(key(from, to));
        return profile == null ? defaultProfile : profile;
    }

    /**
     * Puts an ingress bottleneck in front of node {@code to}: every datagram to it, from any node, passes one queue
     * served at {@code bytesPerSecond}, after its link's own profile (loss and link queue) and before the link's
     * latency and jitter, as on a receiver's access line that all its senders share. The queue is drop-tail: a datagram
     * that would take it past {@code queueBytesMax} is dropped and counted in {@link #bottleneckDropped}. Datagrams
     * queue in the order {@link #transmit} is called. {@code bytesPerSecond} 0 removes it.
     */
    public void bottleneck(int to, long bytesPerSecond, long queueBytesMax) {
        if (to < 0 || to >= nodes) {
            throw new IllegalArgumentException("no node " + to + " among " + nodes + " nodes");
        }
        if (bytesPerSecond < 0 || queueBytesMax < 0) {
            throw new IllegalArgumentException("bottleneck rate and queue bound cannot be negative");
        }
        bottleneckBytesPerSecond[to] = bytesPerSecond;
        bottleneckQueueBytesMax[to] = queueBytesMax;
        bottleneckBusyUntilNs[to] = Long.MIN_VALUE;
    }

    /** Cuts {@code inside} off from every other node; returns the partition's id for {@link #heal}. */
    public int partition(int... inside) {
        boolean[] members = new boolean[nodes];
        for (int node : inside) {
            members[node] = true;
        }
        int id = nextPartitionId++;
        partitions.add(new Partition(id, members));
        return id;
    }

    /** Ends partition {@code id}; returns false if it was not active. */
    public boolean heal(int id) {
        return partitions.removeIf(partition -> partition.id == id);
    }

    /** Partitions in force. */
    public int partitions() {
        return partitions.size();
    }

    /** True when no partition separates {@code from} and {@code to}. */
    public boolean connected(int from, int to) {
        for (int i = 0; i < partitions.size(); i++) {
            boolean[] inside = partitions.get(i).inside;
            if (inside[from] != inside[to]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends a datagram of {@code lengthBytes} from {@code from} to {@code to} at {@code nowNs}. Writes the arrival time
     * of each copy that will arrive into {@code arrivalsNs} (room for two) and returns how many: 0 when it is lost,
     * partitioned or does not fit the link's queue or the receiver's bottleneck queue, 2 when duplicated. Arrivals are always after {@code nowNs}.
     */
    public int transmit(int from, int to, int lengthBytes, long nowNs, long[] arrivalsNs) {
        sent++;
        if (!connected(from, to)) {
            partitioned++;
            return 0;
        }
        LinkProfile profile = profile(from, to);
        if (profile.loss() > 0 && random.nextDouble() < profile.loss()) {
            lost++;
            return 0;
        }
        long departNs = nowNs;
        if (profile.bandwidthBytesPerSecond() > 0) {
            long[] busy = busyUntilNs.computeIfAbsent(key(from, to), k -> new long[] {Long.MIN_VALUE});
            long startNs = Math.max(nowNs, busy[0]);
            long queuedBytes = (startNs - nowNs) * profile.bandwidthBytesPerSecond() / 1_000_000_000L;
            if (queuedBytes + lengthBytes > LINK_QUEUE_BYTES_MAX) {
                queueDropped++;
                return 0;
            }
            queueBytesObservedMax = Math.max(queueBytesObservedMax, queuedBytes + lengthBytes);
            departNs = startNs + serialisationNs(lengthBytes, profile.bandwidthBytesPerSecond());
            busy[0] = departNs;
        }
        long rate = bottleneckBytesPerSecond[to];
        if (rate > 0) {
            long startNs = Math.max(departNs, bottleneckBusyUntilNs[to]);
            long queuedBytes = (startNs - departNs) * rate / 1_000_000_000L;
            if (queuedBytes + lengthBytes > bottleneckQueueBytesMax[to]) {
                bottleneckDropped++;
                return 0;
            }
            bottleneckQueueBytesObservedMax = Math.max(bottleneckQueueBytesObservedMax, queuedBytes + lengthBytes);
            departNs = startNs + serialisationNs(lengthBytes, rate);
            bottleneckBusyUntilNs[to] = departNs;
        }
        int copies = profile.duplication() > 0 && random.nextDouble() < profile.duplication() ? 2 : 1;
        if (copies == 2) {
            duplicated++;
        }
        for (int i = 0; i < copies; i++) {
            long delayNs = profile.latencyNs();
            if (profile.jitterNs() > 0) {
                delayNs += random.nextLong(profile.jitterNs() + 1);
            }
            if (profile.reorder() > 0 && random.nextDouble() < profile.reorder()) {
                reordered++;
                delayNs += random.nextLong(profile.latencyNs() + profile.jitterNs() + 1);
            }
            arrivalsNs[i] = departNs + Math.max(delayNs, 1);
        }
        return copies;
    }

    /** How long {@code lengthBytes} take to leave a link of {@code bandwidthBytesPerSecond}, rounded up. */
    public static long serialisationNs(int lengthBytes, long bandwidthBytesPerSecond) {
        return (lengthBytes * 1_000_000_000L + bandwidthBytesPerSecond - 1) / bandwidthBytesPerSecond;
    }

    /** The fullest any link's transmit queue has been, in bytes; never above {@link #LINK_QUEUE_BYTES_MAX}. */
    public long queueBytesObservedMax() {
        return queueBytesObservedMax;
    }

    /** Datagrams offered to {@link #transmit}. */
    public long sent() {
        return sent;
    }

    public long lost() {
        return lost;
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }

    public long partitioned() {
        return partitioned;
    }

    public long queueDropped() {
        return queueDropped;
    }

    /** Datagrams dropped because an ingress bottleneck's queue was full. */
    public long bottleneckDropped() {
        return bottleneckDropped;
    }

    /** The fullest any ingress bottleneck's queue has been, in bytes; never above that bottleneck's bound. */
    public long bottleneckQueueBytesObservedMax() {
        return bottleneckQueueBytesObservedMax;
    }

    private long key(int from, int to) {
        if (from < 0 || from >= nodes || to < 0 || to >= nodes) {
            throw new IllegalArgumentException("no link " + from + " -> " + to + " among " + nodes + " nodes");
        }
        return (long) from * nodes + to;
    }
}
