package io.elara.cli.terminal;

import java.io.IOException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A line-editing prompt on the system terminal, with incoming lines printed above it without disturbing what is being
 * typed. {@link #printAbove} may be called from any thread.
 */
public final class ChatPrompt implements AutoCloseable {
    private final Terminal terminal;
    private final LineReader reader;

    private ChatPrompt(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    public static ChatPrompt open() throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        LineReader reader =
                LineReaderBuilder.builder().terminal(terminal).appName("elara").build();
        return new ChatPrompt(terminal, reader);
    }

    /** The next line typed, or null on Ctrl-C or Ctrl-D. */
    public String readLine(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    public void printAbove(String line) {
        reader.printAbove(line);
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
