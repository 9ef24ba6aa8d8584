package io.elara.cli.terminal;

import io.elara.cli.chat.ChatInput;
import io.elara.cli.chat.ChatView;
import io.elara.cli.chat.Glyphs;
import io.elara.cli.chat.StatusLine;
import io.elara.node.media.HalfBlocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;
import org.jline.utils.Status;

/**
 * The chat on a terminal (JLine): scrollback printed above an input line with full line editing, persistent history
 * and tab completion (commands; session names after {@code /switch}; {@code @names}), and a status line at the
 * bottom that never wraps: it is fitted to the width, and fitted again when the terminal is resized (SIGWINCH). Falls
 * back to plain characters where the terminal cannot show colour, and to ASCII decorations where its charset is not
 * UTF-8 (text that charset cannot show comes out as {@code ?}).
 */
public final class TerminalView implements ChatView, AutoCloseable {
    private static final int[] COLOURS = {
        AttributedStyle.CYAN,
        AttributedStyle.GREEN,
        AttributedStyle.YELLOW,
        AttributedStyle.MAGENTA,
        AttributedStyle.BLUE,
        AttributedStyle.RED
    };

    /** Assumed when the terminal does not say how wide it is. */
    private static final int WIDTH_DEFAULT = 80;

    private final Terminal terminal;
    private final ChatLineReader reader;
    private final Status statusLine;
    private final boolean colour;
    private final Glyphs glyphs;
    /** The status line last shown, to fit again when the width changes; guarded by the reader's drawing lock. */
    private StatusLine shown = StatusLine.of("");

    private TerminalView(Terminal terminal, ChatLineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
        this.statusLine = Status.getStatus(terminal, true);
        Integer colours = terminal.getNumericCapability(InfoCmp.Capability.max_colors);
        this.colour = colours != null && colours >= 8;
        this.glyphs = terminal.outputEncoding().equals(StandardCharsets.UTF_8) ? Glyphs.UNICODE : Glyphs.ASCII;
    }

    /**
     * The line reader, with two hooks: every key read counts as activity (for away after idle time), whichever key it
     * is and whatever it does; and a resize fits the prompt to the new width before JLine redraws the line, and the
     * status line after.
     */
    private static final class ChatLineReader extends LineReaderImpl {
        private final Runnable activity;
        private volatile Runnable resized = () -> {};
        /** The prompt for the width now, while a line is read; null otherwise. */
        private volatile Supplier<String> fittedPrompt = () -> null;

        ChatLineReader(Terminal terminal, Map<String, Object> variables, Runnable activity) {
            super(terminal, "elara", variables);
            this.activity = activity;
        }

        /**
         * Runs {@code output} holding the lock JLine holds while it draws the line being edited and while it prints
         * above it. The status line is drawn by moving the cursor to the bottom row and back; a message printed from
         * another thread between those moves would land on the status row and be drawn over, so every write to the
         * terminal goes through this one lock. It is reentrant, and JLine releases it while it waits for a key.
         */
        void drawing(Runnable output) {
            lock.lock();
            try {
                output.run();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Binding readBinding(KeyMap<Binding> keys, KeyMap<Binding> local) {
            Binding binding = super.readBinding(keys, local);
            if (binding != null) {
                activity.run();
            }
            return binding;
        }

        /**
         * While a line is read, JLine holds SIGWINCH itself (and restores the handler set before afterwards). The refit
         * takes the drawing lock after JLine's own handling has released it.
         */
        @Override
        protected synchronized void handleSignal(Terminal.Signal signal) {
            String fitted = signal == Terminal.Signal.WINCH ? fittedPrompt.get() : null;
            if (fitted != null) {
                setPrompt(fitted);
            }
            super.handleSignal(signal);
            if (signal == Terminal.Signal.WINCH) {
                resized.run();
            }
        }
    }

    /**
     * Opens the system terminal.
     *
     * @param history where typed lines are kept between runs
     * @param sessions the session names to complete after {@code /switch}
     * @param names the member names to complete after {@code @}
     * @param typing called on every character typed (the chat throttles the typing signal)
     * @param activity called on every key read, on the thread reading lines; must not block
     */
    public static TerminalView open(
            Path history,
            Supplier<List<String>> sessions,
            Supplier<List<String>> names,
            Runnable typing,
            Runnable activity)
            throws IOException {
        TerminalBuilder builder = TerminalBuilder.builder().system(true);
        if (System.getProperty(TerminalBuilder.PROP_ENCODING) == null) {
            // JLine assumes UTF-8 whatever the locale says; a terminal set up for ASCII (LANG=C) would show bytes of
            // UTF-8 as garbage. Writing in the locale's charset makes what it cannot show a '?' instead.
            builder.encoding(Terminals.localeCharset(System.getenv(), System.getProperty("native.encoding")));
        }
        return open(builder.build(), history, sessions, names, typing, activity);
    }

    /** The chat on {@code terminal}, which it closes when it closes (tests give it one on pipes). */
    static TerminalView open(
            Terminal terminal,
            Path history,
            Supplier<List<String>> sessions,
            Supplier<List<String>> names,
            Runnable typing,
            Runnable activity) {
        Completer completer = (reader, line, candidates) -> {
            List<String> words = line.words();
            String word = line.word();
            if (line.wordIndex() == 0 && word.startsWith("/")) {
                for (ChatInput.Command command : ChatInput.COMMANDS) {
                    candidates.add(new org.jline.reader.Candidate("/" + command.name()));
                }
            } else if (line.wordIndex() == 1 && !words.isEmpty() && words.get(0).equals("/switch")) {
                new StringsCompleter(sessions.get()).complete(reader, line, candidates);
            } else if (word.startsWith("@")) {
                List<String> at = new ArrayList<>();
                for (String name : names.get()) {
                    at.add("@" + name);
                }
                new StringsCompleter(at).complete(reader, line, candidates);
            }
        };
        Map<String, Object> variables = new HashMap<>();
        variables.put(LineReader.HISTORY_FILE, history);
        variables.put(LineReader.HISTORY_SIZE, 1000);
        // Built as LineReaderBuilder builds one, for the hooks ChatLineReader adds.
        ChatLineReader reader = new ChatLineReader(terminal, variables, activity);
        reader.setHistory(new DefaultHistory());
        reader.setCompleter(completer);
        reader.option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        // What was typed leaves the input line: the message shows once the node delivers it, as others see it.
        reader.option(LineReader.Option.ERASE_LINE_ON_FINISH, true);
        org.jline.reader.Widget insert = reader.getWidgets().get(LineReader.SELF_INSERT);
        reader.getWidgets().put(LineReader.SELF_INSERT, () -> {
            typing.run();
            return insert.apply();
        });
        TerminalView view = new TerminalView(terminal, reader);
        reader.resized = view::refit;
        // Between lines (a command running), the handler is this one; while a line is read, ChatLineReader's, after
        // JLine has resized the status area itself.
        terminal.handle(Terminal.Signal.WINCH, signal -> {
            reader.drawing(view.statusLine::resize);
            view.refit();
        });
        return view;
    }

    /** The width to fit lines to. */
    private int width() {
        int width = terminal.getWidth();
        return width > 0 ? width : WIDTH_DEFAULT;
    }

    /** Fits the status line last shown to the terminal's width now. */
    private void refit() {
        reader.drawing(() -> status(shown));
    }

    /**
     * The next line typed, after the prompt {@code session> } ({@code > } with no session); null on Ctrl-D, or Ctrl-C
     * on an empty line (Ctrl-C clears a line being typed). A session name too long for half the width is cut short,
     * so the prompt leaves room to type and never wraps.
     */
    public String readLine(String session) {
        while (true) {
            reader.fittedPrompt = () -> prompt(session);
            try {
                return reader.readLine(prompt(session));
            } catch (UserInterruptException e) {
                if (e.getPartialLine() == null || e.getPartialLine().isEmpty()) {
                    return null;
                }
            } catch (EndOfFileException e) {
                return null;
            } finally {
                reader.fittedPrompt = () -> null;
            }
        }
    }

    private String prompt(String session) {
        return (session == null ? "" : StatusLine.cut(session, Math.max(4, width() / 2 - 2), glyphs)) + "> ";
    }

    @Override
    public void show(String line) {
        reader.drawing(() -> reader.printAbove(line));
    }

    @Override
    public void status(StatusLine line) {
        reader.drawing(() -> {
            shown = line;
            String fitted = line.fit(width(), glyphs);
            statusLine.update(List.of(
                    colour
                            ? new AttributedString(fitted, AttributedStyle.DEFAULT.inverse())
                            : new AttributedString(fitted)));
        });
    }

    @Override
    public Glyphs glyphs() {
        return glyphs;
    }

    /**
     * Half blocks in 24-bit colour where the terminal says it has it ({@code COLORTERM=truecolor} or {@code 24bit}),
     * else the 256-colour palette; ASCII where the terminal has no colour or no UTF-8.
     */
    @Override
    public HalfBlocks.Mode pictureMode() {
        if (!colour || glyphs.equals(Glyphs.ASCII)) {
            return HalfBlocks.Mode.ASCII;
        }
        String colourTerm = System.getenv("COLORTERM");
        return colourTerm != null && (colourTerm.equalsIgnoreCase("truecolor") || colourTerm.equalsIgnoreCase("24bit"))
                ? HalfBlocks.Mode.TRUECOLOR
                : HalfBlocks.Mode.ANSI256;
    }

    @Override
    public int columns() {
        return width();
    }

    @Override
    public void bell() {
        reader.drawing(() -> {
            terminal.puts(InfoCmp.Capability.bell);
            terminal.flush();
        });
    }

    @Override
    public String name(String name) {
        if (!colour) {
            return name;
        }
        int colourIndex = Math.floorMod(name.hashCode(), COLOURS.length);
        return new AttributedStringBuilder()
                .style(AttributedStyle.BOLD.foreground(COLOURS[colourIndex]))
                .append(name)
                .toAnsi(terminal);
    }

    @Override
    public String dim(String text) {
        return colour
                ? new AttributedStringBuilder()
                        .style(AttributedStyle.DEFAULT.faint())
                        .append(text)
                        .toAnsi(terminal)
                : text;
    }

    @Override
    public void close() throws IOException {
        try {
            reader.getHistory().save();
        } finally {
            reader.drawing(() -> statusLine.update(List.of()));
            terminal.close();
        }
    }
}
