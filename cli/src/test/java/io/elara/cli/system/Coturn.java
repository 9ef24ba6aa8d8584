package io.elara.cli.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A coturn TURN/STUN server on loopback for a test: two listening addresses (127.0.0.1 and 127.0.0.2, the alternate
 * port one above the main one) so that it does RFC 5780 behaviour discovery, one long-term user, loopback peers
 * allowed, its SQLite user database and its log in the test's folder. Stopped by {@link #close}.
 */
final class Coturn implements AutoCloseable {
    static final String USER = "elara";
    static final String PASSWORD = "turn secret";
    static final String REALM = "elara.test";

    private final Process process;
    final int port;
    final Path log;

    private Coturn(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts coturn with its files under {@code directory}; waits until it answers on its port. */
    static Coturn start(Path directory) {
        int port = freePair();
        int relayLow = 20_000 + (port % 20_000);
        List<String> command = new java.util.ArrayList<>(List.of(
                "turnserver",
                "--listening-ip=127.0.0.1",
                "--listening-ip=127.0.0.2",
                "--listening-port=" + port,
                "--alt-listening-port=" + (port + 1),
                "--relay-ip=127.0.0.1",
                "--min-port=" + relayLow,
                "--max-port=" + (relayLow + 50),
                "--allow-loopback-peers"));
        return start(directory, command, port, true);
    }

    /**
     * Starts coturn in network namespace {@code namespace} on {@code primary} and {@code alternate} (port 3478, the
     * alternate port 3479), relaying from {@code primary}; ready once its log says its listeners are up.
     */
    static Coturn inNamespace(Path directory, String namespace, String primary, String alternate) {
        List<String> command = new java.util.ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                namespace,
                "turnserver",
                "--listening-ip=" + primary,
                "--listening-ip=" + alternate,
                "--listening-port=3478",
                "--alt-listening-port=3479",
                "--relay-ip=" + primary,
                "--min-port=49160",
                "--max-port=49260"));
        return start(directory, command, 3478, false);
    }

    private static Coturn start(Path directory, List<String> base, int port, boolean probe) {
        Path log = directory.resolve("turnserver-" + port + ".log");
        List<String> command = new java.util.ArrayList<>(base);
        command.addAll(List.of(
                "-n",
                "--lt-cred-mech",
                "--user=" + USER + ":" + PASSWORD,
                "--realm=" + REALM,
                "--userdb=" + directory.resolve("turnserver-" + port + ".sqlite"),
                "--no-cli",
                "--no-tls",
                "--no-dtls",
                "--pidfile=" + directory.resolve("turnserver-" + port + ".pid"),
                "--log-file=stdout"));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Coturn coturn = new Coturn(process, port, log);
            if (!probe) {
                io.elara.testing.Await.until(
                        () -> !process.isAlive() || logged(log, "SQLite DB connection success"),
                        Duration.ofSeconds(20),
                        "coturn to start");
                if (!process.isAlive()) {
                    throw new AssertionError("coturn exited: " + Files.readString(log));
                }
                return coturn;
            }
            // Ready once it answers a Binding request.
            try (io.elara.cli.stun.StunProbe client =
                    new io.elara.cli.stun.StunProbe(new DatagramSocket(0, InetAddress.getLoopbackAddress()), 250)) {
                io.elara.testing.Await.until(
                        () -> !process.isAlive() || answers(client, coturn.address()),
                        Duration.ofSeconds(20),
                        "coturn to start");
            }
            if (!process.isAlive()) {
                throw new AssertionError("coturn exited: " + Files.readString(log));
            }
            return coturn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start turnserver", e);
        }
    }

    private static boolean logged(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers(io.elara.cli.stun.StunProbe probe, InetSocketAddress address) {
        try {
            return probe.binding(address, 0) != null;
        } catch (IOException e) {
            return false;
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Two free UDP ports in a row (coturn's alternate port is the main one plus one). */
    private static int freePair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = io.elara.testing.net.FreePorts.udp();
            try (DatagramSocket next = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress())) {
                next.setReuseAddress(false);
                return port;
            } catch (SocketException taken) {
                // Try another.
            }
        }
        throw new IllegalStateException("no two free UDP ports in a row");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
