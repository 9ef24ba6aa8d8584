package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import org.junit.jupiter.api.Test;

/** {@code elara bench voice}: the figures it reports, and its refusals. No figure is judged here (benchmarks are). */
class BenchVoiceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReportEncodeCostPerRungAndHowManyStreamsOneCoreTakes() throws Exception {
        Cli.Result result = Cli.run("bench", "voice", "--frames", "100", "--streams", "3", "--json");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
        JsonNode figures = JSON.readTree(result.out());
        assertThat(figures.path("encodeUsPerFrame").properties())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactly("32000", "24000", "16000", "8000");
        figures.path("encodeUsPerFrame").forEach(us -> assertThat(us.asDouble()).isPositive());
        double receiveUs = figures.path("receiveUsPerStreamFrame").asDouble();
        assertThat(receiveUs).isPositive();
        assertThat(figures.path("streamsPerCore").asLong()).isEqualTo((long) Math.floor(20_000 / receiveUs));
        assertThat(figures.path("streamsMeasured").asInt()).isEqualTo(3);
    }

    @Test
    void shouldRefuseOutOfRangeOptionsInOneLine() {
        Cli.Result result = Cli.run("bench", "voice", "--streams", "0");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err().strip()).isEqualTo("elara: --frames is 50 to 1000000 and --streams 1 to 1000");
    }
}
