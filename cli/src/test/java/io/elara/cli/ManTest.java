package io.elara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.output.ManPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code elara man}: pages checked against picocli's model of the commands, walked here independently. */
class ManTest {
    @TempDir
    Path directory;

    /** Page file name to command, for every command a user can reach; hidden ones are left out. */
    private static Map<String, CommandSpec> visibleCommands() {
        Map<String, CommandSpec> commands = new TreeMap<>();
        walk(new CommandLine(new ElaraCommand()).getCommandSpec(), commands);
        return commands;
    }

    private static void walk(CommandSpec command, Map<String, CommandSpec> commands) {
        commands.put(String.join("-", command.qualifiedName().split(" ", -1)) + ".1", command);
        for (CommandLine subcommand : command.subcommands().values()) {
            if (!subcommand.getCommandSpec().usageMessage().hidden()) {
                walk(subcommand.getCommandSpec(), commands);
            }
        }
    }

    /** An option name or label as a page must spell it: hyphens as {@code \-}. */
    private static String troff(String text) {
        return text.replace("-", "\\-");
    }

    /** The body of section {@code name}, or "" when the page has none. */
    private static String section(String page, String name) {
        String heading = ".SH \"" + name + "\"\n";
        int start = page.indexOf(heading);
        if (start < 0) {
            return "";
        }
        int end = page.indexOf("\n.SH ", start + heading.length());
        return page.substring(start + heading.length(), end < 0 ? page.length() : end + 1);
    }

    private Path writePages() {
        Path out = directory.resolve("share/man/man1");
        Cli.Result result = Cli.run("man", "--output", out.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        return out;
    }

    @Test
    void shouldWriteAPageForEveryVisibleCommandThatListsEachOfItsOptionsArgumentsAndSubcommands() throws IOException {
        Path out = directory.resolve("share/man/man1");
        Cli.Result result = Cli.run("man", "--output", out.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        Map<String, CommandSpec> commands = visibleCommands();
        assertThat(commands)
                .containsKeys("elara.1", "elara-chat.1", "elara-session-create.1", "elara-man.1")
                .doesNotContainKey("elara-bench-peer.1");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(commands.keySet());
        }
        assertThat(result.out().lines())
                .as("one line per file written")
                .containsExactlyInAnyOrderElementsOf(commands.keySet().stream()
                        .map(name -> out.resolve(name).toString())
                        .toList());

        for (Map.Entry<String, CommandSpec> entry : commands.entrySet()) {
            CommandSpec command = entry.getValue();
            String page = Files.readString(out.resolve(entry.getKey()), StandardCharsets.UTF_8);
            assertThat(page)
                    .as(entry.getKey())
                    .startsWith(".TH " + troff(command.qualifiedName("-").toUpperCase(java.util.Locale.ROOT)) + " 1 ")
                    .contains(".SH \"NAME\"\n" + troff(command.qualifiedName("-")) + " \\- ")
                    .contains(".SH \"SYNOPSIS\"\n\\fB" + troff(command.qualifiedName()) + "\\fR")
                    .contains(".SH \"EXIT STATUS\"\n");
            String options = section(page, "OPTIONS");
            for (OptionSpec option : command.options()) {
                for (String name : option.names()) {
                    String listed = "\\fB" + troff(name) + "\\fR";
                    if (option.hidden()) {
                        assertThat(page).as(entry.getKey() + " hides " + name).doesNotContain(listed);
                    } else {
                        assertThat(options)
                                .as(entry.getKey() + " lists " + name)
                                .contains(listed);
                    }
                }
            }
            String arguments = section(page, "ARGUMENTS");
            for (PositionalParamSpec parameter : command.positionalParameters()) {
                if (!parameter.hidden()) {
                    assertThat(arguments)
                            .as(entry.getKey() + " argument " + parameter.paramLabel())
                            .contains("\\fI" + troff(parameter.paramLabel()) + "\\fR");
                }
            }
            String subcommandList = section(page, "COMMANDS");
            for (CommandLine subcommand : command.subcommands().values()) {
                CommandSpec sub = subcommand.getCommandSpec();
                String reference = "\\fB" + troff(sub.qualifiedName("-")) + "\\fR(1)";
                if (sub.usageMessage().hidden()) {
                    assertThat(page).as(entry.getKey() + " hides " + sub.name()).doesNotContain(reference);
                } else {
                    assertThat(subcommandList)
                            .as(entry.getKey() + " lists " + sub.name())
                            .contains(".TP\n\\fB" + troff(sub.name()) + "\\fR\n")
                            .contains(reference);
                }
            }
        }
        assertThat(Files.readString(out.resolve("elara-bench.1")))
                .as("the hidden bench peer")
                .doesNotContain("\\fBpeer\\fR", "elara\\-bench\\-peer", "(internal)");
    }

    @Test
    void shouldPrintTheRootPageWithTheVersionWhenNoDirectoryIsGiven() throws IOException {
        Path out = writePages();
        Cli.Result result = Cli.run("man");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(VersionProvider.version()).isNotEqualTo("unknown");
        assertThat(VersionProvider.date()).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}");
        assertThat(result.out())
                .startsWith(".TH ELARA 1 \"" + troff(VersionProvider.date()) + "\" \"elara "
                        + troff(VersionProvider.version()) + "\" \"Elara manual\"\n")
                .isEqualTo(Files.readString(out.resolve("elara.1"), StandardCharsets.UTF_8));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void shouldExplainEveryEnvironmentVariableAPageMentions() throws IOException {
        Path out = writePages();
        Pattern variable = Pattern.compile("\\$(ELARA_[A-Z_]+)");
        for (String name : visibleCommands().keySet()) {
            String page = Files.readString(out.resolve(name), StandardCharsets.UTF_8);
            String environment = section(page, "ENVIRONMENT");
            Matcher mentioned = variable.matcher(page);
            while (mentioned.find()) {
                assertThat(ManPage.ENVIRONMENT)
                        .as(name + " mentions " + mentioned.group())
                        .containsKey(mentioned.group(1));
                assertThat(environment)
                        .as(name + " explains " + mentioned.group())
                        .contains("\\fB" + mentioned.group(1) + "\\fR\n");
            }
        }
        String stun = Files.readString(out.resolve("elara-stun.1"), StandardCharsets.UTF_8);
        assertThat(section(stun, "ENVIRONMENT")).contains("ELARA_TURN_PASSWORD").doesNotContain("ELARA_PASSPHRASE");
        assertThat(section(Files.readString(out.resolve("elara.1"), StandardCharsets.UTF_8), "ENVIRONMENT"))
                .contains(ManPage.ENVIRONMENT.keySet());
    }

    @Test
    void shouldKeepTheExamplesOfAFooterLiteral() throws IOException {
        Path out = writePages();
        String send = section(Files.readString(out.resolve("elara-send.1"), StandardCharsets.UTF_8), "EXAMPLES");
        // The model's printf 'one\ntwo\n': a backslash troff would otherwise read as an escape.
        assertThat(send).contains(".nf\n").contains("printf 'one\\entwo\\en' | elara send \\-c alice.yaml");
        String completion =
                section(Files.readString(out.resolve("elara-completion.1"), StandardCharsets.UTF_8), "EXAMPLES");
        assertThat(completion).contains("\"${fpath[1]}/_elara\"");
    }

    @Test
    void shouldFormatEveryPageWithoutAGroffWarning() throws Exception {
        Groff.require();
        Path out = writePages();
        for (String name : visibleCommands().keySet()) {
            Groff.Run lint = Groff.format(out.resolve(name), "-ww", "-z");
            assertThat(lint.exitCode()).as(name + ": " + lint.err()).isZero();
            assertThat(lint.err()).as(name).isEmpty();
        }
        // Lines long enough that none of the phrases below wraps.
        String send = Groff.plain(
                Groff.format(out.resolve("elara-send.1"), "-rLL=250n").out());
        assertThat(send)
                .contains("elara-send - Send text to a peer or a session and wait for the acknowledgement\n")
                .contains("--passphrase-file=FILE")
                .contains("printf 'one\\ntwo\\n' | elara send -c alice.yaml --to 127.0.0.1:7002");
    }

    @Test
    void shouldRefuseADirectoryItCannotCreateInOneLine() throws IOException {
        Cli.Result proc = Cli.run("man", "--output", "/proc/nope");
        assertThat(proc.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(proc.err()).isEqualTo("elara: cannot create directory /proc/nope: no such file or directory\n");
        assertThat(proc.out()).isEmpty();

        Path file = Files.writeString(directory.resolve("pages"), "not a directory");
        Cli.Result inTheWay = Cli.run("man", "-o", file.toString());
        assertThat(inTheWay.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(inTheWay.err().lines()).hasSize(1);
        assertThat(inTheWay.err())
                .isEqualTo("elara: cannot create directory " + file + ": " + file + " is not a directory\n");
        assertThat(Files.readString(file)).isEqualTo("not a directory");
        assertThat(inTheWay.out()).isEmpty();
    }

    @Test
    void shouldStopAtAPageItCannotWriteInOneLine() throws IOException {
        Path out = Files.createDirectories(directory.resolve("man1"));
        Files.createDirectory(out.resolve("elara-send.1"));
        Cli.Result result = Cli.run("man", "--output", out.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).isEqualTo("elara: cannot write " + out.resolve("elara-send.1") + ": is a directory\n");
        assertThat(result.out().lines())
                .contains(out.resolve("elara.1").toString())
                .noneMatch(line -> line.contains("send"));
    }
}
