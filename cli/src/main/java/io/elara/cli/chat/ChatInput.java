package io.elara.cli.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one typed line means: a message to the current session, a command, or a one-line problem (nothing is sent).
 * Pure: {@link #parse} never throws and touches nothing.
 */
public final class ChatInput {
    private ChatInput() {}

    /** A command: its name (without the slash) and how it is used. */
    public record Command(String name, String usage, String help, int minArgs, int maxArgs) {}

    /** Every command, in the order {@code /help} lists them. */
    public static final List<Command> COMMANDS = List.of(
            new Command("help", "/help", "this list", 0, 0),
            new Command("sessions", "/sessions", "the sessions this node is in, with unread counts", 0, 0),
            new Command("switch", "/switch NAME", "talk in session NAME", 1, 1),
            new Command("join", "/join TOKEN", "join a session with an invite", 1, 1),
            new Command("invite", "/invite", "an invite to the current session", 0, 0),
            new Command("leave", "/leave", "leave the current session", 0, 0),
            new Command("who", "/who", "the members of the current session and their presence", 0, 0),
            new Command("nick", "/nick NAME", "the name you show (the node's name; set in the config)", 0, 1),
            new Command("status", "/status online|away|busy [TEXT]", "your presence, in every session", 1, -1),
            new Command("me", "/me ACTION", "say what you do (* you ACTION)", 1, -1),
            new Command("edit", "/edit TEXT", "change your last message in this session", 1, -1),
            new Command("delete", "/delete", "delete your last message in this session", 0, 0),
            new Command("react", "/react EMOJI", "react to the last message someone else sent here", 1, 1),
            new Command("history", "/history [N]", "the last N messages of the current session (default 20)", 0, 1),
            new Command(
                    "export",
                    "/export FILE",
                    "write this session's stored history to FILE (JSON Lines, as elara export does)",
                    1,
                    -1),
            new Command("peers", "/peers", "the nodes this one talks to: address, RTT, path", 0, 0),
            new Command(
                    "voice",
                    "/voice [on|off|mute]",
                    "speak in this session (from --voice-source) and hear the others; mute hears only; alone: the state",
                    0,
                    1),
            new Command(
                    "share",
                    "/share FILE",
                    "show a picture (PNG or JPEG) to the session's connected members, drawn in their chats",
                    1,
                    -1),
            new Command("quit", "/quit", "leave the chat (the node keeps running if it ran before)", 0, 0));

    /** One parsed line: a message, a command, a problem, or nothing. */
    public sealed interface Parsed permits Say, Run, Problem, Nothing {}

    /** Text for the current session. */
    public record Say(String text) implements Parsed {}

    /**
     * A known command with its arguments (the rest of the line split on spaces; for /me, /status, /export and /share,
     * whose file name may hold spaces, kept whole).
     */
    public record Run(Command command, List<String> args, String rest) implements Parsed {}

    /** Why the line is neither: shown, and nothing is sent. */
    public record Problem(String message) implements Parsed {}

    /** An empty line. */
    public record Nothing() implements Parsed {}

    /**
     * Reads {@code line}. A line starting with {@code /} is a command ({@code //} sends a text starting with one
     * slash); anything else is a message, which must fit {@code textBytesMax} UTF-8 bytes. Trailing blanks are dropped.
     */
    public static Parsed parse(String line, int textBytesMax) {
        if (line == null || line.isBlank()) {
            return new Nothing();
        }
        // Trailing blanks are never meant (a completion leaves one): they are not sent.
        line = line.stripTrailing();
        if (line.startsWith("//")) {
            return say(line.substring(1), textBytesMax);
        }
        if (!line.startsWith("/")) {
            return say(line, textBytesMax);
        }
        String body = line.substring(1).strip();
        int space = body.indexOf(' ');
        String name = (space < 0 ? body : body.substring(0, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : body.substring(space + 1).strip();
        Command command = command(name);
        if (command == null) {
            return new Problem("unknown command '/" + name + "' (see /help)");
        }
        List<String> args = new ArrayList<>();
        if (!rest.isEmpty()) {
            for (String arg : rest.split("\\s+", -1)) {
                args.add(arg);
            }
        }
        if (args.size() < command.minArgs() || (command.maxArgs() >= 0 && args.size() > command.maxArgs())) {
            return new Problem("usage: " + command.usage());
        }
        if (command.name().equals("status")) {
            String presence = args.get(0).toLowerCase(Locale.ROOT);
            if (!List.of("online", "away", "busy").contains(presence)) {
                return new Problem("usage: " + command.usage() + " (not '" + args.get(0) + "')");
            }
        }
        if (command.name().equals("voice")
                && !args.isEmpty()
                && !List.of("on", "off", "mute").contains(args.get(0).toLowerCase(Locale.ROOT))) {
            return new Problem("usage: " + command.usage() + " (not '" + args.get(0) + "')");
        }
        if (command.name().equals("history")
                && !args.isEmpty()
                && (!args.get(0).matches("[0-9]{1,4}") || Integer.parseInt(args.get(0)) == 0)) {
            return new Problem("usage: " + command.usage() + " (N is 1 to 9999)");
        }
        if (command.name().equals("edit") && (rest.getBytes(StandardCharsets.UTF_8).length > EDIT_BYTES_MAX)) {
            return new Problem("an edit is at most " + EDIT_BYTES_MAX + " bytes");
        }
        if (command.name().equals("react") && rest.getBytes(StandardCharsets.UTF_8).length > 32) {
            return new Problem("a reaction is at most 32 bytes");
        }
        if (command.name().equals("me")) {
            Parsed said = say(ME_PREFIX + rest, textBytesMax);
            if (said instanceof Problem) {
                return said;
            }
        }
        return new Run(command, List.copyOf(args), rest);
    }

    /** The longest edited text: a shared-state value (512 bytes) less its {@code e:} prefix. */
    public static final int EDIT_BYTES_MAX = 510;

    /** How an action ({@code /me}) travels: a text with this prefix, shown as {@code * name action}. */
    public static final String ME_PREFIX = "/me ";

    private static Parsed say(String text, int textBytesMax) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > textBytesMax) {
            return new Problem(
                    "message too long: " + bytes + " bytes, the limit is " + textBytesMax + " (limits.text-bytes-max)");
        }
        return new Say(text);
    }

    /** The command named {@code name}, or null. */
    public static Command command(String name) {
        for (Command command : COMMANDS) {
            if (command.name().equals(name)) {
                return command;
            }
        }
        return null;
    }
}
