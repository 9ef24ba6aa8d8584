package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.demo.DemoSession;
import io.elara.cli.terminal.ChatPrompt;
import io.elara.cli.terminal.Terminals;
import io.elara.crdt.clock.Hlc;
import io.elara.node.DeliveredEvent;
import io.elara.node.Node;
import io.elara.node.NodeStartException;
import io.elara.node.SendResult;
import io.elara.node.config.ConfigException;
import io.elara.node.peer.Peer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara demo}: a local session of three nodes, two of them bots. */
@Command(
        name = "demo",
        description = {
            "Start three nodes on this machine, in one session over real UDP: you and two bots that answer.",
            "At a terminal you chat with them; without one (or with --script) a scripted exchange runs and exits."
        },
        footer = {"", "Examples:", "  elara demo", "  elara demo --script"})
public final class DemoCommand implements Callable<Integer> {
    /** What "you" says in the scripted exchange. */
    public static final List<String> SCRIPT = List.of(
            "Hello! Is anyone out there?",
            "What does a peer to peer node do all day?",
            "Thanks, that is all for now. Goodbye!");

    @Spec
    CommandSpec spec;

    @Option(names = "--script", description = "run the scripted exchange and exit, even at a terminal")
    boolean script;

    @Option(
            names = "--timeout-ms",
            defaultValue = "10000",
            description = "how long to wait for each answer in the script (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DemoSession session;
        try {
            session = DemoSession.start();
        } catch (NodeStartException | ConfigException e) {
            throw new ElaraUserException(ExitCode.FAILURE, "the demo could not start: " + e.getMessage(), e);
        }
        try (session) {
            boolean interactive = !script && Terminals.interactive();
            List<String> banner = banner(session, interactive);
            if (interactive) {
                return chat(session, banner);
            }
            banner.forEach(out::println);
            out.flush();
            return runScript(session, out);
        }
    }

    private static List<String> banner(DemoSession session, boolean interactive) {
        List<String> lines = new ArrayList<>();
        lines.add("Elara demo: three nodes on this machine, talking over UDP in session \"" + DemoSession.SESSION
                + "\".");
        for (Node node : session.nodes()) {
            String role = switch (node.name()) {
                case DemoSession.ECHO -> "bot: repeats what you say";
                case DemoSession.COUNTER -> "bot: counts your messages and words";
                default -> "that's you";
            };
            lines.add(String.format(
                    Locale.ROOT,
                    "  %-8s %-16s id %s  (%s)",
                    node.name(),
                    Peer.format(node.localAddress()),
                    node.id().shortForm(),
                    role));
        }
        lines.add(
                interactive
                        ? "Type a message and press Enter; /quit or Ctrl-D leaves."
                        : "No terminal, so here is a scripted exchange:");
        lines.add("");
        return lines;
    }

    private int runScript(DemoSession session, PrintWriter out) throws InterruptedException {
        long startNs = System.nanoTime();
        int replies = 0;
        for (String line : SCRIPT) {
            long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            CompletableFuture<SendResult> sent = session.say(line);
            Set<String> waitingFor = new LinkedHashSet<>(List.of(DemoSession.ECHO, DemoSession.COUNTER));
            boolean ownShown = false;
            while (!ownShown || !waitingFor.isEmpty()) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                DeliveredEvent event = leftMs > 0 ? session.next(leftMs) : null;
                if (event == null) {
                    throw new ElaraUserException(
                            ExitCode.FAILURE,
                            "demo failed: no answer from " + String.join(" and ", waitingFor) + " within " + timeoutMs
                                    + " ms");
                }
                out.println(format(event));
                out.flush();
                if (event.local()) {
                    ownShown = true;
                } else if (waitingFor.remove(event.event().authorName())) {
                    replies++;
                }
            }
            SendResult result = acknowledgement(sent, deadlineNs);
            out.println("             (acknowledged by " + String.join(" and ", result.acknowledgedBy()) + ")");
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        out.println();
        out.printf(
                Locale.ROOT,
                "Demo finished: %d messages sent, %d replies received, every message acknowledged by both bots"
                        + " (%d ms).%n",
                SCRIPT.size(),
                replies,
                tookMs);
        out.println("Make a node of your own: elara init, then elara run (see README.md).");
        return ExitCode.OK;
    }

    private SendResult acknowledgement(CompletableFuture<SendResult> sent, long deadlineNs)
            throws InterruptedException {
        try {
            SendResult result = sent.get(Math.max(1, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!result.allAcknowledged()) {
                throw new ElaraUserException(
                        ExitCode.FAILURE,
                        "demo failed: " + String.join("; ", result.failures().values()));
            }
            return result;
        } catch (ExecutionException e) {
            throw new ElaraUserException(
                    ExitCode.FAILURE, "demo failed: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new ElaraUserException(
                    ExitCode.FAILURE, "demo failed: not acknowledged within " + timeoutMs + " ms", e);
        }
    }

    private int chat(DemoSession session, List<String> banner) throws IOException, InterruptedException {
        try (ChatPrompt prompt = ChatPrompt.open()) {
            banner.forEach(prompt::printAbove);
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<CompletableFuture<SendResult>> pending = new ConcurrentLinkedQueue<>();
            Thread printer = new Thread(() -> printIncoming(session, prompt, running, pending), "elara-demo-printer");
            printer.setDaemon(true);
            printer.start();
            while (true) {
                String line = prompt.readLine("you> ");
                if (line == null || line.strip().equals("/quit")) {
                    break;
                }
                if (!line.isBlank()) {
                    pending.add(session.say(line));
                }
            }
            running.set(false);
            printer.join(1_000);
        }
        return ExitCode.OK;
    }

    private static void printIncoming(
            DemoSession session,
            ChatPrompt prompt,
            AtomicBoolean running,
            ConcurrentLinkedQueue<CompletableFuture<SendResult>> pending) {
        try {
            while (running.get()) {
                DeliveredEvent event = session.next(200);
                if (event != null && !event.local()) {
                    prompt.printAbove(format(event));
                }
                for (CompletableFuture<SendResult> sent = pending.peek();
                        sent != null && sent.isDone();
                        sent = pending.peek()) {
                    pending.poll();
                    String problem = problem(sent);
                    if (problem != null) {
                        prompt.printAbove("elara: " + problem);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String problem(CompletableFuture<SendResult> sent) throws InterruptedException {
        try {
            SendResult result = sent.get();
            return result.allAcknowledged()
                    ? null
                    : String.join("; ", result.failures().values());
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    static String format(DeliveredEvent event) {
        Instant time = Instant.ofEpochMilli(Hlc.physicalMs(event.event().hlc()));
        return Clock.TIME.format(time) + "  " + event.event().authorName() + ": "
                + event.event().text();
    }

    /** Initialised on first use, not when picocli builds the command. */
    private static final class Clock {
        static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());
    }
}
