package io.elara.cli.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The chat's status line as parts, and how it fits a width without ever wrapping: when the whole line is too wide, the
 * part that matters least goes first ({@link Kind} lists them in that order), and the node and session, which always
 * stay, are cut short with {@link Glyphs#cut} when even they do not fit. Pure.
 *
 * <p>Widths are counted in code points: a name in a script whose characters take two columns may still be longer than
 * this counts, and the terminal then cuts the line itself.
 *
 * @param head the node and the session (or why there is none): never dropped
 * @param parts the rest, in the order they show
 */
public record StatusLine(String head, List<Part> parts) {
    /** What a part says, least important first: the order in which parts are dropped to fit. */
    public enum Kind {
        /** Round-trip time, loss and path per connected member. */
        LINKS,
        /** How many members the last message reached. */
        DELIVERY,
        /** Unread messages in other sessions. */
        UNREAD,
        /** The media degradation level, when below full. */
        MEDIA,
        /** The current session's member count. */
        MEMBERS,
        /** Who is speaking ({@code /voice}), and whether this chat is muted. */
        SPEAKING,
        /** Who is typing. */
        TYPING
    }

    /** One part: shown after the one before it with {@code " | "}, or, for the member count, with a space. */
    public record Part(Kind kind, String text) {}

    public StatusLine {
        parts = List.copyOf(parts);
    }

    /** A line that is only its head. */
    public static StatusLine of(String head) {
        return new StatusLine(head, List.of());
    }

    /** The line whole, as a terminal wide enough shows it. */
    public String render() {
        return render(parts);
    }

    /** The line in at most {@code columns} columns: the least important parts dropped first, then the head cut. */
    public String fit(int columns, Glyphs glyphs) {
        List<Part> kept = new ArrayList<>(parts);
        String line = render(kept);
        while (width(line) > columns && !kept.isEmpty()) {
            kept.remove(kept.stream().min(Comparator.comparing(Part::kind)).orElseThrow());
            line = render(kept);
        }
        return cut(line, columns, glyphs);
    }

    /**
     * {@code text} in at most {@code columns} columns: whole if it fits, else its start and {@link Glyphs#cut}. Never
     * splits a surrogate pair.
     */
    public static String cut(String text, int columns, Glyphs glyphs) {
        if (width(text) <= columns) {
            return text;
        }
        if (columns <= 0) {
            return "";
        }
        int mark = width(glyphs.cut());
        if (columns <= mark) {
            return text.substring(0, text.offsetByCodePoints(0, columns));
        }
        return text.substring(0, text.offsetByCodePoints(0, columns - mark)) + glyphs.cut();
    }

    private String render(List<Part> shown) {
        StringBuilder line = new StringBuilder(head);
        for (Part part : shown) {
            line.append(part.kind() == Kind.MEMBERS ? " " : " | ").append(part.text());
        }
        return line.toString();
    }

    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }
}
