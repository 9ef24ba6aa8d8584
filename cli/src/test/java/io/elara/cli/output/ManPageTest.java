package io.elara.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Groff;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The renderer on commands built here, with the texts troff would misread. */
class ManPageTest {
    /** A command whose texts hold a backslash, lines starting with a dot and a quote, and option names. */
    private static CommandSpec awkward() {
        CommandSpec command = CommandSpec.create().name("tool");
        command.usageMessage()
                .description(
                        "Reads C:\\temp\\new.txt; --dry-run changes nothing.",
                        ".hidden files are skipped",
                        "'quoted' lines are kept",
                        "Costs 3 \u00b5s per line.");
        command.addOption(OptionSpec.builder("-n", "--dry-run")
                .description(".profile is read, and \\n is not a newline")
                .build());
        return command;
    }

    @Test
    void shouldEscapeBackslashesLeadingDotsAndQuotesHyphensAndOtherCharacters() {
        String page = ManPage.render(awkward(), "1.0", "2026-01-01");
        assertThat(page.lines())
                .contains(
                        "Reads C:\\etemp\\enew.txt; \\-\\-dry\\-run changes nothing.",
                        "\\&.hidden files are skipped",
                        "\\&'quoted' lines are kept",
                        "Costs 3 \\[u00B5]s per line.",
                        "\\fB\\-n\\fR, \\fB\\-\\-dry\\-run\\fR",
                        "\\&.profile is read, and \\en is not a newline")
                .noneMatch(line -> line.startsWith(".hidden") || line.startsWith(".profile"))
                .noneMatch(line -> line.startsWith("'"));
        assertThat(page).startsWith(".TH TOOL 1 \"2026\\-01\\-01\" \"elara 1.0\" \"Elara manual\"\n");
        assertThat(ManPage.escape("a\tb\u0007c")).isEqualTo("a bc");
    }

    @Test
    void shouldShowTheEscapedTextLiterallyWhenGroffFormatsIt(@TempDir Path directory) throws Exception {
        Groff.require();
        Path file = directory.resolve("tool.1");
        Files.writeString(file, ManPage.render(awkward(), "1.0", "2026-01-01"), StandardCharsets.UTF_8);
        Groff.Run lint = Groff.format(file, "-ww", "-z");
        assertThat(lint.err()).isEmpty();
        // groff prints \- as an ASCII hyphen on Debian; some builds print a minus sign, which is the same key to type.
        String text = Groff.plain(Groff.format(file, "-rLL=250n").out()).replace('\u2212', '-');
        assertThat(text)
                .contains("Reads C:\\temp\\new.txt; --dry-run changes nothing.")
                .contains(".hidden files are skipped")
                .contains("'quoted' lines are kept")
                .contains("Costs 3 \u00b5s per line.")
                .contains("-n, --dry-run")
                .contains(".profile is read, and \\n is not a newline");
    }

    @Test
    void shouldShowADefaultOnlyWhereTheUsageHelpWould() {
        CommandSpec command = CommandSpec.create().name("tool");
        command.addOption(OptionSpec.builder("--rate")
                .type(int.class)
                .paramLabel("N")
                .defaultValue("5")
                .showDefaultValue(Visibility.ALWAYS)
                .description("events per second")
                .build());
        command.addOption(OptionSpec.builder("--size")
                .type(int.class)
                .paramLabel("BYTES")
                .defaultValue("64")
                .description("bytes per event")
                .build());
        command.addOption(OptionSpec.builder("--quiet")
                .type(boolean.class)
                .description("print nothing")
                .build());
        String page = ManPage.render(command, "1.0", "2026-01-01");
        assertThat(page)
                .contains("\\fB\\-\\-rate\\fR=\\fIN\\fR\nevents per second\nDefault: 5.\n")
                .contains("\\fB\\-\\-size\\fR=\\fIBYTES\\fR\nbytes per event\n")
                .doesNotContain("Default: 64")
                .doesNotContain("Default: false");

        command.usageMessage().showDefaultValues(true);
        assertThat(ManPage.render(command, "1.0", "2026-01-01"))
                .contains("bytes per event\nDefault: 64.\n")
                .doesNotContain("Default: false");
    }
}
