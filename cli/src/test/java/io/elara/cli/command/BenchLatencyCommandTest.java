package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code elara bench latency} refuses a rate out of range with one line and exit 2, before starting anything. */
class BenchLatencyCommandTest {
    @ParameterizedTest(name = "--rate {0}")
    @CsvSource({"-1", "0", "1000001"})
    void shouldExitTwoWithOneLineWhenTheLatencyRateIsOutOfRange(String rate) {
        long childrenBefore = ProcessHandle.current().children().count();
        Cli.Result result = Cli.run("bench", "latency", "--rate", rate);
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).isEqualTo("elara: --rate must be 1 to 1000000 events per second, got " + rate + "\n");
        assertThat(ProcessHandle.current().children().count()).isEqualTo(childrenBefore);
    }
}
