package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import io.elara.testing.vectors.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code elara bench crdt}: the real traces match, a wrong endContent fails, and bad files are one line, exit 2. */
class BenchCrdtCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void shouldMatchEndContentAndReportFiguresWhenReplayingTheSharedTrace() throws Exception {
        Path trace = SharedData.file("traces/sveltecomponent.json.gz");
        Cli.Result result = Cli.run("bench", "crdt", trace.toString(), "--runs", "1", "--json");
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.OK);
        JsonNode line = JSON.readTree(result.out());
        assertThat(line.path("trace").asText()).isEqualTo("sveltecomponent.json.gz");
        assertThat(line.path("matched").asBoolean()).isTrue();
        assertThat(line.path("patches").asLong()).isEqualTo(19_749);
        assertThat(line.path("updateBytes").asLong()).isPositive();
        assertThat(line.path("snapshotBytes").asLong()).isPositive();
        assertThat(line.path("localReplayMs").asDouble()).isPositive();
    }

    @Test
    void shouldExitWithOneWhenTheResultDiffersFromEndContent() throws Exception {
        Path trace = trace("{\"startContent\":\"\",\"endContent\":\"hello!\",\"txns\":["
                + "{\"patches\":[[0,0,\"hello\"]]},{\"patches\":[[1,1,\"a\"]]}]}");
        Cli.Result result = Cli.run("bench", "crdt", trace.toString(), "--runs", "1");
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.out()).startsWith("edited.json.gz: DID NOT MATCH endContent;");
    }

    @Test
    void shouldExitWithTwoAndOneLineWhenTheFileIsMissingOrNotATrace() throws Exception {
        Cli.Result missing =
                Cli.run("bench", "crdt", directory.resolve("nope.json.gz").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).isEqualTo("elara: trace file not found: " + directory.resolve("nope.json.gz") + "\n");

        Path plain = directory.resolve("plain.json.gz");
        Files.writeString(plain, "not gzip", StandardCharsets.UTF_8);
        Cli.Result notGzip = Cli.run("bench", "crdt", plain.toString());
        assertThat(notGzip.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(notGzip.err())
                .startsWith("elara: " + plain + ": not a gzipped JSON editing trace")
                .endsWith("\n");
        assertThat(notGzip.err().lines()).hasSize(1);

        Cli.Result badPatch = Cli.run(
                "bench",
                "crdt",
                trace("{\"endContent\":\"\",\"txns\":[{\"patches\":[[0,\"x\"]]}]}")
                        .toString());
        assertThat(badPatch.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badPatch.err())
                .isEqualTo("elara: " + directory.resolve("edited.json.gz")
                        + ": transaction 0, patch 0 is not [pos, deleted, text]\n");

        Cli.Result outside = Cli.run(
                "bench",
                "crdt",
                trace("{\"endContent\":\"\",\"txns\":[{\"patches\":[[3,0,\"x\"]]}]}")
                        .toString());
        assertThat(outside.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(outside.err())
                .isEqualTo("elara: edited.json.gz: transaction 0, patch 0 reaches past the document (0 characters)\n");
    }

    private Path trace(String json) throws IOException {
        Path file = directory.resolve("edited.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
