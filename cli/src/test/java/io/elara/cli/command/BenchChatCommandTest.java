package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code elara bench chat} refuses a bad option with one line and exit 2, before starting anything. */
class BenchChatCommandTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--messages|0|elara: --messages must be 1 to 100000, got 0",
                "--messages|100001|elara: --messages must be 1 to 100000, got 100001",
                "--warmup|-1|elara: --warmup must be 0 to 100000, got -1",
                "--interval|2m|elara: --interval must be 0ms to 60s, got 2m",
                "--interval|fast|elara: --interval: 'fast' is not a duration (write e.g. 500ms, 60s or 2m)"
            })
    void shouldExitTwoWithOneLineWhenAnOptionIsOutOfRange(String option, String value, String message) {
        long childrenBefore = ProcessHandle.current().children().count();
        Cli.Result result = Cli.run("bench", "chat", option, value);
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).isEqualTo(message + "\n");
        assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
    }
}
