package io.elara.cli.terminal;

import io.elara.cli.chat.ChatInput;
import io.elara.cli.chat.ChatView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
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
 * bottom. Falls back to plain characters where the terminal cannot show colour.
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

    private final Terminal terminal;
    private final LineReader reader;
    private final Status statusLine;
    private final boolean colour;

    private TerminalView(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
        this.statusLine = Status.getStatus(terminal, true);
        Integer colours = terminal.getNumericCapability(InfoCmp.Capability.max_colors);
        this.colour = colours != null && colours >= 8;
    }

    /**
     * Opens the system terminal.
     *
     * @param history where typed lines are kept between runs
     * @param sessions the session names to complete after {@code /switch}
     * @param names the member names to complete after {@code @}
     * @param typing called on every character typed (the chat throttles the typing signal)
     */
    public static TerminalView open(
            Path history, Supplier<List<String>> sessions, Supplier<List<String>> names, Runnable typing)
            throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
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
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("elara")
                .completer(completer)
                .variable(LineReader.HISTORY_FILE, history)
                .variable(LineReader.HISTORY_SIZE, 1000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                // What was typed leaves the input line: the message shows once the node delivers it, as others see it.
                .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
                .build();
        org.jline.reader.Widget insert = reader.getWidgets().get(LineReader.SELF_INSERT);
        reader.getWidgets().put(LineReader.SELF_INSERT, () -> {
            typing.run();
            return insert.apply();
        });
        return new TerminalView(terminal, reader);
    }

    /** The next line typed; null on Ctrl-D, or Ctrl-C on an empty line (Ctrl-C clears a line being typed). */
    public String readLine(String prompt) {
        while (true) {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException e) {
                if (e.getPartialLine() == null || e.getPartialLine().isEmpty()) {
                    return null;
                }
            } catch (EndOfFileException e) {
                return null;
            }
        }
    }

    @Override
    public void show(String line) {
        reader.printAbove(line);
    }

    @Override
    public void status(String text) {
        int width = Math.max(10, terminal.getWidth());
        String shown = text.length() > width - 1 ? text.substring(0, width - 2) + "…" : text;
        AttributedString line =
                colour ? new AttributedString(shown, AttributedStyle.DEFAULT.inverse()) : new AttributedString(shown);
        statusLine.update(List.of(line));
    }

    @Override
    public void bell() {
        terminal.puts(InfoCmp.Capability.bell);
        terminal.flush();
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
            statusLine.update(List.of());
            terminal.close();
        }
    }
}
