package io.elara.cli.chat;

/**
 * The decorations the chat draws around what people write, in Unicode or, for a terminal whose charset is not UTF-8,
 * in ASCII, so that no decoration ever shows as {@code ?}.
 *
 * @param ellipsis ends a sentence that goes on ({@code is typing…})
 * @param cut marks text cut short to fit a width (one column)
 * @param dash sets a heading apart
 * @param speaking comes before the names of those speaking ({@code 🔊 alice})
 */
public record Glyphs(String ellipsis, String cut, String dash, String speaking) {
    public static final Glyphs UNICODE = new Glyphs("…", "…", "—", "🔊 ");
    public static final Glyphs ASCII = new Glyphs("...", "~", "--", "speaking: ");
}
