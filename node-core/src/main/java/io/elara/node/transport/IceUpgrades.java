package io.elara.node.transport;

import io.elara.crypto.identity.NodeId;
import io.elara.node.NodeCore;
import io.elara.node.time.Clock;
import io.elara.stun.ice.IceDescription;
import io.elara.stun.ice.driver.IceSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ICE (through ice4j, {@link IceSession}) for the peers a node reaches through its TURN relay, to find a direct
 * path that the relay no longer carries. The core calls {@link #start} on the controlling side once a relayed peer's
 * secure session is up, and {@link #received} with the peer's offer or answer, both on the loop thread; the exchange
 * itself travels as session control over the relayed secure session. Everything here runs on one worker thread of its
 * own (gathering blocks), and gets back to the node only through the loop executor.
 *
 * <p>Once a pair is selected, the core sends to the peer's (relayed) address through that pair, and a pump thread
 * reads the pair's socket and hands each datagram to the loop as if it came from the relayed address, so sessions,
 * lanes and keys carry on untouched. When the checks fail or time out, or consent (RFC 7675) lapses for {@link
 * #CONSENT_LOST_MS}, the peer stays on (or goes back to) the relay, and {@code elara status} says why.
 */
public final class IceUpgrades implements NodeCore.IceSignals, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IceUpgrades.class);

    /** How long the connectivity checks may run before the peer stays on the relay. */
    public static final long CHECKS_DEADLINE_MS = 10_000;
    /** How long the controlling side waits for the answer to its offer. */
    public static final long ANSWER_WAIT_MS = 15_000;
    /** A path whose peer has not confirmed consent for this long is dropped (RFC 7675: 30 s). */
    public static final long CONSENT_LOST_MS = 30_000;
    /** How often consent is looked at. */
    static final long CONSENT_CHECK_MS = 2_000;
    /** Most ICE sessions at once (each holds a socket and a pump thread); more relayed peers stay relayed. */
    public static final int SESSIONS_MAX = 16;
    /** Datagrams read from paths and not yet taken by the loop, at most, per path; beyond, they are dropped. */
    static final int RECEIVED_QUEUE_MAX = 1024;

    private final NodeCore core;
    private final Executor loop;
    private final Clock clock;
    private final List<InetSocketAddress> stunServers;
    private final ScheduledExecutorService worker;
    /** Per relayed peer address; worker thread only. */
    private final Map<InetSocketAddress, Attempt> attempts = new HashMap<>();
    /** When ICE last found no path to an address (System.nanoTime); worker thread only. */
    private final Map<InetSocketAddress, Long> failedAt = new HashMap<>();
    /** After a failure, ICE to the same address is not tried again for this long (a new secure session asks again). */
    public static final long RETRY_AFTER_NS = TimeUnit.MINUTES.toNanos(10);

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param loop runs a task on the node's loop thread and flushes after it ({@link UdpDriver#completions})
     * @param stunServers where server-reflexive candidates are asked for
     */
    public IceUpgrades(NodeCore core, Executor loop, Clock clock, List<InetSocketAddress> stunServers) {
        this.core = core;
        this.loop = loop;
        this.clock = clock;
        this.stunServers = List.copyOf(stunServers);
        this.worker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "elara-ice");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Datagrams that arrived on ICE paths, and those dropped because the loop had not taken the earlier ones. */
    public long received() {
        return received.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start(NodeId peer, InetSocketAddress address) {
        worker.execute(() -> {
            // A new secure session with the same peer (a rekey every 2 minutes) must not tear down a path that works,
            // nor rerun checks that failed a moment ago.
            Attempt running = attempts.get(address);
            if (running != null && running.peer.equals(peer)) {
                return;
            }
            Long failed = failedAt.get(address);
            if (failed != null && System.nanoTime() - failed < RETRY_AFTER_NS) {
                return;
            }
            Attempt attempt = begin(peer, address, true);
            if (attempt == null) {
                return;
            }
            IceDescription local = attempt.session.local();
            toLoop(() -> {
                core.iceState(address, "checking (offered " + local.candidates().size() + " candidates)");
                if (!core.sendIce(peer, true, local, clock.nowNs())) {
                    core.iceState(address, "not tried: the peer is gone");
                }
            });
            attempt.timeout = worker.schedule(
                    () -> {
                        if (attempts.get(address) == attempt && !attempt.connecting) {
                            fail(attempt, "no answer to the offer within " + ANSWER_WAIT_MS / 1000 + " s");
                        }
                    },
                    ANSWER_WAIT_MS,
                    TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void received(NodeId peer, InetSocketAddress address, boolean offer, IceDescription description) {
        worker.execute(() -> {
            Attempt attempt;
            if (offer) {
                attempt = begin(peer, address, false);
                if (attempt == null) {
                    return;
                }
                IceDescription local = attempt.session.local();
                toLoop(() -> {
                    core.iceState(
                            address,
                            "checking (answered with " + local.candidates().size() + " candidates)");
                    core.sendIce(peer, false, local, clock.nowNs());
                });
            } else {
                attempt = attempts.get(address);
                if (attempt == null || attempt.connecting || !attempt.peer.equals(peer)) {
                    LOG.debug("an ICE answer from {} that no offer of this node waits for", address);
                    return;
                }
            }
            connect(attempt, description);
        });
    }

    /** A new session for {@code address}, replacing any earlier one; null when none could start (state shown). */
    private Attempt begin(NodeId peer, InetSocketAddress address, boolean controlling) {
        Attempt previous = attempts.remove(address);
        if (previous != null) {
            boolean hadPath = previous.pump != null;
            end(previous, "renewed");
            if (hadPath) {
                // Its socket is closed now: back to the relay until the new checks select a pair.
                toLoop(() -> core.dropPath(address, "checking again"));
            }
        }
        if (attempts.size() >= SESSIONS_MAX) {
            toLoop(() -> core.iceState(address, "not tried: " + SESSIONS_MAX + " ICE sessions run already"));
            return null;
        }
        try {
            Attempt attempt = new Attempt(peer, address, IceSession.gather(controlling, stunServers));
            attempts.put(address, attempt);
            return attempt;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            toLoop(() -> core.iceState(address, "found no direct path: " + why));
            return null;
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the handler itself deals with the failure
    private void connect(Attempt attempt, IceDescription remote) {
        attempt.connecting = true;
        if (attempt.timeout != null) {
            attempt.timeout.cancel(false);
        }
        attempt.session
                .connect(remote, CHECKS_DEADLINE_MS)
                .whenCompleteAsync(
                        (path, failure) -> {
                            if (attempts.get(attempt.address) != attempt) {
                                return; // replaced or closed meanwhile
                            }
                            if (failure != null) {
                                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                                fail(attempt, cause.getMessage());
                                return;
                            }
                            selected(attempt, path);
                        },
                        worker);
    }

    private void selected(Attempt attempt, IceSession.Path path) {
        InetSocketAddress address = attempt.address;
        failedAt.remove(address);
        Pump pump = new Pump(address, path);
        attempt.pump = pump;
        String description = path.kind() + " " + format(path.local()) + " -> " + format(path.remote());
        LOG.info("direct path to {} found by ICE: {}", address, description);
        SendPath send = new SendPath(path);
        toLoop(() -> core.usePath(address, send, description));
        pump.start();
        attempt.selectedMs = System.currentTimeMillis();
        attempt.consent = worker.scheduleWithFixedDelay(
                () -> {
                    long age = path.consentAgeMs(System.currentTimeMillis());
                    // Before the first confirmation, the age counts from the selection.
                    long since = age >= 0 ? age : System.currentTimeMillis() - attempt.selectedMs;
                    if (since > CONSENT_LOST_MS && attempts.get(address) == attempt) {
                        attempts.remove(address);
                        failedAt.put(address, System.nanoTime());
                        end(attempt, "lost");
                        toLoop(() -> core.dropPath(
                                address,
                                "lost its direct path (no consent for " + CONSENT_LOST_MS / 1000
                                        + " s); back on the relay"));
                    }
                },
                CONSENT_CHECK_MS,
                CONSENT_CHECK_MS,
                TimeUnit.MILLISECONDS);
    }

    private void fail(Attempt attempt, String why) {
        attempts.remove(attempt.address);
        failedAt.put(attempt.address, System.nanoTime());
        end(attempt, why);
        LOG.info("no direct path to {}: {}; it stays on the relay", attempt.address, why);
        toLoop(() -> core.iceState(attempt.address, "found no direct path: " + why));
    }

    private static void end(Attempt attempt, String why) {
        LOG.debug("ICE session with {} ends: {}", attempt.address, why);
        if (attempt.timeout != null) {
            attempt.timeout.cancel(false);
        }
        if (attempt.consent != null) {
            attempt.consent.cancel(false);
        }
        if (attempt.pump != null) {
            attempt.pump.stop();
        }
        attempt.session.close();
    }

    private void toLoop(Runnable task) {
        loop.execute(task);
    }

    /** Frees every ICE session (sockets, ice4j's threads) and stops the worker; the node's loop may be gone already. */
    @Override
    public void close() {
        try {
            worker.submit(() -> {
                        for (Attempt attempt : new ArrayList<>(attempts.values())) {
                            end(attempt, "the node stopped");
                        }
                        attempts.clear();
                    })
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not free the ICE sessions cleanly: {}", e.toString());
        } finally {
            worker.shutdownNow();
        }
    }

    private static String format(InetSocketAddress address) {
        return io.elara.node.peer.Peer.format(address);
    }

    /** One peer's ICE session and, once selected, its path. Worker thread only. */
    private static final class Attempt {
        final NodeId peer;
        final InetSocketAddress address;
        final IceSession session;
        boolean connecting;
        ScheduledFuture<?> timeout;
        ScheduledFuture<?> consent;
        Pump pump;
        long selectedMs;

        Attempt(NodeId peer, InetSocketAddress address, IceSession session) {
            this.peer = peer;
            this.address = address;
            this.session = session;
        }
    }

    /** The core's side of a path: sends from the loop thread through one reused buffer. */
    private static final class SendPath implements NodeCore.DirectPath {
        private final IceSession.Path path;
        private byte[] scratch = new byte[2048];

        SendPath(IceSession.Path path) {
            this.path = path;
        }

        @Override
        public void send(ByteBuf datagram) {
            try {
                int length = datagram.readableBytes();
                if (length > scratch.length) {
                    scratch = new byte[length];
                }
                datagram.readBytes(scratch, 0, length);
                path.send(scratch, length);
            } catch (IOException e) {
                // As with the node's own port: a datagram that cannot leave is lost, and the lanes resend.
                LOG.debug("a datagram on an ICE path could not be sent: {}", e.getMessage());
            } finally {
                datagram.release();
            }
        }
    }

    /**
     * Reads one path's socket on a thread of its own and hands what arrives to the loop in batches: a bounded queue of
     * pooled buffers, and one loop task per batch.
     */
    private final class Pump implements Runnable {
        private final InetSocketAddress address;
        private final IceSession.Path path;
        private final ArrayBlockingQueue<ByteBuf> queue = new ArrayBlockingQueue<>(RECEIVED_QUEUE_MAX);
        private final AtomicBoolean drainQueued = new AtomicBoolean();
        private final Runnable drain = this::drain;
        private final Thread thread;
        private volatile boolean stopped;

        Pump(InetSocketAddress address, IceSession.Path path) {
            this.address = address;
            this.path = path;
            this.thread = new Thread(this, "elara-ice-path");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /** Stops after the socket closes (the session's close does that); what is queued is released. */
        void stop() {
            stopped = true;
            thread.interrupt();
        }

        @Override
        public void run() {
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            while (!stopped) {
                try {
                    packet.setLength(packet.getData().length);
                    path.receive(packet);
                } catch (IOException e) {
                    break; // closed
                }
                ByteBuf datagram = PooledByteBufAllocator.DEFAULT.heapBuffer(packet.getLength());
                datagram.writeBytes(packet.getData(), packet.getOffset(), packet.getLength());
                if (!queue.offer(datagram)) {
                    datagram.release();
                    dropped.incrementAndGet();
                    continue;
                }
                received.incrementAndGet();
                if (drainQueued.compareAndSet(false, true)) {
                    toLoop(drain);
                }
            }
            ByteBuf left;
            while ((left = queue.poll()) != null) {
                left.release();
            }
        }

        /** Loop thread: everything queued, to the core, as from the peer's relayed address. */
        private void drain() {
            drainQueued.set(false);
            long nowNs = clock.nowNs();
            ByteBuf datagram;
            while ((datagram = queue.poll()) != null) {
                try {
                    if (!stopped) {
                        core.onDatagram(datagram, address, nowNs);
                    }
                } finally {
                    datagram.release();
                }
            }
        }
    }
}
