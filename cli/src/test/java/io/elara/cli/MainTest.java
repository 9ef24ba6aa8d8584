package io.elara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void shouldPrintTheSameVersionLineOnTheFastPathAsPicocli() {
        StringWriter picocli = new StringWriter();
        new CommandLine(new ElaraCommand()).printVersionHelp(new PrintWriter(picocli, true));
        for (String flag : new String[] {"--version", "-V"}) {
            Cli.Result result = Cli.run(flag);
            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).isEqualTo(picocli.toString()).startsWith("elara 0.1.0");
        }
    }

    @Test
    void shouldListEveryCommandInHelp() {
        Cli.Result result = Cli.run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("demo", "init", "id", "run", "send", "tail", "status", "Exit codes");
    }

    @Test
    void shouldAnswerHelpOnEverySubcommandAsTheUsageErrorsPromise() {
        // A usage error says "see 'elara send --help'": that must work, on nested commands too.
        for (String[] command : new String[][] {{"send"}, {"bench", "throughput"}, {"session", "create"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Cli.Result help = Cli.run(args);
            assertThat(help.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).startsWith("Usage: elara " + String.join(" ", command));
            assertThat(help.err()).isEmpty();
        }
    }

    @Test
    void shouldExplainInOneLineWhenUsageIsWrong() {
        Cli.Result none = Cli.run();
        assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).isEqualTo("elara: missing command (see 'elara --help')\n");

        Cli.Result unknown = Cli.run("send", "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err().lines()).hasSize(1);
        assertThat(unknown.err()).startsWith("elara: ").contains("--bogus").endsWith("(see 'elara send --help')\n");

        Cli.Result noTarget = Cli.run("send", "hello");
        assertThat(noTarget.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noTarget.err()).contains("--to").contains("--session");
    }
}
