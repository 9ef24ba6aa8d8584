package io.elara.node;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlServer;
import io.elara.node.flow.FlowEngine;
import io.elara.node.flow.runtime.FlowRuntime;
import io.elara.node.peer.Peer;
import io.elara.node.store.DataDirectory;
import io.elara.node.time.Clock;
import io.elara.node.transport.SystemClock;
import io.elara.node.transport.UdpDriver;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
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
     * @param flowOutput where the config's {@code stdout} flow steps print; null for the process's stdout
     */
    public record Options(boolean controlSocket, boolean lockDataDirectory, Clock clock, PrintStream flowOutput) {
        /** A long-running node: data directory locked, control socket open. */
        public static Options daemon() {
            return new Options(true, true, new SystemClock(), null);
        }

        /** A node inside another program (the demo, tests, a one-shot send): no lock, no control socket. */
        public static Options embedded() {
            return new Options(false, false, new SystemClock(), null);
        }

        /** These options with flows' {@code stdout} steps printing to {@code output}. */
        public Options withFlowOutput(PrintStream output) {
            return new Options(controlSocket, lockDataDirectory, clock, output);
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

    private Node(
            NodeConfig config,
            Identity identity,
            UdpDriver driver,
            NodeProxy proxy,
            InetSocketAddress localAddress,
            DataDirectory.Lock lock,
            ControlServer control,
            FlowRuntime flows) {
        this.config = config;
        this.identity = identity;
        this.driver = driver;
        this.proxy = proxy;
        this.localAddress = localAddress;
        this.lock = lock;
        this.control = control;
        this.flows = flows;
    }

    /**
     * Starts a node.
     *
     * @throws NodeStartException with a one-line message; everything acquired so far is released
     */
    public static Node start(NodeConfig config, Identity identity, Options options) throws NodeStartException {
        DataDirectory directory = new DataDirectory(config.dataDirectory());
        DataDirectory.Lock lock = null;
        UdpDriver driver = null;
        FlowRuntime flows = null;
        boolean started = false;
        try {
            if (options.lockDataDirectory()) {
                lock = directory.lock();
            }
            driver = new UdpDriver(config.name(), options.clock());
            SecureRandom random = new SecureRandom();
            NodeCore core =
                    new NodeCore(config, identity, new SplittableRandom(random.nextLong()), random, driver.outbox());
            NodeProxy proxy = new NodeProxy(driver::wakeUp);
            InetSocketAddress local = driver.bind(config.bind(), core, proxy);
            if (!config.flows().isEmpty()) {
                flows = FlowRuntime.start(config, proxy, options.clock(), options.flowOutput());
            }
            ControlServer control = null;
            if (options.controlSocket()) {
                FlowRuntime running = flows;
                control = ControlServer.start(
                        directory.controlSocket(),
                        proxy,
                        Peer.format(local),
                        running == null ? null : running::statusJson);
            }
            Node node = new Node(config, identity, driver, proxy, local, lock, control, flows);
            started = true;
            LOG.debug("node {} bound to {} ({} transport)", config.name(), local, driver.epoll() ? "epoll" : "nio");
            return node;
        } catch (IOException e) {
            throw new NodeStartException(e.getMessage(), e);
        } finally {
            if (!started) {
                if (flows != null) {
                    flows.close();
                }
                if (driver != null) {
                    driver.close();
                }
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

    /** A status snapshot, with the bound address. */
    public CompletableFuture<NodeStatus> status() {
        String listen = Peer.format(localAddress);
        return proxy.status().thenApply(status -> status.withListen(listen));
    }

    /** Stops: the control socket first (no new commands), then the UDP socket and loop, then the directory lock. */
    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        if (flows != null) {
            flows.close();
        }
        driver.close();
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("could not release the data directory lock: {}", e.getMessage());
            }
        }
    }
}
