package io.elara.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.Main;
import io.elara.node.control.ControlClient;
import io.elara.node.store.DataDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Enter-to-render latency of {@code elara chat} in plain-line mode, on loopback, with nothing in the path that a user
 * does not run: two nodes as {@code elara run} child processes, a session made by {@code elara init}, {@code session
 * create}, {@code invite} and {@code join} (run in this process, through the same command classes), and two {@code
 * elara chat --plain} child processes on the nodes' control sockets. This process types lines into chat A's stdin on an
 * absolute schedule and reads chat B's stdout on a thread of its own:
 *
 * <pre>
 *   bench ──stdin──▶ chat A ──control socket──▶ node A ──UDP──▶ node B ──control socket──▶ chat B ──stdout──▶ bench
 *   write time (after flush)                                                           read time (line returned)
 * </pre>
 *
 * Both times are this process's {@link System#nanoTime()}, so there is no clock skew. A line's latency is its read
 * time at B minus its write time at A. What is not measured: a terminal's line editor and screen drawing (JLine), and
 * the person's own keyboard and display.
 *
 * <p>Every message carries a marker, {@code chat-bench RUN PHASE SEQUENCE}, with a random run id; {@code c} marks the
 * first line (awaited alone, so that chat B is surely following), {@code w} warm-up (not counted), {@code m} measured,
 * {@code e} the last line, which is awaited so that a message shown twice before it is counted. The measured messages
 * start once every warm-up message has shown, so they start on an empty queue. A message not shown within {@link
 * #ARRIVAL_TIMEOUT_MS} of the end of its phase is lost. Every child is stopped and the directory deleted before {@link
 * #run} returns, and by a shutdown hook when the run is interrupted.
 */
public final class ChatLatencyBench {
    /** The session both nodes are in. */
    static final String SESSION = "bench";

    private static final String SENDER = "alice";
    private static final String RECEIVER = "bob";
    private static final Pattern MARKER = Pattern.compile("chat-bench ([0-9a-f]{8}) ([cwme])([0-9]{1,9})\\b");
    /** How long a node may take from its JVM's start to a control socket that answers. */
    private static final long START_TIMEOUT_MS = 60_000;
    /** How long the two nodes may take to connect after the join. */
    private static final long CONNECT_TIMEOUT_MS = 30_000;
    /** How long the first message may take to show: it may wait for chat B to subscribe. */
    private static final long FIRST_MESSAGE_TIMEOUT_MS = 30_000;
    /** How long after the last send of a phase a message may still show before it is counted as lost. */
    private static final long ARRIVAL_TIMEOUT_MS = 15_000;

    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long EXIT_TIMEOUT_MS = 10_000;

    /**
     * What to run.
     *
     * @param messages messages measured
     * @param warmup messages sent first and not counted
     * @param intervalNs time between two messages typed
     */
    public record Settings(int messages, int warmup, long intervalNs) {}

    /**
     * A run's figures; also its {@code --json} object. Latencies are Enter (the line flushed to chat A's stdin) to
     * render (the line read from chat B's stdout), in milliseconds, nearest rank over the messages that arrived.
     *
     * @param messages measured messages typed
     * @param samples measured messages shown at B
     * @param lost measured messages never shown at B
     * @param warmupLost warm-up messages never shown at B (not in the figures, but a failure all the same)
     * @param duplicates lines shown at B beyond the first for a message (warm-up included)
     * @param exactlyOnce every message, warm-up included, shown exactly once
     * @param durationS from the first measured message typed to the last
     * @param senderNotice the last line chat A printed that was not a message (such as {@code not sent: ...}), or null
     */
    public record Figures(
            String benchmark,
            String mode,
            int messages,
            int warmup,
            double intervalMs,
            int samples,
            int lost,
            int warmupLost,
            int duplicates,
            boolean exactlyOnce,
            String senderNotice,
            double p50Ms,
            double p90Ms,
            double p99Ms,
            double maxMs,
            double durationS,
            int cores,
            double loadAverage) {}

    private final Settings settings;
    private final PrintWriter err;
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final String run = HexFormat.of().toHexDigits(new SecureRandom().nextInt());
    private final List<Process> children = new ArrayList<>();
    private Path root;
    private Process chatA;
    private Process chatB;

    /** Write times of warm-up and measured messages, in that order; 0 until written. */
    private final AtomicLongArray sentNs;
    /** Read times at B of the same, first showing only; 0 until shown. */
    private final AtomicLongArray shownNs;
    /** How often each was shown at B. */
    private final AtomicIntegerArray shown;

    private final CountDownLatch bannerA = new CountDownLatch(1);
    private final CountDownLatch bannerB = new CountDownLatch(1);
    private final CountDownLatch connectShown = new CountDownLatch(1);
    private final CountDownLatch endShown = new CountDownLatch(1);
    /** The last line chat A printed that is not a message of this run: a notice such as "not sent: ...". */
    private final AtomicReference<String> lastNoticeA = new AtomicReference<>();

    private ChatLatencyBench(Settings settings, PrintWriter err) {
        this.settings = settings;
        this.err = err;
        int total = settings.warmup() + settings.messages();
        this.sentNs = new AtomicLongArray(total);
        this.shownNs = new AtomicLongArray(total);
        this.shown = new AtomicIntegerArray(total);
    }

    /**
     * Runs the benchmark and returns its figures; a run that could not finish (a child died, the nodes did not
     * connect) is an {@link ElaraUserException} with exit code 1. Everything started is stopped, and the temporary
     * directory deleted, before this returns.
     */
    public static Figures run(Settings settings, PrintWriter err) {
        ChatLatencyBench bench = new ChatLatencyBench(settings, err);
        Thread hook = new Thread(bench::cleanUp, "elara-bench-chat-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return bench.measure();
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

    private Figures measure() throws IOException, InterruptedException {
        root = Files.createTempDirectory("elara-bench-chat-");
        Path configA = init(SENDER);
        Path configB = init(RECEIVER);
        Process runA = start(SENDER + "-run", List.of("run", "-c", configA.toString()));
        Process runB = start(RECEIVER + "-run", List.of("run", "-c", configB.toString()));
        awaitControlSocket(SENDER, configA, runA);
        awaitControlSocket(RECEIVER, configB, runB);

        elara("session", "create", SESSION, "-c", configA.toString());
        String token = elara("invite", SESSION, "--uses", "1", "-c", configA.toString())
                .strip();
        elara("join", token, "-c", configB.toString());
        awaitConnected(configA, RECEIVER);
        awaitConnected(configB, SENDER);

        List<String> chat = List.of("chat", "--plain", "--session", SESSION, "-c");
        chatA = start(SENDER + "-chat", concat(chat, configA.toString()));
        chatB = start(RECEIVER + "-chat", concat(chat, configB.toString()));
        follow(chatA, this::onChatALine, "elara-bench-chat-a");
        follow(chatB, this::onChatBLine, "elara-bench-chat-b");
        await(bannerA, START_TIMEOUT_MS, "chat A to open", chatA, SENDER + "-chat");
        await(bannerB, START_TIMEOUT_MS, "chat B to open", chatB, RECEIVER + "-chat");
        return drive();
    }

    private Figures drive() throws IOException, InterruptedException {
        OutputStream typing = chatA.getOutputStream();
        int total = settings.warmup() + settings.messages();
        // A first line waits alone: chat B prints its banner before it subscribes, and a message sent in between would
        // show only as part of its backlog. It is neither warm-up nor measured.
        write(typing, "chat-bench " + run + " c0 hello");
        await(connectShown, FIRST_MESSAGE_TIMEOUT_MS, "the first message to show at chat B", chatB, RECEIVER + "-chat");

        typeAll(typing, 0, settings.warmup());
        // The measured messages start on an empty queue: chat A sends one message at a time, each once the one before
        // is acknowledged, and cold JVMs fall behind a fast pace by hundreds of milliseconds. Measuring right after
        // the warm-up measured that backlog draining, not the chat.
        awaitShown(settings.warmup());
        long startNs = System.nanoTime();
        typeAll(typing, settings.warmup(), total);
        long lastSentNs = System.nanoTime();
        awaitShown(total);
        // A last line, awaited, so that a message shown twice before it is counted.
        write(typing, "chat-bench " + run + " e0 end of run");
        endShown.await(ARRIVAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        double durationS = (lastSentNs - startNs) / 1e9;
        return figures(durationS);
    }

    private Figures figures(double durationS) {
        int warmup = settings.warmup();
        long[] latencyNs = new long[settings.messages()];
        int samples = 0;
        for (int i = warmup; i < warmup + settings.messages(); i++) {
            long shownAt = shownNs.get(i);
            if (shownAt != 0) {
                latencyNs[samples++] = shownAt - sentNs.get(i);
            }
        }
        long[] sorted = Arrays.copyOf(latencyNs, samples);
        Arrays.sort(sorted);
        int duplicates = 0;
        int warmupLost = 0;
        for (int i = 0; i < shown.length(); i++) {
            duplicates += Math.max(0, shown.get(i) - 1);
            warmupLost += i < warmup && shown.get(i) == 0 ? 1 : 0;
        }
        int lost = settings.messages() - samples;
        return new Figures(
                "chat",
                "plain",
                settings.messages(),
                warmup,
                settings.intervalNs() / 1e6,
                samples,
                lost,
                warmupLost,
                duplicates,
                lost == 0 && warmupLost == 0 && duplicates == 0,
                lastNoticeA.get(),
                percentileMs(sorted, 0.50),
                percentileMs(sorted, 0.90),
                percentileMs(sorted, 0.99),
                samples == 0 ? 0 : sorted[samples - 1] / 1e6,
                durationS,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The value of rank {@code ceil(quantile × n)} in {@code sorted}, in ms; 0 when empty. */
    static double percentileMs(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.max(1, Math.ceil(quantile * sorted.length));
        return sorted[rank - 1] / 1e6;
    }

    /** The chat line of message {@code index}: a warm-up or measured marker, then ordinary words. */
    String text(int index) {
        boolean measured = index >= settings.warmup();
        int sequence = measured ? index - settings.warmup() : index;
        return "chat-bench " + run + " " + (measured ? 'm' : 'w') + sequence + " the quick brown fox jumps";
    }

    private void type(OutputStream typing, int index) throws IOException {
        write(typing, text(index));
        sentNs.set(index, System.nanoTime());
    }

    private void write(OutputStream typing, String line) throws IOException {
        try {
            typing.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            typing.flush();
        } catch (IOException e) {
            throw failure("chat A stopped reading its input: " + e.getMessage(), SENDER + "-chat");
        }
    }

    private void onChatALine(String line, long readNs) {
        if (line.startsWith("Elara chat as ")) {
            bannerA.countDown();
        } else if (!line.contains("chat-bench " + run)) {
            lastNoticeA.set(line);
        }
    }

    private void onChatBLine(String line, long readNs) {
        if (line.startsWith("Elara chat as ")) {
            bannerB.countDown();
            return;
        }
        Matcher marker = MARKER.matcher(line);
        if (!marker.find() || !marker.group(1).equals(run)) {
            return;
        }
        char phase = marker.group(2).charAt(0);
        int sequence = Integer.parseInt(marker.group(3));
        if (phase == 'c' || phase == 'e') {
            (phase == 'c' ? connectShown : endShown).countDown();
            return;
        }
        int index = phase == 'm' ? settings.warmup() + sequence : sequence;
        if (index < 0 || index >= shown.length() || (phase == 'w' && sequence >= settings.warmup())) {
            return;
        }
        if (shown.getAndIncrement(index) == 0) {
            shownNs.set(index, readNs);
        }
    }

    /** Types messages {@code from} to {@code to} (exclusive), one every interval on an absolute schedule. */
    private void typeAll(OutputStream typing, int from, int to) throws IOException {
        long nextNs = System.nanoTime();
        for (int i = from; i < to; i++) {
            waitUntil(nextNs);
            type(typing, i);
            nextNs += settings.intervalNs();
        }
    }

    /**
     * Waits until messages 0 to {@code count} (exclusive) have all shown at B, or {@link #ARRIVAL_TIMEOUT_MS} after
     * now; those still missing then are counted as lost.
     */
    private void awaitShown(int count) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ARRIVAL_TIMEOUT_MS);
        while (!allShown(count) && System.nanoTime() - deadlineNs < 0) {
            if (!chatB.isAlive()) {
                throw failure("chat B exited with code " + chatB.exitValue(), RECEIVER + "-chat");
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    private boolean allShown(int count) {
        for (int i = 0; i < count; i++) {
            if (shown.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Parks until {@code deadlineNs}, so a late wake-up is made up by the next messages (the schedule is absolute). */
    private static void waitUntil(long deadlineNs) {
        long waitNs;
        while ((waitNs = deadlineNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(waitNs);
        }
    }

    /** A reader of a line and the moment it was read. */
    private interface LineHandler {
        void onLine(String line, long readNs);
    }

    /** Reads {@code process}'s stdout on a daemon thread, timestamping each line as soon as it is read. */
    private static void follow(Process process, LineHandler handler, String name) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            handler.onLine(line, System.nanoTime());
                        }
                    } catch (IOException e) {
                        // The pipe broke: the chat is gone, which the waits that watch it report with its exit code.
                        return;
                    }
                },
                name);
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code elara init DIR} for a node on loopback (a free port, an unprotected key); returns its config file. */
    private Path init(String name) {
        Path directory = root.resolve(name);
        elara("init", directory.toString(), "--name", name, "--bind", "127.0.0.1", "--port", "0", "--no-passphrase");
        return new DataDirectory(directory).configFile();
    }

    /** Runs {@code elara ARGS} in this process, as the command line would: its output, or a failure with its error. */
    private static String elara(String... args) {
        StringWriter out = new StringWriter();
        StringWriter errors = new StringWriter();
        int code;
        try (PrintWriter outWriter = new PrintWriter(out, true);
                PrintWriter errWriter = new PrintWriter(errors, true)) {
            code = Main.execute(args, outWriter, errWriter);
        }
        if (code != ExitCode.OK) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    "elara " + args[0] + " failed while setting up: "
                            + errors.toString().strip());
        }
        return out.toString();
    }

    private Process start(String name, List<String> args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.elara(args))
                .redirectError(root.resolve(name + ".log").toFile());
        if (!name.endsWith("-chat")) {
            builder.redirectOutput(root.resolve(name + ".out").toFile());
        }
        Process process = builder.start();
        synchronized (children) {
            children.add(process);
        }
        return process;
    }

    private void awaitControlSocket(String name, Path config, Process process) {
        Path socket = socket(config);
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            try {
                ControlClient.connect(socket).close();
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw failure("node " + name + " exited with code " + process.exitValue(), name + "-run");
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    throw failure(
                            "node " + name + " did not start within " + START_TIMEOUT_MS + " ms: " + e.getMessage(),
                            name + "-run");
                }
                LockSupport.parkNanos(POLL_NS);
            }
        }
    }

    /** Waits until the node of {@code config} lists {@code member} as connected in the session. */
    private void awaitConnected(Path config, String member) throws IOException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
        while (!connected(config, member)) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new ElaraUserException(
                        ExitCode.FAILURE,
                        "the two nodes did not connect within " + CONNECT_TIMEOUT_MS + " ms after the join"
                                + lastLine(SENDER + "-run") + lastLine(RECEIVER + "-run"));
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    private static boolean connected(Path config, String member) throws IOException {
        try (ControlClient client = ControlClient.connect(socket(config))) {
            client.send(Map.of("op", "session", "action", "list"));
            JsonNode answer = client.next();
            if (answer == null) {
                return false;
            }
            for (JsonNode session : answer.path("sessions")) {
                if (session.path("name").asText().equals(SESSION)) {
                    for (JsonNode each : session.path("members")) {
                        if (each.path("name").asText().equals(member)
                                && each.path("connected").asBoolean()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    private static Path socket(Path config) {
        return new DataDirectory(config.getParent()).controlSocket();
    }

    private void await(CountDownLatch latch, long timeoutMs, String what, Process process, String log)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!latch.await(POLL_NS, TimeUnit.NANOSECONDS)) {
            if (!process.isAlive()) {
                throw failure(log + " exited with code " + process.exitValue() + " waiting for " + what, log);
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw failure("timed out after " + timeoutMs + " ms waiting for " + what, log);
            }
        }
    }

    private ElaraUserException failure(String message, String log) {
        return new ElaraUserException(ExitCode.FAILURE, message + lastLine(log));
    }

    /** The last line child {@code name} wrote to stderr, as {@code : LINE}, or nothing. */
    private String lastLine(String name) {
        try {
            Path log = root.resolve(name + ".log");
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return " (" + name + ": " + lines.get(i).strip() + ")";
                }
            }
            return "";
        } catch (IOException e) {
            return " (" + name + "'s log is unreadable: " + e.getMessage() + ")";
        }
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }

    /**
     * Stops the chats (end of input: they quit), then the nodes (SIGTERM: they close), killing any that does not exit
     * in time, and deletes the directory; safe to call twice, from any thread.
     */
    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) {
            return;
        }
        List<Process> started;
        synchronized (children) {
            started = List.copyOf(children);
        }
        for (Process chat : new Process[] {chatA, chatB}) {
            if (chat != null) {
                try {
                    chat.getOutputStream().close();
                } catch (IOException e) {
                    // Its end of the pipe is gone: it has exited, or is killed below.
                    chat.destroyForcibly();
                }
            }
        }
        for (Process chat : new Process[] {chatA, chatB}) {
            if (chat != null) {
                stop(chat);
            }
        }
        started.forEach(Process::destroy);
        started.forEach(ChatLatencyBench::stop);
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

    /** Waits for {@code process} to exit, killing it when it does not in time. */
    private static void stop(Process process) {
        try {
            if (!process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
