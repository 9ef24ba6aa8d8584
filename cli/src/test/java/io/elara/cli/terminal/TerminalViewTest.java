package io.elara.cli.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.chat.StatusLine;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat's terminal on pipes: what it writes is read back as the bytes a terminal would get. */
class TerminalViewTest {
    private static final String SAVE_CURSOR = "\u001b7";
    private static final String RESTORE_CURSOR = "\u001b8";

    @TempDir
    Path dir;

    @Test
    void shouldNeverPrintAMessageIntoTheStatusLineWhileBothAreDrawnFromDifferentThreads() throws Exception {
        // Goal: a message shown while the status line is redrawn (each second, and on every presence or typing
        // change, from another thread than the one printing messages) reaches the scrollback, never the status row
        // where the next redraw paints over it. The status line is drawn between "save cursor" and "restore cursor";
        // a message written between the two lands on the bottom row. Method: a line is being read, as in the chat;
        // one thread shows 2,000 messages while another redraws the status line 2,000 times; then every message must
        // be in the output once, and none inside a status line's drawing.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PipedOutputStream keys = new PipedOutputStream();
        Terminal terminal = TerminalBuilder.builder()
                .system(false)
                .streams(new PipedInputStream(keys), out)
                .type("xterm-256color")
                .size(new Size(80, 24))
                .encoding(StandardCharsets.UTF_8)
                .build();
        TerminalView view = TerminalView.open(terminal, dir.resolve("history"), List::of, List::of, () -> {}, () -> {});
        int count = 2_000;
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            Future<String> read = threads.submit(() -> view.readLine("team"));
            CountDownLatch start = new CountDownLatch(1);
            Future<?> messages = threads.submit(() -> {
                start.await();
                for (int i = 0; i < count; i++) {
                    view.show("message " + i + " end");
                }
                return null;
            });
            Future<?> statuses = threads.submit(() -> {
                start.await();
                for (int i = 0; i < count; i++) {
                    view.status(StatusLine.of(" elara: bob | team | update " + i));
                }
                return null;
            });
            start.countDown();
            messages.get(60, TimeUnit.SECONDS);
            statuses.get(60, TimeUnit.SECONDS);
            keys.close(); // end of input: the line being read ends
            read.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
            view.close();
        }

        String written = out.toString(StandardCharsets.UTF_8);
        List<String> intoStatus = new ArrayList<>();
        int from = 0;
        while ((from = written.indexOf(SAVE_CURSOR, from)) >= 0) {
            int to = written.indexOf(RESTORE_CURSOR, from);
            String drawn = to < 0 ? written.substring(from) : written.substring(from, to);
            if (drawn.contains("message ")) {
                intoStatus.add(drawn.replace("\u001b", "<ESC>"));
            }
            from = to < 0 ? written.length() : to;
        }
        assertThat(intoStatus)
                .as("messages written while the status line was drawn")
                .isEmpty();
        for (int i = 0; i < count; i++) {
            assertThat(written).contains("message " + i + " end");
        }
    }
}
