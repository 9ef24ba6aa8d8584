package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChatCommandTest {
    @Test
    void shouldReadTheAwayTimeAsOtherCommandsReadDurationsWithZeroForNever() {
        assertThat(ChatCommand.awayAfterNs("5m")).isEqualTo(TimeUnit.MINUTES.toNanos(5));
        assertThat(ChatCommand.awayAfterNs("2s")).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(ChatCommand.awayAfterNs("0")).isZero();
        assertThat(ChatCommand.awayAfterNs("0s")).isZero();
    }

    @Test
    void shouldRefuseAnAwayTimeThatIsNotADurationInOneLineBeforeTouchingTheNode() {
        Cli.Result result = Cli.run("chat", "--away-after", "soon", "-c", "/nonexistent/elara.yaml");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err().strip())
                .isEqualTo("elara: --away-after: 'soon' is not a duration (write e.g. 30s, 5m or 1h, or 0 for never)");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void shouldRefuseAVoiceSourceThatIsNotAWavWeReadInOneLineBeforeTouchingTheNode() {
        Cli.Result result =
                Cli.run("chat", "--voice-source", "/nonexistent/hello.wav", "-c", "/nonexistent/elara.yaml");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err().strip()).isEqualTo("elara: --voice-source: /nonexistent/hello.wav: no such file");
        assertThat(result.out()).isEmpty();
        Cli.Result tone = Cli.run("chat", "--voice-source", "tone:high", "-c", "/nonexistent/elara.yaml");
        assertThat(tone.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(tone.err().strip())
                .isEqualTo("elara: --voice-source: 'tone:high' is not a tone (write tone:HZ, HZ from 20 to 20000)");
    }
}
