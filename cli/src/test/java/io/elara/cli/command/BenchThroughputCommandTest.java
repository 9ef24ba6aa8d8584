package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code elara bench throughput} refuses bad options with one line and exit 2, before starting anything. (Real runs,
 * with their child process, are in {@code BenchSystemTest}.)
 */
class BenchThroughputCommandTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--size     | 0     | elara: --size must be 32 to 1024 bytes (an event carries its sequence number"
                        + " and send time), got 0",
                "--size     | 1025  | elara: --size must be 32 to 1024 bytes (an event carries its sequence number"
                        + " and send time), got 1025",
                "--duration | abc   | elara: --duration: 'abc' is not a duration (write e.g. 500ms, 60s or 2m)",
                "--duration | 10    | elara: --duration: '10' has no known unit (use ns, us, ms, s, m or h, as in 500ms or 60s)",
                "--duration | 50ms  | elara: --duration must be at least 100ms, got 50ms",
                "--duration | 2h    | elara: --duration must be at most 1h, got 2h",
                "--warmup   | soon  | elara: --warmup: 'soon' is not a duration (write e.g. 500ms, 60s or 2m)",
                "--loss     | 150   | elara: --loss must be 0 to 50 percent, got 150.0",
                "--loss     | -1    | elara: --loss must be 0 to 50 percent, got -1.0",
            })
    void shouldExitTwoWithOneLineAndStartNothingWhenAnOptionIsBad(String option, String value, String message) {
        long childrenBefore = ProcessHandle.current().children().count();
        Cli.Result result = Cli.run("bench", "throughput", option, value);
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).isEqualTo(message + "\n");
        assertThat(result.out()).isEmpty();
        assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
    }

    @Test
    void shouldExitTwoPointingAtHelpWhenANumberIsNotANumber() {
        Cli.Result result = Cli.run("bench", "throughput", "--size", "big");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err())
                .startsWith("elara: Invalid value for option '--size'")
                .endsWith("\n");
        assertThat(result.err().lines()).hasSize(1);
    }

    @Test
    void shouldListThroughputAndLatencyButNotTheInternalPeerWhenAskedForHelp() {
        Cli.Result result = Cli.run("help", "bench");
        assertThat(result.out()).contains("throughput", "latency", "crdt").doesNotContain("peer");
    }
}
