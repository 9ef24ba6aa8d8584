package io.elara.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFile;
import io.elara.crypto.identity.KeyFileException;
import io.elara.node.Node;
import io.elara.node.NodeStartException;
import io.elara.node.NodeStatus;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.ConfigLoader;
import io.elara.node.config.NodeConfig;
import io.elara.node.lane.ReliableSender;
import io.elara.node.store.DataDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One end-to-end run between two real nodes on loopback, both with protection on (Noise sessions, every packet sealed,
 * every event signed and verified): the sender runs in this process, driven through its {@code NodeProxy}; the
 * receiver is a child JVM of the same class path ({@code elara bench peer}), which counts what it delivers and answers
 * over a pipe. The parts, and why:
 *
 * <ul>
 *   <li><b>Two processes.</b> Each node has its own JVM, heap, JIT and GC, as in a real deployment, and each side's CPU
 *       time is measured apart: this process's CPU is the sender's (the relay's threads subtracted), the child reports
 *       its own.
 *   <li><b>Fresh identities and configs.</b> A temporary directory per run holds two data directories, each with a new
 *       identity key without a passphrase and a generated config in which each node names the other with {@code id:}
 *       and {@code key:}, so the handshake is the full, pinned one. The directory is deleted afterwards, and a
 *       shutdown hook kills the child and deletes it when the run is interrupted.
 *   <li><b>Bounded sending.</b> At most {@link #OUTSTANDING_MAX} sends are unacknowledged at once (three lane windows of
 *       {@link ReliableSender#WINDOW_EVENTS}): enough that the lane always has a window's worth waiting when
 *       acknowledgements return, below the node's command queue ({@code NodeProxy.QUEUE_COMMANDS_MAX}) and send queue,
 *       so no send is refused as busy and nothing grows without bound.
 *   <li><b>Phases.</b> Connect (one event, acknowledged, so the handshake and its retransmissions under loss are never
 *       measured), warm-up (JIT), then the measured window between two marks: the coordinator asks the receiver for
 *       its count and CPU time at both ends and takes differences. Events sent inside the window carry a flag, and
 *       only those enter the latency figures.
 *   <li><b>Checks.</b> Every event carries a sequence number; the receiver checks that 0, 1, 2, ... arrive exactly
 *       once and in order, and the sender that every send was acknowledged.
 *   <li><b>Loss.</b> With a loss above zero, both nodes talk through a {@link LossyUdpRelay} in this process.
 * </ul>
 */
public final class EndToEndBench {
    /** Unacknowledged sends at most: three lane windows. */
    public static final int OUTSTANDING_MAX = 3 * ReliableSender.WINDOW_EVENTS;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENDER = "sender";
    private static final String RECEIVER = "receiver";
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final long ANSWER_TIMEOUT_MS = 30_000;
    /** How long the first event may take: a lost handshake message is resent after 5 s, and loss may hit it twice. */
    private static final long CONNECT_TIMEOUT_MS = 60_000;
    /** How long sending may wait for any acknowledgement before the run is declared stuck. */
    private static final long STALL_TIMEOUT_MS = 60_000;
    /** The nodes' delivery timeout: long, so that a slow machine shows up as slow figures, not as failed sends. */
    private static final long DELIVERY_TIMEOUT_MS = 120_000;

    private static final long CHILD_EXIT_TIMEOUT_MS = 5_000;
    private static final String END_OF_STREAM = "\u0000end";

    /**
     * What to run.
     *
     * @param sizeBytes text per event, in bytes
     * @param warmupNs warm-up before measuring
     * @param durationNs the measured window
     * @param ratePerSecond events offered per second, or 0 for as fast as the lane takes them
     * @param lossPercent datagrams dropped at random in each direction, 0 for a direct path
     * @param seed the relay's random seed
     * @param persist whether both nodes keep every event in their database (committed before it is acknowledged)
     * @param floodPerSecond forged handshake initiations a second sent at the receiver from the connect to the end of
     *     the window ({@link HandshakeFlood}), 0 for none
     * @param floodSources loopback addresses the flood comes from
     */
    public record Settings(
            int sizeBytes,
            long warmupNs,
            long durationNs,
            long ratePerSecond,
            double lossPercent,
            long seed,
            boolean persist,
            long floodPerSecond,
            int floodSources) {}

    /**
     * A run's figures; also its {@code --json} object.
     *
     * @param benchmark {@code throughput} or {@code latency}
     * @param offeredPerSecond events offered per second, 0 for as fast as possible
     * @param durationS the measured window as it was, between the two marks
     * @param eventsPerSecond events the receiver delivered per second of the window
     * @param megabytesPerSecond payload (event text) delivered, 10^6 bytes per second
     * @param senderCpuUsPerEvent the sender process's CPU time in the window per delivered event, relay excluded
     * @param receiverCpuUsPerEvent the receiver process's, likewise
     * @param relayCpuUsPerEvent the loss relay's two threads, likewise; 0 without a relay
     * @param sent events sent in the whole run (connect, warm-up, window)
     * @param delivered events the receiver delivered, duplicates included
     * @param lost events sent and never delivered
     * @param failedSends sends that ended without an acknowledgement
     * @param firstFailure why the first of them failed, or null
     * @param exactlyOnceInOrder every event delivered once, in the order sent, and acknowledged
     * @param transmissions event frames the sender sent in the window, retransmissions included
     * @param retransmissions event frames it sent again after a timeout, in the window
     * @param eventsPerSignature events the sender authored per Ed25519 signature in the window: its signed batches'
     *     mean size (up to 64), which sets how much of the signing and verifying cost each event bears
     * @param eventsPerSignatureCheck events delivered per Ed25519 verification on the receiver in the window
     * @param relayDropped datagrams the relay dropped, whole run, both directions
     * @param latencySamples events whose one-way latency was measured (those sent in the window)
     * @param floodPerSecond forged handshake initiations sent per second, as achieved; 0 without a flood
     * @param floodSent initiations sent in all
     * @param floodSources the addresses they came from
     * @param floodCookieReplies cookie replies the receiver sent back (it was under load and did no Diffie-Hellman work)
     * @param floodResponses handshake responses it sent back (Diffie-Hellman work, before it was under load)
     * @param receiverRssBeforeMb the receiver process's resident memory when the window opened, MB; -1 unknown
     * @param receiverRssAfterMb and when it closed
     */
    public record Figures(
            String benchmark,
            int sizeBytes,
            boolean encrypted,
            boolean persisted,
            long offeredPerSecond,
            double lossPercent,
            long seed,
            double warmupS,
            double durationS,
            double eventsPerSecond,
            double megabytesPerSecond,
            double senderCpuUsPerEvent,
            double receiverCpuUsPerEvent,
            double relayCpuUsPerEvent,
            long sent,
            long delivered,
            long lost,
            long duplicates,
            long outOfOrder,
            long failedSends,
            String firstFailure,
            boolean exactlyOnceInOrder,
            long transmissions,
            long retransmissions,
            double retransmittedPercent,
            double eventsPerSignature,
            double eventsPerSignatureCheck,
            long relayForwarded,
            long relayDropped,
            long latencySamples,
            double latencyP50Ms,
            double latencyP99Ms,
            double latencyP999Ms,
            double latencyMaxMs,
            int cores,
            double loadAverage,
            double floodPerSecond,
            long floodSent,
            int floodSources,
            long floodCookieReplies,
            long floodResponses,
            long receiverRssBeforeMb,
            long receiverRssAfterMb) {}

    private final Settings settings;
    private final PrintWriter err;
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private Path root;
    private Process child;
    private Writer childInput;
    private final BlockingQueue<String> childLines = new LinkedBlockingQueue<>();
    private LossyUdpRelay relay;
    private Node sender;
    private HandshakeFlood flood;
    private InetSocketAddress receiverAt;
    private Identity receiverIdentity;

    private EndToEndBench(Settings settings, PrintWriter err) {
        this.settings = settings;
        this.err = err;
    }

    /**
     * Runs the benchmark and returns its figures; a run that could not finish (the receiver died, acknowledgements
     * stopped) is an {@link ElaraUserException} with exit code 1. Warnings (a directory that could not be deleted) go
     * to {@code err}. Everything started is stopped, and the temporary directory deleted, before this returns.
     */
    public static Figures run(String benchmark, Settings settings, PrintWriter err) {
        EndToEndBench bench = new EndToEndBench(settings, err);
        Thread hook = new Thread(bench::cleanUp, "elara-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return bench.measure(benchmark);
        } catch (IOException e) {
            throw new ElaraUserException(ExitCode.FAILURE, "the benchmark failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElaraUserException(ExitCode.FAILURE, "the benchmark was interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook runs (or ran) the same clean-up; running it twice is safe.
                err.flush();
            }
            bench.cleanUp();
        }
    }

    private Figures measure(String benchmark) throws IOException, InterruptedException {
        root = Files.createTempDirectory("elara-bench-");
        DataDirectory senderData = new DataDirectory(root.resolve(SENDER));
        DataDirectory receiverData = new DataDirectory(root.resolve(RECEIVER));
        SecureRandom random = new SecureRandom();
        Identity senderIdentity = Identity.generate(random);
        Identity receiverIdentity = Identity.generate(random);
        create(senderData, senderIdentity);
        create(receiverData, receiverIdentity);

        InetAddress loopback = InetAddress.getLoopbackAddress();
        int senderPort;
        DatagramSocket reservation = new DatagramSocket(new InetSocketAddress(loopback, 0));
        try {
            // The receiver's config must name the sender's address before the sender starts (it needs the receiver's
            // port, known only once the child runs), so the port is held here until the sender binds it.
            senderPort = reservation.getLocalPort();
            if (settings.lossPercent() > 0) {
                relay = LossyUdpRelay.start(settings.lossPercent() / 100, settings.seed());
            }
            InetSocketAddress senderSeenAt =
                    relay != null ? relay.receiverFacing() : new InetSocketAddress(loopback, senderPort);
            Path receiverConfig = writeConfig(receiverData, RECEIVER, 0, SENDER, senderSeenAt, senderIdentity);
            startChild(receiverConfig);
            int receiverPort = awaitReady();
            InetSocketAddress receiverAddress = new InetSocketAddress(loopback, receiverPort);
            receiverAt = receiverAddress;
            this.receiverIdentity = receiverIdentity;
            if (relay != null) {
                relay.connect(new InetSocketAddress(loopback, senderPort), receiverAddress);
            }
            InetSocketAddress receiverSeenAt = relay != null ? relay.senderFacing() : receiverAddress;
            Path senderConfig = writeConfig(senderData, SENDER, senderPort, RECEIVER, receiverSeenAt, receiverIdentity);
            reservation.close();
            sender = startSender(senderConfig, senderIdentity, settings.persist());
        } finally {
            reservation.close();
        }
        return drive(benchmark);
    }

    private static void create(DataDirectory data, Identity identity) throws IOException {
        data.create();
        try {
            KeyFile.create(data.identityFile(), identity);
        } catch (KeyFileException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Path writeConfig(
            DataDirectory data,
            String name,
            int port,
            String peer,
            InetSocketAddress peerAddress,
            Identity peerIdentity)
            throws IOException {
        String yaml = String.join(
                "\n",
                "# Written by elara bench for one run; deleted with it.",
                "name: " + name,
                "data-dir: .",
                "bind:",
                "  address: " + InetAddress.getLoopbackAddress().getHostAddress(),
                "  port: " + port,
                "peers:",
                "  - name: " + peer,
                "    address: " + peerAddress.getAddress().getHostAddress() + ":" + peerAddress.getPort(),
                "    id: " + peerIdentity.nodeId(),
                "    key: " + Base64.getEncoder().encodeToString(peerIdentity.staticPublicKey()),
                "limits:",
                "  text-bytes-max: 1024",
                "  send-queue-max: 4096",
                "  delivery-timeout-ms: " + DELIVERY_TIMEOUT_MS,
                "");
        Files.writeString(data.configFile(), yaml, StandardCharsets.UTF_8);
        return data.configFile();
    }

    private void startChild(Path receiverConfig) throws IOException {
        List<String> command = new ArrayList<>(List.of("bench", "peer", "--config", receiverConfig.toString()));
        if (settings.persist()) {
            command.add("--persist");
        }
        child = new ProcessBuilder(ChildJvm.elara(command))
                .redirectError(root.resolve("receiver.log").toFile())
                .start();
        childInput = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            childLines.add(line);
                        }
                    } catch (IOException e) {
                        // The pipe broke: the child is gone, which the next read reports with its exit code.
                        childLines.add(END_OF_STREAM + ": " + e.getMessage());
                        return;
                    }
                    childLines.add(END_OF_STREAM);
                },
                "elara-bench-receiver-pipe");
        reader.setDaemon(true);
        reader.start();
    }

    private int awaitReady() throws InterruptedException {
        String line = nextLine(READY_TIMEOUT_MS, "start");
        if (!line.startsWith("ready ")) {
            throw new ElaraUserException(ExitCode.FAILURE, "the receiver said '" + line + "' instead of ready");
        }
        return Integer.parseInt(line.substring("ready ".length()).strip());
    }

    private String nextLine(long timeoutMs, String what) throws InterruptedException {
        String line = childLines.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new ElaraUserException(
                    ExitCode.FAILURE, "the receiver did not " + what + " within " + timeoutMs + " ms" + childLog());
        }
        if (line.startsWith(END_OF_STREAM)) {
            child.waitFor(CHILD_EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            String exit = child.isAlive() ? "closed its output" : "exited with code " + child.exitValue();
            throw new ElaraUserException(ExitCode.FAILURE, "the receiver " + exit + childLog());
        }
        return line;
    }

    /** The last line the child wrote to stderr, as {@code : LINE}, or nothing. */
    private String childLog() {
        try {
            Path log = root.resolve("receiver.log");
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return ": " + lines.get(i).strip();
                }
            }
            return "";
        } catch (IOException e) {
            return " (its log is unreadable: " + e.getMessage() + ")";
        }
    }

    private <T> T ask(String request, Class<T> answer) throws IOException, InterruptedException {
        childInput.write(request + "\n");
        childInput.flush();
        String line = nextLine(ANSWER_TIMEOUT_MS, "answer '" + request + "'");
        return JSON.readValue(line, answer);
    }

    private static Node startSender(Path config, Identity identity, boolean persist) {
        try {
            NodeConfig nodeConfig = ConfigLoader.load(config);
            return Node.start(nodeConfig, identity, Node.Options.embedded().withPersistence(persist));
        } catch (ConfigException e) {
            throw new IllegalStateException("the benchmark wrote a config it cannot load: " + e.getMessage(), e);
        } catch (NodeStartException e) {
            throw new ElaraUserException(ExitCode.FAILURE, "the sender could not start: " + e.getMessage(), e);
        }
    }

    /** Sends at most {@link #OUTSTANDING_MAX} unacknowledged events at a time, and counts how each ended. */
    private final class Sending {
        private final Semaphore permits = new Semaphore(OUTSTANDING_MAX);
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<String> firstFailure = new AtomicReference<>();
        private final SendTarget target = SendTarget.peer(RECEIVER);
        private long sent;

        void send(boolean measured) throws InterruptedException {
            acquire(1, STALL_TIMEOUT_MS, "acknowledge anything");
            String text = BenchText.encode(sent, BenchText.nowUs(), measured, settings.sizeBytes());
            sent++;
            CompletableFuture<SendResult> result = sender.proxy().sendText(target, text);
            // The callback counts how the send ended and frees its slot; nothing waits on the future it returns.
            CompletableFuture<SendResult> unused = result.whenComplete((done, failure) -> {
                if (failure != null || !done.allAcknowledged()) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(
                            null,
                            failure != null
                                    ? failure.getMessage()
                                    : String.join("; ", done.failures().values()));
                }
                permits.release();
            });
        }

        /** Waits until every send so far has ended. */
        void drain(long timeoutMs, String what) throws InterruptedException {
            acquire(OUTSTANDING_MAX, timeoutMs, what);
            permits.release(OUTSTANDING_MAX);
        }

        private void acquire(int count, long timeoutMs, String what) throws InterruptedException {
            long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            // In steps of a second, so that a receiver that died is reported at once rather than after the timeout.
            while (!permits.tryAcquire(count, 1, TimeUnit.SECONDS)) {
                if (!child.isAlive()) {
                    nextLine(ANSWER_TIMEOUT_MS, what);
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new ElaraUserException(
                            ExitCode.FAILURE,
                            "the receiver did not " + what + " within " + timeoutMs + " ms (" + sent + " events sent, "
                                    + (OUTSTANDING_MAX - permits.availablePermits())
                                    + " unacknowledged)" + childLog());
                }
            }
        }
    }

    private Figures drive(String benchmark) throws IOException, InterruptedException {
        Sending sending = new Sending();
        sending.send(false);
        sending.drain(CONNECT_TIMEOUT_MS, "acknowledge the first event");
        if (settings.floodPerSecond() > 0) {
            // After the connect: the flood is about keeping a session going, not about dialling through one.
            flood = HandshakeFlood.start(
                    receiverAt,
                    receiverIdentity.nodeId(),
                    receiverIdentity.staticPublicKey(),
                    settings.floodPerSecond(),
                    settings.floodSources());
        }

        long periodNs = settings.ratePerSecond() > 0 ? 1_000_000_000L / settings.ratePerSecond() : 0;
        long startNs = System.nanoTime();
        long nextNs = startNs;
        while (System.nanoTime() - (startNs + settings.warmupNs()) < 0) {
            nextNs = pace(nextNs, periodNs);
            sending.send(false);
        }

        ReceiverMark receiverBefore = ask("mark", ReceiverMark.class);
        NodeStatus senderBefore = senderStatus();
        NodeStatus.PeerStatus linkBefore = link(senderBefore);
        long relayCpuBefore = relay != null ? relay.cpuNs() : 0;
        long cpuBefore = CpuTime.processNs();
        long rssBeforeMb = residentMb(child.pid());
        long windowStartNs = System.nanoTime();
        nextNs = windowStartNs;
        while (System.nanoTime() - (windowStartNs + settings.durationNs()) < 0) {
            nextNs = pace(nextNs, periodNs);
            sending.send(true);
        }
        long windowEndNs = System.nanoTime();
        long rssAfterMb = residentMb(child.pid());
        if (flood != null) {
            flood.close();
        }
        long cpuAfter = CpuTime.processNs();
        long relayCpuAfter = relay != null ? relay.cpuNs() : 0;
        ReceiverMark receiverAfter = ask("mark", ReceiverMark.class);
        NodeStatus senderAfter = senderStatus();
        NodeStatus.PeerStatus linkAfter = link(senderAfter);

        sending.drain(DELIVERY_TIMEOUT_MS + STALL_TIMEOUT_MS, "acknowledge every event");
        ReceiverReport report = awaitReport(sending.sent);

        double seconds = (windowEndNs - windowStartNs) / 1e9;
        long deliveredInWindow = receiverAfter.delivered() - receiverBefore.delivered();
        double perEvent = Math.max(1, deliveredInWindow);
        long relayCpu = relay != null && relayCpuBefore >= 0 && relayCpuAfter >= 0 ? relayCpuAfter - relayCpuBefore : 0;
        double senderCpuUs = cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore - relayCpu) / 1e3 / perEvent;
        double receiverCpuUs = receiverBefore.cpuNs() < 0 || receiverAfter.cpuNs() < 0
                ? -1
                : (receiverAfter.cpuNs() - receiverBefore.cpuNs()) / 1e3 / perEvent;
        long distinct = report.delivered() - report.duplicates();
        long lost = Math.max(0, sending.sent - distinct);
        long failed = sending.failed.get();
        boolean exact = lost == 0
                && report.duplicates() == 0
                && report.outOfOrder() == 0
                && report.foreign() == 0
                && failed == 0
                && report.delivered() == sending.sent;
        long transmissions = linkAfter.transmissions() - linkBefore.transmissions();
        long retransmissions = linkAfter.retransmissions() - linkBefore.retransmissions();
        long eventsAuthored =
                senderAfter.counters().eventsSent() - senderBefore.counters().eventsSent();
        long batchesSigned =
                senderAfter.security().batchesSigned() - senderBefore.security().batchesSigned();
        long signatureChecks = receiverAfter.signatureChecks() - receiverBefore.signatureChecks();
        return new Figures(
                benchmark,
                settings.sizeBytes(),
                true,
                settings.persist(),
                settings.ratePerSecond(),
                settings.lossPercent(),
                settings.seed(),
                settings.warmupNs() / 1e9,
                seconds,
                deliveredInWindow / seconds,
                deliveredInWindow * (double) settings.sizeBytes() / seconds / 1e6,
                senderCpuUs,
                receiverCpuUs,
                relayCpu / 1e3 / perEvent,
                sending.sent,
                report.delivered(),
                lost,
                report.duplicates(),
                report.outOfOrder(),
                failed,
                sending.firstFailure.get(),
                exact,
                transmissions,
                retransmissions,
                transmissions == 0 ? 0 : 100.0 * retransmissions / transmissions,
                batchesSigned == 0 ? 0 : (double) eventsAuthored / batchesSigned,
                signatureChecks == 0 ? 0 : (double) deliveredInWindow / signatureChecks,
                relay != null ? relay.forwarded() : 0,
                relay != null ? relay.dropped() : 0,
                report.latencySamples(),
                report.latencyP50Us() / 1e3,
                report.latencyP99Us() / 1e3,
                report.latencyP999Us() / 1e3,
                report.latencyMaxUs() / 1e3,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                flood != null ? flood.achievedPerSecond() : 0,
                flood != null ? flood.sent() : 0,
                flood != null ? settings.floodSources() : 0,
                flood != null ? flood.cookieReplies() : 0,
                flood != null ? flood.responses() : 0,
                rssBeforeMb,
                rssAfterMb);
    }

    /** Resident memory of process {@code pid} in MB, from {@code /proc}; -1 where there is no {@code /proc}. */
    private static long residentMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Waits until {@code nextNs} when the rate is fixed, and returns the next send time. The schedule is absolute, so a
     * late wake-up (parking on Linux overshoots by tens of microseconds) is made up by the next sends instead of
     * lowering the offered rate.
     */
    private static long pace(long nextNs, long periodNs) {
        if (periodNs == 0) {
            return nextNs;
        }
        long waitNs;
        while ((waitNs = nextNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(waitNs);
        }
        return nextNs + periodNs;
    }

    /** The report once the receiver has delivered {@code sent} events, or as it stands after the answer timeout. */
    private ReceiverReport awaitReport(long sent) throws IOException, InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_TIMEOUT_MS);
        ReceiverReport report = ask("report", ReceiverReport.class);
        // An acknowledgement leaves the receiver in the same loop step as the delivery, so this rarely loops; it only
        // guards against reading the tally a moment before the last delivery is counted.
        while (report.delivered() - report.duplicates() < sent && System.nanoTime() - deadlineNs < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            report = ask("report", ReceiverReport.class);
        }
        return report;
    }

    private NodeStatus senderStatus() throws InterruptedException {
        try {
            return sender.status().get(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new ElaraUserException(ExitCode.FAILURE, "the sender did not report its status: " + e, e);
        }
    }

    /** The sender's view of its link to the receiver. */
    private static NodeStatus.PeerStatus link(NodeStatus status) {
        return status.peers().stream()
                .filter(peer -> peer.name().equals(RECEIVER))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the sender has no peer named " + RECEIVER));
    }

    /** Stops the sender, the child and the relay, and deletes the directory; safe to call twice, from any thread. */
    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) {
            return;
        }
        if (flood != null) {
            flood.close();
        }
        if (sender != null) {
            sender.close();
        }
        if (child != null) {
            try {
                // End of input asks the child to close its node and exit; it is killed if it does not.
                childInput.close();
            } catch (IOException e) {
                // Its end of the pipe is gone: it has exited, or is killed below.
                child.destroyForcibly();
            }
            try {
                if (!child.waitFor(CHILD_EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly();
                    child.waitFor(CHILD_EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (relay != null) {
            relay.close();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                err.println("elara: warning: could not delete the benchmark's directory " + root + ": " + e);
                err.flush();
            }
        }
    }
}
