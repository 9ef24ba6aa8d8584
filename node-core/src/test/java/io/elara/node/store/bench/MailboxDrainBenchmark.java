package io.elara.node.store.bench;

import io.elara.crypto.identity.Identity;
import io.elara.node.Node;
import io.elara.node.NodeStartException;
import io.elara.node.SendResult;
import io.elara.node.SendTarget;
import io.elara.node.config.ConfigException;
import io.elara.node.config.ConfigLoader;
import io.elara.node.config.NodeConfig;
import io.elara.node.store.NodeStore;
import io.elara.node.store.StoreException;
import java.io.IOException;
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
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast a node drains its mailbox to a peer that is reachable again: two real nodes in this JVM, on loopback, both
 * persisting as {@code elara run} does (synchronous FULL).
 *
 * <p>Set-up (not measured): the sending node, with its peer away, sends {@code entries} direct messages, which its
 * mailbox keeps; it stops; the receiving node starts. Measured, one shot: the sending node starts again (opens its
 * database and reads its mailbox), sends every entry to the receiving node, which stores each and acknowledges it, and
 * removes each acknowledged entry, until its mailbox on disk is empty (read through a second connection, as {@code
 * elara history} would). The score is the time for all {@code entries}; entries per second is {@code entries / score}.
 * {@code entries} stays within what a node sends from its mailbox at start (4,096).
 *
 * <pre>./mvnw -Pbench -pl node-core -Dspotless.check.skip test-compile exec:exec -Djmh.args="MailboxDrainBenchmark -f 1 -wi 1 -i 5"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class MailboxDrainBenchmark {
    private static final String SENDER = "sender";
    private static final String RECEIVER = "receiver";
    /** How long the set-up or a drain may take before the run is called stuck. */
    private static final long STUCK_NS = TimeUnit.MINUTES.toNanos(5);
    /** Sends handed to the node at once while the mailbox fills. */
    private static final int SEND_ROUND = 256;

    @Param({"1024", "4096"})
    int entries;

    private Path root;
    private NodeConfig senderConfig;
    private NodeConfig receiverConfig;
    private Identity senderIdentity;
    private Identity receiverIdentity;
    private Node receiver;
    private Node sender;
    private NodeStore mailboxReader;

    @Setup(Level.Invocation)
    public void fillMailbox() throws IOException, ConfigException, StoreException, NodeStartException {
        root = Files.createTempDirectory("elara-drain-bench");
        SecureRandom random = new SecureRandom();
        senderIdentity = Identity.generate(random);
        receiverIdentity = Identity.generate(random);
        int senderPort = freeUdpPort();
        int receiverPort = freeUdpPort();
        senderConfig = config(SENDER, senderPort, RECEIVER, receiverPort, receiverIdentity);
        receiverConfig = config(RECEIVER, receiverPort, SENDER, senderPort, senderIdentity);

        Node away =
                Node.start(senderConfig, senderIdentity, Node.Options.embedded().withPersistence(true));
        try (NodeStore reader = NodeStore.open(database(SENDER), NodeStore.Synchronous.NORMAL)) {
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                // Not acknowledged (nobody listens): each stays in the mailbox. In rounds, so that the node's command
                // queue (NodeProxy.QUEUE_COMMANDS_MAX) never refuses one.
                sends.add(
                        away.proxy().sendText(SendTarget.peer(RECEIVER), String.format(Locale.ROOT, "queued %06d", i)));
                if ((i + 1) % SEND_ROUND == 0 || i + 1 == entries) {
                    awaitMailbox(reader, i + 1, "the mailbox to hold every entry sent");
                }
            }
            for (CompletableFuture<SendResult> send : sends) {
                if (send.isDone()
                        && !send.isCompletedExceptionally()
                        && send.join().allAcknowledged()) {
                    throw new IllegalStateException("a message was acknowledged while its recipient was away");
                }
            }
        } finally {
            away.close();
        }
        receiver = Node.start(
                receiverConfig, receiverIdentity, Node.Options.embedded().withPersistence(true));
        mailboxReader = NodeStore.open(database(SENDER), NodeStore.Synchronous.NORMAL);
        if (mailboxReader.mailboxSize() != entries) {
            throw new IllegalStateException("the mailbox holds " + mailboxReader.mailboxSize() + ", not " + entries);
        }
    }

    @Benchmark
    public long drain() throws StoreException, NodeStartException {
        long drainStartNs = System.nanoTime();
        sender =
                Node.start(senderConfig, senderIdentity, Node.Options.embedded().withPersistence(true));
        awaitMailbox(mailboxReader, 0, "the mailbox to drain");
        return System.nanoTime() - drainStartNs;
    }

    @TearDown(Level.Invocation)
    public void stop() throws IOException, StoreException {
        if (sender != null) {
            sender.close();
            sender = null;
        }
        if (receiver != null) {
            receiver.close();
            receiver = null;
        }
        if (mailboxReader != null) {
            mailboxReader.close();
            mailboxReader = null;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private Path database(String name) {
        return root.resolve(name).resolve("elara.db");
    }

    private static void awaitMailbox(NodeStore reader, long size, String what) throws StoreException {
        long deadlineNs = System.nanoTime() + STUCK_NS;
        while (reader.mailboxSize() != size) {
            if (System.nanoTime() > deadlineNs) {
                throw new IllegalStateException("gave up waiting for " + what + ": " + reader.mailboxSize());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private NodeConfig config(String name, int port, String peer, int peerPort, Identity peerIdentity)
            throws IOException, ConfigException {
        Path directory = Files.createDirectories(root.resolve(name));
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        String yaml = String.join(
                "\n",
                "name: " + name,
                "data-dir: .",
                "bind:",
                "  address: " + loopback,
                "  port: " + port,
                "peers:",
                "  - name: " + peer,
                "    address: " + loopback + ":" + peerPort,
                "    id: " + peerIdentity.nodeId(),
                "    key: " + Base64.getEncoder().encodeToString(peerIdentity.staticPublicKey()),
                "limits:",
                "  send-queue-max: 8192",
                "");
        Path file = directory.resolve(name + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return ConfigLoader.load(file);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }
}
