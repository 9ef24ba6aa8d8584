package io.elara.node;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.config.Addresses;
import io.elara.node.config.Durability;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlServer;
import io.elara.node.event.Event;
import io.elara.node.event.EventId;
import io.elara.node.event.SessionId;
import io.elara.node.flow.FlowEngine;
import io.elara.node.flow.runtime.FlowRuntime;
import io.elara.node.peer.Peer;
import io.elara.node.stage.ValidateStage;
import io.elara.node.store.DataDirectory;
import io.elara.node.store.KnownPeer;
import io.elara.node.store.NodeStore;
import io.elara.node.store.SessionSnapshot;
import io.elara.node.store.StoreException;
import io.elara.node.store.StoreJournal;
import io.elara.node.store.StoreWriter;
import io.elara.node.time.Clock;
import io.elara.node.transport.IceUpgrades;
import io.elara.node.transport.SystemClock;
import io.elara.node.transport.UdpDriver;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: the sans-I/O {@link NodeCore} on a real UDP socket ({@link UdpDriver}), reachable from other threads
 * through its {@link NodeProxy} and, optionally, from other processes through the control socket in its data
 * directory. Lifecycle: {@link #start} (create, bind, serve) then {@link #close} (fail pending sends, release the port,
 * the lock and every thread). Thread-safe.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    /**
     * What to run besides the UDP socket.
     *
     * @param persist whether events are kept in the data directory's database ({@code elara.db}), committed before
     *     they count as stored at their sender or as sent here, and restored at the next start
     * @param flowOutput where the config's {@code stdout} flow steps print; null for the process's stdout
     */
    public record Options(
            boolean controlSocket, boolean lockDataDirectory, boolean persist, Clock clock, PrintStream flowOutput) {
        /** A long-running node: data directory locked, control socket open, events persisted. */
        public static Options daemon() {
            return new Options(true, true, true, new SystemClock(), null);
        }

        /**
         * A node inside another program (the demo, tests, a benchmark): no lock, no control socket, nothing persisted.
         */
        public static Options embedded() {
            return new Options(false, false, false, new SystemClock(), null);
        }

        /** These options with flows' {@code stdout} steps printing to {@code output}. */
        public Options withFlowOutput(PrintStream output) {
            return new Options(controlSocket, lockDataDirectory, persist, clock, output);
        }

        /** These options with events persisted in the data directory's database, or not. */
        public Options withPersistence(boolean on) {
            return new Options(controlSocket, lockDataDirectory, on, clock, flowOutput);
        }
    }

    /** What the config's flows have done; all zero when it has none. */
    public FlowEngine.Counters flowCounters() {
        return flows == null ? new FlowEngine.Counters(0, 0, 0, 0) : flows.counters();
    }

    private final NodeConfig config;
    private final Identity identity;
    private final UdpDriver driver;
    private final NodeProxy proxy;
    private final InetSocketAddress localAddress;
    private final DataDirectory.Lock lock;
    private final ControlServer control;
    private final FlowRuntime flows;
    /** The database's writer, or null when nothing is persisted. */
    private final StoreWriter store;
    /** ICE for relayed peers, or null without a TURN server in the config. */
    private final IceUpgrades ice;
    /** {@code /metrics} and {@code /health}, or null without {@code metrics.listen}. */
    private final io.elara.node.control.MetricsServer metrics;
    /** The config's {@code join:} invites being used, or null. */
    private io.elara.node.control.ConfigJoins joins;

    private Node(
            NodeConfig config,
            Identity identity,
            UdpDriver driver,
            NodeProxy proxy,
            InetSocketAddress localAddress,
            DataDirectory.Lock lock,
            ControlServer control,
            FlowRuntime flows,
            StoreWriter store,
            IceUpgrades ice,
            io.elara.node.control.MetricsServer metrics) {
        this.config = config;
        this.identity = identity;
        this.driver = driver;
        this.proxy = proxy;
        this.localAddress = localAddress;
        this.lock = lock;
        this.control = control;
        this.flows = flows;
        this.store = store;
        this.ice = ice;
        this.metrics = metrics;
    }

    /**
     * Starts a node.
     *
     * @throws NodeStartException with a one-line message; everything acquired so far is released
     */
    public static Node start(NodeConfig config, Identity identity, Options options) throws NodeStartException {
        DataDirectory directory = DataDirectory.of(config);
        DataDirectory.Lock lock = null;
        UdpDriver driver = null;
        FlowRuntime flows = null;
        NodeStore opened = null;
        StoreWriter store = null;
        IceUpgrades ice = null;
        io.elara.node.control.MetricsServer metrics = null;
        boolean started = false;
        try {
            if (options.lockDataDirectory()) {
                lock = directory.lock();
            }
            driver = new UdpDriver(config.name(), options.clock());
            SecureRandom random = new SecureRandom();
            NodeCore core =
                    new NodeCore(config, identity, new SplittableRandom(random.nextLong()), random, driver.outbox());
            if (options.persist()) {
                opened = NodeStore.open(
                        directory,
                        config.durability() == Durability.NORMAL
                                ? NodeStore.Synchronous.NORMAL
                                : NodeStore.Synchronous.FULL);
                restore(core, opened);
                // Own events whose mailbox entries the journal had not yet written when the node last stopped.
                int recovered = opened.recoverDeferredMailbox(
                        options.clock().nowNs() / 1_000_000L, StoreJournal.MAILBOX_KEEP_MS);
                if (recovered > 0) {
                    LOG.info("{} messages sent before the last stop queued again for their recipients", recovered);
                }
                List<EventJournal.Undelivered> undelivered = opened.undelivered(UNDELIVERED_RESENT_MAX);
                store = StoreWriter.start(opened, STORE_QUEUE_OPERATIONS, driver.completions());
                opened = null; // the writer owns it now
                core.journal(new StoreJournal(store, options.clock()));
                core.resend(undelivered, options.clock().nowNs());
            }
            if (config.turn() != null) {
                // Peers reached through the relay may have a direct path that ICE finds.
                ice = new IceUpgrades(core, driver.completions(), options.clock(), config.stunServers());
                core.iceSignals(ice);
            }
            NodeProxy proxy = new NodeProxy(driver::wakeUp);
            InetSocketAddress local = driver.bind(config.bind(), core, proxy);
            // A first pass of the loop with no input: what the database gave back to send (the mailbox) leaves now.
            driver.wakeUp();
            if (!config.flows().isEmpty()) {
                flows = FlowRuntime.start(config, proxy, options.clock(), options.flowOutput());
            }
            if (config.metricsListen() != null && options.controlSocket()) {
                metrics = io.elara.node.control.MetricsServer.start(config.metricsListen(), proxy);
            }
            ControlServer control = null;
            if (options.controlSocket()) {
                FlowRuntime running = flows;
                control = ControlServer.start(
                        directory.controlSocket(),
                        proxy,
                        Peer.format(local),
                        running == null ? null : running::statusJson);
                control.inviteAddresses(inviteAddresses(local));
            }
            Node node = new Node(config, identity, driver, proxy, local, lock, control, flows, store, ice, metrics);
            if (options.controlSocket()) {
                node.joins = io.elara.node.control.ConfigJoins.start(proxy, config.join());
            }
            started = true;
            LOG.debug("node {} bound to {} ({} transport)", config.name(), local, driver.epoll() ? "epoll" : "nio");
            return node;
        } catch (IOException e) {
            throw new NodeStartException(e.getMessage(), e);
        } catch (StoreException e) {
            throw new NodeStartException(e.getMessage(), e);
        } finally {
            if (!started) {
                if (metrics != null) {
                    metrics.close();
                }
                if (flows != null) {
                    flows.close();
                }
                if (ice != null) {
                    ice.close();
                }
                if (driver != null) {
                    driver.close();
                }
                closeQuietly(opened, store);
                if (lock != null) {
                    try {
                        lock.close();
                    } catch (IOException e) {
                        LOG.debug("releasing the data directory lock", e);
                    }
                }
            }
        }
    }

    public NodeConfig config() {
        return config;
    }

    public NodeId id() {
        return identity.nodeId();
    }

    public String name() {
        return config.name();
    }

    /** The bound UDP address, with the real port. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** How other threads send commands to this node. */
    public NodeProxy proxy() {
        return proxy;
    }

    /** True when the native epoll transport is in use (else NIO). */
    public boolean epoll() {
        return driver.epoll();
    }

    /** Where {@code /metrics} and {@code /health} are served, or null when they are not. */
    public InetSocketAddress metricsAddress() {
        return metrics == null ? null : metrics.address();
    }

    /** A status snapshot, with the bound address. */
    public CompletableFuture<NodeStatus> status() {
        String listen = Peer.format(localAddress);
        return proxy.status().thenApply(status -> status.withListen(listen));
    }

    /** Stops: the control socket first (no new commands), then the UDP socket and loop, then the directory lock. */
    @Override
    public void close() {
        if (joins != null) {
            joins.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (control != null) {
            control.close();
        }
        if (flows != null) {
            flows.close();
        }
        if (ice != null) {
            ice.close(); // before the loop stops: nothing of ICE's reaches a loop that is gone
        }
        driver.close();
        if (store != null) {
            // After the loop: what was handed to the writer is still written; its completions have nowhere to go.
            try {
                store.close();
            } catch (StoreException e) {
                LOG.warn("could not close the database cleanly: {}", e.getMessage());
            }
        }
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("could not release the data directory lock: {}", e.getMessage());
            }
        }
    }

    /** Operations the database writer queues at most; beyond, the journal keeps events until the queue has room. */
    static final int STORE_QUEUE_OPERATIONS = 1 << 14;

    /** Own events sent again at start at most (the mailbox's oldest first); the rest wait for the next start. */
    static final int UNDELIVERED_RESENT_MAX = 4096;

    /** Events restored into a session's log and backlog at start: what a new {@code elara tail} can start from. */
    static final int RESTORED_EVENTS_MAX = 1000;

    /**
     * Where a joiner can reach this node, for invites: the bound address, or when bound to every interface, each
     * interface's addresses (global ones first, loopback last) with the bound port.
     */
    static List<InetSocketAddress> inviteAddresses(InetSocketAddress local) {
        if (!local.getAddress().isAnyLocalAddress()) {
            return List.of(local);
        }
        List<InetSocketAddress> global = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.isLinkLocalAddress() || address.isMulticastAddress()) {
                        continue;
                    }
                    boolean sameFamily =
                            (address instanceof Inet6Address) == (local.getAddress() instanceof Inet6Address)
                                    || local.getAddress() instanceof Inet6Address;
                    if (!sameFamily) {
                        continue;
                    }
                    (address.isLoopbackAddress() ? loopback : global)
                            .add(new InetSocketAddress(address, local.getPort()));
                }
            }
        } catch (SocketException e) {
            LOG.debug("cannot list the network interfaces", e);
        }
        global.addAll(loopback);
        return global;
    }

    /** Gives {@code core} what the database holds from before: seen ids, and each session's latest events. */
    private static void restore(NodeCore core, NodeStore store) throws StoreException {
        List<SessionLayer.SavedSession> saved = new ArrayList<>();
        for (SessionSnapshot snapshot : store.snapshots()) {
            saved.add(new SessionLayer.SavedSession(snapshot.session(), snapshot.name(), snapshot.state()));
        }
        List<SessionLayer.SavedPeer> savedPeers = new ArrayList<>();
        for (KnownPeer peer : store.peers()) {
            InetSocketAddress address = null;
            if (peer.address() != null) {
                try {
                    address = Addresses.parse(peer.address(), false);
                } catch (IllegalArgumentException e) {
                    LOG.warn("peer '{}' has an address that does not parse: {}", peer.name(), peer.address());
                }
            }
            savedPeers.add(new SessionLayer.SavedPeer(peer.nodeId(), peer.name(), address));
        }
        core.restoreSessions(saved, savedPeers);
        for (SessionId session : core.sessionIds()) {
            core.restoreHeld(session, store.held(session));
            core.restoreState(session, store.state(session));
        }
        List<EventId> ids = new ArrayList<>(store.recentEventIds(ValidateStage.SEEN_EVENTS_MAX));
        Collections.reverse(ids); // oldest first, so the newest are the last forgotten
        List<Event> history = new ArrayList<>();
        for (SessionId session : core.sessionIds()) {
            history.addAll(store.latest(session, RESTORED_EVENTS_MAX));
        }
        history.sort(Event.ORDER);
        core.restore(ids, history);
    }

    private static void closeQuietly(NodeStore opened, StoreWriter store) {
        try {
            if (store != null) {
                store.close();
            } else if (opened != null) {
                opened.close();
            }
        } catch (StoreException e) {
            LOG.debug("closing the database after a failed start", e);
        }
    }
}
