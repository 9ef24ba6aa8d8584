package io.elara.cli.output;

import io.elara.cli.ExitCode;
import io.elara.node.store.DataDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Manual pages from picocli's model of the commands: troff with the {@code man(7)} macros, one page per command
 * ({@code elara.1}, {@code elara-session-create.1}), hidden commands and options left out.
 *
 * <p>Every text from the model goes through {@link #escape(String)}: a backslash becomes {@code \e}, every hyphen
 * {@code \-} (as help2man does, so option names and commands copied from the page are typed with ASCII hyphens), other
 * non-ASCII characters {@code \[uXXXX]}, and a line starting with {@code .} or {@code '} is protected with
 * {@code \&} so that troff does not take it for a request.
 */
public final class ManPage {
    /** The manual section: user commands. */
    public static final String SECTION = "1";

    /** What each exit code means; the same for every command, as picocli's handlers and ours return them. */
    private static final Map<Integer, String> EXIT_STATUS = exitStatus();

    /**
     * The environment variables Elara reads, with what each one does. A page lists those its command's texts mention
     * ({@code $ELARA_CONFIG}); the root page lists them all.
     */
    public static final Map<String, String> ENVIRONMENT = environment();

    /** The files a node's commands use, with what each holds; on the root page and those with {@code --config}. */
    private static final Map<String, String> FILES = files();

    private static final Pattern VARIABLE = Pattern.compile("\\$(ELARA_[A-Z_]+)");
    /** The first sentence of a description: up to a full stop followed by a space, or the end. */
    private static final Pattern SENTENCE = Pattern.compile("^(.*?\\.)(?:\\s|$)");
    /** A footer line that heads a section of its own: {@code Examples:}. */
    private static final Pattern HEADING = Pattern.compile("[A-Z][A-Za-z ]*:");

    private ManPage() {}

    /** The root command and every command under it that is not hidden, parents before their subcommands. */
    public static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> commands = new ArrayList<>();
        collect(root, commands);
        return commands;
    }

    private static void collect(CommandSpec command, List<CommandSpec> commands) {
        commands.add(command);
        for (CommandSpec subcommand : subcommands(command)) {
            collect(subcommand, commands);
        }
    }

    /** The visible subcommands of {@code command}, each once (an alias is a second key to the same command). */
    private static List<CommandSpec> subcommands(CommandSpec command) {
        Set<CommandSpec> unique = new LinkedHashSet<>();
        for (CommandLine subcommand : command.subcommands().values()) {
            if (!subcommand.getCommandSpec().usageMessage().hidden()) {
                unique.add(subcommand.getCommandSpec());
            }
        }
        return new ArrayList<>(unique);
    }

    /** {@code elara-session-create}: the page's name, the command's words joined by hyphens. */
    public static String pageName(CommandSpec command) {
        return command.qualifiedName("-");
    }

    /** {@code elara-session-create.1}. */
    public static String fileName(CommandSpec command) {
        return pageName(command) + "." + SECTION;
    }

    /**
     * The page of {@code command}, dated {@code date} (free text, {@code 2026-01-01}) for Elara {@code version}.
     */
    public static String render(CommandSpec command, String version, String date) {
        Page page = new Page();
        page.request(".TH " + escape(pageName(command).toUpperCase(Locale.ROOT)) + " " + SECTION + " " + quote(date)
                + " " + quote("elara " + version) + " " + quote("Elara manual"));
        // Option names must not be hyphenated or stretched: a reader copies them.
        page.request(".nh");
        page.request(".ad l");

        page.section("NAME");
        page.text(escape(pageName(command)) + " \\- " + escape(stripFullStop(summary(command))));

        page.section("SYNOPSIS");
        page.text(synopsis(command));

        Footer footer = footer(command);
        page.section("DESCRIPTION");
        page.paragraphs(description(command));
        page.paragraphs(footer.prose());

        List<OptionSpec> options = visibleOptions(command);
        if (!options.isEmpty()) {
            page.section("OPTIONS");
            for (OptionSpec option : options) {
                page.request(".TP");
                page.text(optionTerm(option));
                page.lines(unformat(option.description()));
                String defaultValue = shownDefault(command, option);
                if (defaultValue != null) {
                    page.text("Default: " + escape(defaultValue) + ".");
                }
            }
        }

        List<PositionalParamSpec> parameters = visibleParameters(command);
        if (!parameters.isEmpty()) {
            page.section("ARGUMENTS");
            for (PositionalParamSpec parameter : parameters) {
                page.request(".TP");
                page.text(parameterTerm(parameter));
                page.lines(unformat(parameter.description()));
            }
        }

        List<CommandSpec> subcommands = subcommands(command);
        if (!subcommands.isEmpty()) {
            page.section("COMMANDS");
            for (CommandSpec subcommand : subcommands) {
                page.request(".TP");
                page.text("\\fB" + escape(subcommand.name()) + "\\fR");
                page.text(escape(summary(subcommand)));
                page.text("See \\fB" + escape(pageName(subcommand)) + "\\fR(" + SECTION + ").");
            }
        }

        page.section("EXIT STATUS");
        for (Map.Entry<Integer, String> status : EXIT_STATUS.entrySet()) {
            page.request(".TP");
            page.text("\\fB" + status.getKey() + "\\fR");
            page.text(escape(status.getValue()));
        }

        boolean files = command.parent() == null || command.findOption("--config") != null;
        Set<String> variables = command.parent() == null ? ENVIRONMENT.keySet() : mentionedVariables(command, files);
        if (!variables.isEmpty()) {
            page.section("ENVIRONMENT");
            for (String variable : variables) {
                page.request(".TP");
                page.text("\\fB" + escape(variable) + "\\fR");
                page.text(escape(ENVIRONMENT.getOrDefault(variable, "See OPTIONS.")));
            }
        }

        if (files) {
            page.section("FILES");
            for (Map.Entry<String, String> file : FILES.entrySet()) {
                page.request(".TP");
                page.text("\\fI" + escape(file.getKey()) + "\\fR");
                page.text(escape(file.getValue()));
            }
        }

        for (Map.Entry<String, List<String>> section : footer.sections().entrySet()) {
            page.section(section.getKey());
            page.request(".PP");
            page.request(".RS 4");
            page.request(".nf");
            for (String line : section.getValue()) {
                page.text(escape(line));
            }
            page.request(".fi");
            page.request(".RE");
        }

        List<CommandSpec> related = new ArrayList<>();
        for (CommandSpec parent = command.parent(); parent != null; parent = parent.parent()) {
            related.add(0, parent);
        }
        related.addAll(subcommands);
        if (!related.isEmpty()) {
            page.section("SEE ALSO");
            for (int i = 0; i < related.size(); i++) {
                page.request(".BR " + escape(pageName(related.get(i))) + " (" + SECTION + ")"
                        + (i < related.size() - 1 ? "," : ""));
            }
        }
        return page.toString();
    }

    /**
     * One line of text from the model, safe as a troff text line: backslashes as {@code \e}, hyphens as {@code \-},
     * non-ASCII characters as {@code \[uXXXX]}, and {@code \&} before a leading {@code .} or {@code '}.
     */
    public static String escape(String line) {
        StringBuilder escaped = new StringBuilder(line.length() + 8);
        if (line.startsWith(".") || line.startsWith("'")) {
            escaped.append("\\&");
        }
        line.codePoints().forEach(codePoint -> {
            switch (codePoint) {
                case '\\' -> escaped.append("\\e");
                case '-' -> escaped.append("\\-");
                case '\t' -> escaped.append(' ');
                default -> {
                    if (codePoint > '~') {
                        escaped.append(String.format(Locale.ROOT, "\\[u%04X]", codePoint));
                    } else if (codePoint >= ' ') {
                        escaped.appendCodePoint(codePoint);
                    }
                    // Other control characters would be troff input errors; a description has no use for them.
                }
            }
        });
        return escaped.toString();
    }

    /**
     * The variables {@code $ELARA_…} that the page of {@code command} mentions: in its texts, in FILES when the page has
     * that section, and in the ENVIRONMENT entries of those, in name order.
     */
    static Set<String> mentionedVariables(CommandSpec command, boolean files) {
        List<String> texts = new ArrayList<>();
        texts.addAll(description(command));
        texts.addAll(Arrays.asList(command.usageMessage().footer()));
        for (OptionSpec option : visibleOptions(command)) {
            texts.addAll(Arrays.asList(option.description()));
        }
        for (PositionalParamSpec parameter : visibleParameters(command)) {
            texts.addAll(Arrays.asList(parameter.description()));
        }
        if (files) {
            texts.addAll(FILES.values());
        }
        Set<String> variables = new TreeSet<>();
        while (!texts.isEmpty()) {
            Matcher matcher = VARIABLE.matcher(texts.remove(texts.size() - 1));
            while (matcher.find()) {
                if (variables.add(matcher.group(1)) && ENVIRONMENT.containsKey(matcher.group(1))) {
                    texts.add(ENVIRONMENT.get(matcher.group(1)));
                }
            }
        }
        return variables;
    }

    /** The command's one-line summary: its header, else the first sentence of its description. */
    static String summary(CommandSpec command) {
        String[] header = command.usageMessage().header();
        if (header.length > 0 && !header[0].isBlank()) {
            return unformat(header[0]).strip();
        }
        StringBuilder first = new StringBuilder();
        for (String line : description(command)) {
            if (line.isBlank()) {
                if (first.length() > 0) {
                    break;
                }
                continue;
            }
            first.append(first.length() > 0 ? " " : "").append(line.strip());
        }
        Matcher sentence = SENTENCE.matcher(first);
        return sentence.find() ? sentence.group(1) : first.toString();
    }

    private static String stripFullStop(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    /** The description's lines, with picocli's {@code %n} as line breaks. */
    private static List<String> description(CommandSpec command) {
        return unformat(command.usageMessage().description());
    }

    private static List<String> unformat(String[] texts) {
        List<String> lines = new ArrayList<>();
        for (String text : texts) {
            lines.addAll(Arrays.asList(unformat(text).split("\n", -1)));
        }
        return lines;
    }

    /** picocli passes usage texts through {@code String.format}; of that, its texts use {@code %n} and {@code %%}. */
    private static String unformat(String text) {
        return text.replace("%n", "\n").replace("%%", "%");
    }

    /** The synopsis as picocli prints it, on one line, with the command's words in bold. */
    private static String synopsis(CommandSpec command) {
        Help help = new Help(command, Help.defaultColorScheme(Help.Ansi.OFF));
        String synopsis = help.synopsis(0).strip().replaceAll("\\s*\n\\s*", " ");
        String name = command.qualifiedName();
        String rest = synopsis.startsWith(name) ? synopsis.substring(name.length()) : " " + synopsis;
        return "\\fB" + escape(name) + "\\fR" + escape(rest);
    }

    private static List<OptionSpec> visibleOptions(CommandSpec command) {
        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec option : command.options()) {
            if (!option.hidden()) {
                options.add(option);
            }
        }
        if (command.usageMessage().sortOptions()) {
            // As picocli's help sorts them: by the shortest name, without its dashes.
            options.sort(Comparator.comparing(
                            (OptionSpec option) -> bare(option.shortestName()).toLowerCase(Locale.ROOT))
                    .thenComparing(option -> bare(option.shortestName())));
        }
        return options;
    }

    private static String bare(String name) {
        return name.replaceFirst("^-+", "");
    }

    private static List<PositionalParamSpec> visibleParameters(CommandSpec command) {
        List<PositionalParamSpec> parameters = new ArrayList<>();
        for (PositionalParamSpec parameter : command.positionalParameters()) {
            if (!parameter.hidden()) {
                parameters.add(parameter);
            }
        }
        return parameters;
    }

    /** {@code -c, --config=FILE}, names in bold and the value's label in italics. */
    private static String optionTerm(OptionSpec option) {
        List<String> names = new ArrayList<>();
        for (String name : option.names()) {
            names.add("\\fB" + escape(name) + "\\fR");
        }
        String term = String.join(", ", names);
        if (option.arity().max() == 0) {
            return term;
        }
        String label = "\\fI" + escape(option.paramLabel()) + "\\fR";
        return option.arity().min() == 0 ? term + "[=" + label + "]" : term + "=" + label;
    }

    /** {@code [TEXT...]}: the label in italics, in brackets when it may be left out, with dots when it repeats. */
    private static String parameterTerm(PositionalParamSpec parameter) {
        String term = "\\fI" + escape(parameter.paramLabel()) + "\\fR";
        if (parameter.arity().max() > 1) {
            term += "...";
        }
        return parameter.arity().min() == 0 ? "[" + term + "]" : term;
    }

    /** The default value when the usage help would show it, else null. */
    private static String shownDefault(CommandSpec command, OptionSpec option) {
        boolean shown = switch (option.showDefaultValue()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case ON_DEMAND ->
                command.usageMessage().showDefaultValues()
                        && option.defaultValue() != null
                        && option.arity().max() > 0;
        };
        return shown ? option.defaultValueString() : null;
    }

    /** A footer split into prose (more description) and the sections its headings start ({@code Examples:}). */
    private record Footer(List<String> prose, Map<String, List<String>> sections) {}

    private static Footer footer(CommandSpec command) {
        List<String> prose = new ArrayList<>();
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = prose;
        // Prose before any heading continues the description; leading blank lines are dropped.
        for (String text : command.usageMessage().footer()) {
            for (String line : unformat(text).split("\n", -1)) {
                if (HEADING.matcher(line).matches()) {
                    String heading = line.substring(0, line.length() - 1).toUpperCase(Locale.ROOT);
                    // "Example:" and "Examples:" are the same section of a manual page.
                    current = sections.computeIfAbsent(
                            heading.equals("EXAMPLE") ? "EXAMPLES" : heading, key -> new ArrayList<>());
                } else if (line.startsWith("Exit codes:")) {
                    // The root's footer line says what EXIT STATUS says; it is left out.
                } else if (current != prose || !line.isBlank() || !prose.isEmpty()) {
                    current.add(current == prose ? line : line.replaceFirst("^  ", ""));
                }
            }
        }
        for (List<String> lines : sections.values()) {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
        }
        return new Footer(prose, sections);
    }

    private static String quote(String argument) {
        return "\"" + escape(argument).replace("\"", "\\(dq") + "\"";
    }

    private static Map<Integer, String> exitStatus() {
        Map<Integer, String> status = new LinkedHashMap<>();
        status.put(ExitCode.OK, "Success.");
        status.put(
                ExitCode.FAILURE,
                "A runtime failure: the node could not start, a peer did not acknowledge, a file is damaged or cannot"
                        + " be written. One line on standard error, elara: PROBLEM, names it.");
        status.put(
                ExitCode.USAGE,
                "A usage error: a bad option or argument, a bad config file. One line on standard error names it.");
        return status;
    }

    private static Map<String, String> environment() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("ELARA_CONFIG", "The config file, when -c is not given.");
        variables.put(
                "ELARA_HOME",
                "The data directory (default ~/.elara): the config file is $ELARA_HOME/elara.yaml when neither -c nor"
                        + " $ELARA_CONFIG is given, and elara init creates it.");
        variables.put(
                "ELARA_PASSPHRASE",
                "The identity key's passphrase, when --passphrase-file is not given; else elara asks at the terminal.");
        variables.put(
                "ELARA_NEW_PASSPHRASE",
                "The new passphrase for elara key passphrase, when --new-passphrase-file is not given.");
        variables.put(
                "ELARA_TURN_PASSWORD",
                "The TURN password for elara stun --turn, when --turn-password-file is not given.");
        return Collections.unmodifiableMap(variables);
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(
                "~/.elara/" + DataDirectory.CONFIG_FILE,
                "The node's config file, unless -c, $ELARA_CONFIG or $ELARA_HOME name another. It names the data"
                        + " directory (~/.elara by default), which holds the files below.");
        files.put(
                DataDirectory.IDENTITY_FILE,
                "The node's identity key, sealed with a passphrase unless created with --no-passphrase.");
        files.put(DataDirectory.DATABASE_FILE, "The stored messages and sessions (SQLite).");
        files.put(
                DataDirectory.CONTROL_SOCKET,
                "The running node's control socket, through which other elara commands reach it.");
        return Collections.unmodifiableMap(files);
    }

    /** A page being written: requests and text lines, one per line. */
    private static final class Page {
        private final StringBuilder text = new StringBuilder();

        void request(String request) {
            text.append(request).append('\n');
        }

        void section(String name) {
            request(".SH " + quote(name));
        }

        /** One line of troff text, already escaped. */
        void text(String line) {
            assert !line.startsWith(".") && !line.startsWith("'") : line;
            text.append(line).append('\n');
        }

        /** Lines of text from the model: troff fills them; a blank one breaks the paragraph. */
        void lines(List<String> lines) {
            for (String line : lines) {
                if (line.isBlank()) {
                    request(".PP");
                } else {
                    text(escape(line.strip()));
                }
            }
        }

        /** Paragraphs from the model, each blank line a paragraph break. */
        void paragraphs(List<String> lines) {
            List<String> trimmed = new ArrayList<>(lines);
            while (!trimmed.isEmpty() && trimmed.get(0).isBlank()) {
                trimmed.remove(0);
            }
            while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isBlank()) {
                trimmed.remove(trimmed.size() - 1);
            }
            if (trimmed.isEmpty()) {
                return;
            }
            request(".PP");
            lines(trimmed);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
