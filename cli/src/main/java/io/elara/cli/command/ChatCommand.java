package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.chat.ChatClient;
import io.elara.cli.chat.ChatView;
import io.elara.cli.output.LogConfigurator;
import io.elara.cli.terminal.TerminalView;
import io.elara.cli.terminal.Terminals;
import io.elara.cli.voice.VoiceSource;
import io.elara.node.Node;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import io.elara.node.sim.SimDurations;
import io.elara.node.store.DataDirectory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara chat}: the chat terminal. */
@Command(
        name = "chat",
        description = {
            "Chat in this node's sessions: messages scroll above a line editor with history and Tab completion, and a"
                    + " status line shows the session, its members, the link to each (round-trip time, loss, relay),"
                    + " unread messages elsewhere, who is typing and who is speaking.",
            "/voice on speaks in the session from --voice-source and plays the others through the speaker (when this"
                    + " machine has one); /voice mute only listens; /voice off stops both.",
            "/share FILE shows a picture (PNG or JPEG) to the session's connected members; pictures others share are"
                    + " drawn in the scrollback with half blocks (in colour where the terminal has it, else ASCII).",
            "Uses the node running for the config (elara run), or runs it inside the chat until /quit.",
            "With no terminal (a pipe), reads one line per message or command and prints plain lines: for scripts."
        },
        footer = {
            "",
            "Commands: /help /sessions /switch NAME /join TOKEN /invite /leave /who /nick /status online|away|busy"
                    + " [TEXT] /me ACTION /edit TEXT /delete /react EMOJI /history [N] /export FILE /peers"
                    + " /voice [on|off|mute] /share FILE /quit",
            "",
            "Examples:",
            "  elara chat -c alice.yaml",
            "  elara chat -c alice.yaml --session team",
            "  elara chat -c alice.yaml --away-after 10m",
            "  elara chat -c alice.yaml --voice-source tone:440",
            "  printf 'hello\\n/who\\n' | elara chat -c alice.yaml --plain"
        })
public final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Mixin
    PassphraseOptions passphrase;

    @Option(names = "--session", paramLabel = "NAME", description = "the session to talk in first")
    String session;

    @Option(names = "--plain", description = "plain lines even on a terminal (no line editor, no status line)")
    boolean plain;

    @Option(
            names = "--away-after",
            paramLabel = "TIME",
            defaultValue = "5m",
            description = "with no key typed (no line read, with --plain) for this long, an online presence becomes"
                    + " away (idle) until the next one; e.g. 30s, 5m, 1h; 0 never (default: ${DEFAULT-VALUE})")
    String awayAfter;

    @Option(
            names = "--voice-source",
            paramLabel = "SOURCE",
            defaultValue = "mic",
            description = "what /voice on sends: mic (the microphone), FILE.wav (any WAV we read, played in a loop) or"
                    + " tone:HZ (a sine, 20 to 20000 Hz) (default: ${DEFAULT-VALUE})")
    String voiceSource;

    /** How often the chat looks whether the idle time ran out. */
    private static final long IDLE_CHECK_MS = 500;
    /** How often the status line's figures are polled: the link quality's loss is measured over this interval. */
    private static final long STATUS_POLL_MS = 1_000;

    @Override
    public Integer call() throws IOException {
        long awayAfterNs = awayAfterNs(awayAfter);
        VoiceSource voice = VoiceSource.parse(voiceSource);
        // The chat's screen is the terminal: the node's logs would write over it.
        LogConfigurator.setLevel("error");
        NodeConfig nodeConfig = config.load();
        Path socket = DataDirectory.of(nodeConfig).controlSocket();
        Node own = null;
        if (!running(socket)) {
            own = RunCommand.start(
                    nodeConfig, passphrase, spec.commandLine().getErr(), LoggerFactory.getLogger(ChatCommand.class));
        }
        try {
            boolean terminal = !plain && Terminals.interactive();
            return terminal
                    ? onTerminal(nodeConfig, socket, awayAfterNs, voice)
                    : plain(nodeConfig, socket, awayAfterNs, voice);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the refresh and the idle check report their own problems
    private int plain(NodeConfig nodeConfig, Path socket, long awayAfterNs, VoiceSource voice) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ScheduledExecutorService timer = timer();
        try (ChatClient chat = new ChatClient(
                socket,
                nodeConfig.name(),
                nodeConfig.limits().textBytesMax(),
                awayAfterNs,
                exporter(nodeConfig),
                voice,
                ChatView.plain(out))) {
            open(chat);
            // No status line here, but members going and coming are announced, as on a terminal.
            timer.scheduleWithFixedDelay(chat::refresh, STATUS_POLL_MS, STATUS_POLL_MS, TimeUnit.MILLISECONDS);
            timer.scheduleWithFixedDelay(chat::checkIdle, IDLE_CHECK_MS, IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                chat.activity();
                if (!chat.handle(line)) {
                    break;
                }
            }
        } finally {
            timer.shutdownNow();
        }
        return ExitCode.OK;
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the status line's refresh and the idle check report their problems
    private int onTerminal(NodeConfig nodeConfig, Path socket, long awayAfterNs, VoiceSource voice) throws IOException {
        Path history = socket.resolveSibling("chat_history");
        ChatClient[] holder = new ChatClient[1];
        Runnable typing = () -> {
            if (holder[0] != null) {
                holder[0].typing();
            }
        };
        Runnable activity = () -> {
            if (holder[0] != null) {
                holder[0].activity();
            }
        };
        try (TerminalView view = TerminalView.open(
                history, () -> holder[0].sessionNames(), () -> holder[0].memberNames(), typing, activity)) {
            ScheduledExecutorService timer = timer();
            try (ChatClient chat = new ChatClient(
                    socket,
                    nodeConfig.name(),
                    nodeConfig.limits().textBytesMax(),
                    awayAfterNs,
                    exporter(nodeConfig),
                    voice,
                    view)) {
                holder[0] = chat;
                open(chat);
                timer.scheduleWithFixedDelay(chat::refresh, STATUS_POLL_MS, STATUS_POLL_MS, TimeUnit.MILLISECONDS);
                timer.scheduleWithFixedDelay(chat::checkIdle, IDLE_CHECK_MS, IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
                while (true) {
                    String line = view.readLine(chat.current());
                    if (line == null || !chat.handle(line)) {
                        break;
                    }
                }
            } finally {
                timer.shutdownNow();
            }
        }
        return ExitCode.OK;
    }

    private static ScheduledExecutorService timer() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "elara-chat-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** {@code /export} through {@code elara export}'s own code: the same file, the same format. */
    private static ChatClient.Exporter exporter(NodeConfig nodeConfig) {
        return (sessionName, file) -> {
            try {
                return ExportCommand.export(nodeConfig, sessionName, file);
            } catch (ElaraUserException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
    }

    /** {@code --away-after}: a duration as other commands take them ({@code 30s}, {@code 5m}), or 0 for never. */
    static long awayAfterNs(String text) {
        if (text.strip().equals("0")) {
            return 0;
        }
        try {
            return SimDurations.parseNs(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ElaraUserException(
                    ExitCode.USAGE,
                    "--away-after: '" + text + "' is not a duration (write e.g. 30s, 5m or 1h, or 0 for never)",
                    e);
        }
    }

    private void open(ChatClient chat) {
        try {
            chat.open(session);
        } catch (IOException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
    }

    private static boolean running(Path socket) {
        try {
            ControlClient.connect(socket).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
