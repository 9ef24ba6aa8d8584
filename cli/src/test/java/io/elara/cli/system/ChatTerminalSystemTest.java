package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.testing.Await;
import io.elara.testing.process.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two {@code elara chat} terminals in tmux, each on its own running node, driven by keystrokes ({@code send-keys})
 * and read off the screen ({@code capture-pane}), as a person would use them. Every screen a check reads is printed
 * into the test's output.
 */
class ChatTerminalSystemTest extends SystemTestSupport {
    private static final Duration SCREEN = Duration.ofSeconds(15);
    private final String socket = "elara-chat-" + ProcessHandle.current().pid();

    @BeforeAll
    static void tools() {
        requireTools("tmux");
    }

    @AfterEach
    void stopTmux() throws Exception {
        // The chats (env execs java, so a pane's process is the chat's JVM) must be gone before the temporary
        // directory is removed: a JVM still shutting down after the hang-up may write into it.
        List<ProcessHandle> chats = new ArrayList<>();
        for (String pid :
                tmux("list-panes", "-a", "-F", "#{pane_pid}").output().strip().split("\\s+", -1)) {
            if (pid.matches("[0-9]+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(chats::add);
            }
        }
        tmux("kill-server");
        for (ProcessHandle chat : chats) {
            try {
                chat.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                chat.destroyForcibly();
                chat.onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private NodeProcess run(String name, Path config) {
        NodeProcess run = elara(name + " run", "run", "-c", config.toString());
        run.awaitStderr(name + " ready on", START);
        return run;
    }

    @Test
    void shouldChatBetweenTwoTerminalsWithTypingPresenceEditsDeletionsAndCompletion() throws Exception {
        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        try (NodeProcess aliceRun = run("alice", alice);
                NodeProcess bobRun = run("bob", bob)) {
            finished("create", 0, "session", "create", "team", "-c", alice.toString());
            String token = finished("invite", 0, "invite", "team", "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("bob joins", 0, "join", token, "-c", bob.toString());
            chat("alice", alice);
            chat("bob", bob);
            screenShows("alice", "Elara chat as alice in 'team'");
            screenShows("bob", "Elara chat as bob in 'team'");

            // Tab completes a command, then a member's name.
            keys("bob", "/sw", "Tab");
            screenShows("bob", "team> /switch"); // the completion's trailing space is trimmed off the capture
            keys("bob", "C-u", "hi @al", "Tab");
            screenShows("bob", "team> hi @alice");
            keys("bob", "Enter");
            screenShows("alice", "bob: hi @alice");

            // Typing shows on the other side, and goes away on its own.
            keys("alice", "thinking about it");
            screenShows("bob", "alice is typing…");
            Await.until(
                    () -> !screen("bob").contains("is typing"),
                    Duration.ofSeconds(15),
                    "the typing indicator to expire at bob");
            print("bob", screen("bob"));
            keys("alice", "C-u");

            // Presence.
            keys("alice", "/status away lunch", "Enter");
            screenShows("bob", "* alice is away (lunch)");
            Await.until(
                    () -> statusLine(screen("bob")).contains("(2 members, 1 away)"),
                    SCREEN,
                    "bob's status line to count alice away");

            // A message, its edit, its deletion.
            keys("alice", "first draft", "Enter");
            screenShows("bob", "alice: first draft");
            keys("alice", "/edit final words", "Enter");
            screenShows("bob", "alice: final words (edited; was 'first draft')");
            keys("alice", "/delete", "Enter");
            screenShows("bob", "* alice deleted 'final words'");

            // Mistakes are one line, and send nothing.
            keys("alice", "/frobnicate", "Enter");
            screenShows("alice", "unknown command '/frobnicate' (see /help)");
            keys("alice", "/switch nowhere", "Enter");
            screenShows("alice", "no session named 'nowhere' (this node has: team)");
            assertThat(historyLines(bob, "team")).containsExactly("bob: hi @alice", "alice: first draft");

            keys("bob", "/quit", "Enter");
            Await.until(() -> !alive("bob"), SCREEN, "bob's chat to end");
            assertThat(bobRun.isAlive())
                    .as("the chat leaves the node it did not start running")
                    .isTrue();
            assertThat(aliceRun.isAlive()).isTrue();
        }
    }

    @Test
    void shouldFitTheStatusLineAndPromptToANarrowAsciiTerminalAndFitThemAgainWhenResized() throws Exception {
        // Goal: on a narrow terminal set up for ASCII (LANG=C), the status line and the prompt never wrap, every
        // decoration the chat draws is ASCII, text the terminal cannot show is a '?' (and breaks nothing), and a
        // resize fits the status line to the new width. Method: bob's chat in a 30-column tmux window in a session
        // whose name is too long for it; alice sends text with non-ASCII letters and says she is typing; the window
        // grows to 60 columns. On the way, bob's chat goes away after 2 s without a key, and a key brings it back.
        Path alice = bareConfig("alice");
        Path bob = bareConfig("bob");
        String session = "release-planning-2027";
        try (NodeProcess aliceRun = run("alice", alice);
                NodeProcess bobRun = run("bob", bob)) {
            finished("create", 0, "session", "create", session, "-c", alice.toString());
            String token = finished("invite", 0, "invite", session, "-c", alice.toString())
                    .stdout()
                    .strip();
            finished("bob joins", 0, "join", token, "-c", bob.toString());
            chat("bob", bob, 30, 12, List.of("LANG=C", "LC_ALL=C"), "--away-after", "2s");
            screenShows("bob", "Elara chat as bob");

            // 30 columns: the session name is cut with an ASCII mark, in the status line and in the prompt.
            Await.until(
                    () -> statusLine(screen("bob")).equals(" elara: bob | release-plannin~"),
                    SCREEN,
                    "bob's status line to fit 30 columns");
            screenShows("bob", "release-plan~>"); // the prompt's trailing space is trimmed off the capture
            String joined = screenJoined("bob");
            List<String> bottom = bottomLines(joined);
            assertThat(bottom)
                    .as("the prompt and the status line, with wrapped lines joined: neither wrapped")
                    .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(30));

            finished("alice says", 0, "send", "--session", session, "-c", alice.toString(), "café → ok");
            screenShows("bob", "alice: caf? ? ok");

            // 60 columns: the status line grows at once, and shows who is typing with an ASCII ellipsis.
            Result resized = tmux("resize-window", "-t", "bob", "-x", "60", "-y", "12");
            assertThat(resized.ok()).as(resized.output()).isTrue();
            Await.until(
                    () -> statusLine(screen("bob")).length() > 30, SCREEN, "bob's status line to grow past 30 columns");
            print("bob", screen("bob"));
            assertThat(statusLine(screen("bob"))).startsWith(" elara: bob | release-planning-2027");
            // Only the resize signal redraws the prompt (the status line is also redrawn every second).
            screenShows("bob", "release-planning-2027>");
            finished("alice types", 0, "send", "--signal", "--session", session, "-c", alice.toString(), "typing");
            Await.until(
                    () -> statusLine(screen("bob")).contains("alice is typing..."),
                    SCREEN,
                    "bob's status line to show alice typing");
            String wide = screen("bob");
            print("bob", wide);
            assertThat(statusLine(wide))
                    .as("no decoration mangled into '?'")
                    .doesNotContain("?")
                    .hasSizeLessThanOrEqualTo(60);
            // Nothing was typed since the chat opened: away; any key (here one typed into the line) brings it back.
            screenShows("bob", "* you are away (idle for 2s)");
            keys("bob", "x");
            screenShows("bob", "* you are back");
            keys("bob", "C-u");
            keys("bob", "/quit", "Enter");
            Await.until(() -> !alive("bob"), SCREEN, "bob's chat to end");
            assertThat(aliceRun.isAlive()).isTrue();
            assertThat(bobRun.isAlive()).isTrue();
        }
    }

    /** The status line: the screen's bottom row. */
    private static String statusLine(String screen) {
        List<String> rows = bottomLines(screen);
        return rows.isEmpty() ? "" : rows.get(rows.size() - 1);
    }

    /** The last two non-blank rows: the prompt and the status line. */
    private static List<String> bottomLines(String screen) {
        List<String> rows = new ArrayList<>();
        for (String row : screen.split("\n", -1)) {
            if (!row.isBlank()) {
                rows.add(row.stripTrailing());
            }
        }
        return rows.subList(Math.max(0, rows.size() - 2), rows.size());
    }

    private void chat(String name, Path config) throws Exception {
        chat(name, config, 110, 24, List.of("LC_ALL=C.UTF-8"));
    }

    /**
     * Starts the chat in a detached tmux window of {@code columns} x {@code rows}, in the environment {@code env}, with
     * {@code options}.
     */
    private void chat(String name, Path config, int columns, int rows, List<String> env, String... options)
            throws Exception {
        String command = String.join(
                " ",
                "env",
                String.join(" ", env),
                quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-jar",
                quote(System.getProperty("elara.jar")),
                "chat",
                "-c",
                quote(config.toString()),
                String.join(" ", options));
        Result started = tmux("new-session", "-d", "-s", name, "-x", "" + columns, "-y", "" + rows, command);
        assertThat(started.ok()).as(started.output()).isTrue();
    }

    private boolean alive(String session) {
        try {
            return tmux("has-session", "-t", session).ok();
        } catch (Exception e) {
            return false;
        }
    }

    private void keys(String session, String... keys) throws Exception {
        for (String key : keys) {
            boolean named = key.equals("Enter") || key.equals("Tab") || key.startsWith("C-");
            List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
            if (!named) {
                args.add("-l");
            }
            args.add(key);
            Result sent = tmux(args.toArray(String[]::new));
            assertThat(sent.ok()).as(sent.output()).isTrue();
            Thread.sleep(150);
        }
    }

    private void screenShows(String session, String text) {
        try {
            Await.until(() -> screen(session).contains(text), SCREEN, session + "'s screen to show \"" + text + "\"");
        } finally {
            print(session, screen(session)); // on a timeout, the screen it timed out on
        }
    }

    private String screen(String session) {
        try {
            return tmux("capture-pane", "-p", "-t", session).output();
        } catch (Exception e) {
            return "";
        }
    }

    /** The screen with each wrapped line joined into one (capture-pane -J): a line that wrapped is longer than the width. */
    private String screenJoined(String session) {
        try {
            return tmux("capture-pane", "-p", "-J", "-t", session).output();
        } catch (Exception e) {
            return "";
        }
    }

    private static void print(String session, String screen) {
        System.out.println("---- " + session + "'s screen ----");
        System.out.println(screen.stripTrailing());
    }

    private record Result(boolean ok, String output) {}

    private Result tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = process.waitFor(10, TimeUnit.SECONDS);
        return new Result(done && process.exitValue() == 0, output);
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
