package io.elara.cli.chat;

import java.io.PrintWriter;

/** Where the chat shows things. Callable from any thread. */
public interface ChatView {
    /** Shows one line of scrollback (a message, a notice, a command's answer). */
    void show(String line);

    /**
     * Shows {@code line} in the status line, fitted to the width (a terminal has one, and fits it again when resized;
     * plain output has none).
     */
    void status(StatusLine line);

    /** The decorations this view can show: ASCII where the terminal's charset is not UTF-8. */
    default Glyphs glyphs() {
        return Glyphs.UNICODE;
    }

    /**
     * Whether this view shows a status line: where it does not (plain output), changes it would show, such as who
     * started or stopped speaking, are announced in lines instead.
     */
    default boolean hasStatusLine() {
        return true;
    }

    /** How pictures are drawn ({@code /share}): in colour where the terminal shows it, else ASCII. */
    default io.elara.node.media.HalfBlocks.Mode pictureMode() {
        return io.elara.node.media.HalfBlocks.Mode.ASCII;
    }

    /** The width lines are fitted to, in columns. */
    default int columns() {
        return 80;
    }

    /** Rings the bell (a mention). */
    void bell();

    /** Colours a sender's name, the same colour for the same name; plain output leaves it as it is. */
    String name(String name);

    /** Dims a notice; plain output leaves it as it is. */
    String dim(String text);

    /** Plain lines on {@code out} (UTF-8, as the command writes everything): for pipes and scripts. */
    static ChatView plain(PrintWriter out) {
        return new ChatView() {
            @Override
            public void show(String line) {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            }

            @Override
            public void status(StatusLine line) {}

            @Override
            public boolean hasStatusLine() {
                return false;
            }

            @Override
            public void bell() {}

            @Override
            public String name(String name) {
                return name;
            }

            @Override
            public String dim(String text) {
                return text;
            }
        };
    }
}
