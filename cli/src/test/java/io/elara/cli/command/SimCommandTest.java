package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code elara sim} in-process: reproducible output, and usage errors on one line with exit code 2. */
class SimCommandTest {
    @TempDir
    Path directory;

    @Test
    void shouldPrintByteIdenticalOutputWhenRunTwiceWithTheSameSeed() {
        Cli.Result first = Cli.run("sim", "--nodes", "6", "--seed", "9", "--duration", "5s", "--loss", "0.05");
        Cli.Result second = Cli.run("sim", "--nodes", "6", "--seed", "9", "--duration", "5s", "--loss", "0.05");
        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCode.OK);
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(first.out())
                .startsWith("simulated 6 nodes in 1 session(s) for 5s of traffic (seed 9)\n")
                .contains("no acknowledged event lost")
                .doesNotContain("FAILED");
        Cli.Result json = Cli.run("sim", "--nodes", "6", "--seed", "9", "--duration", "5s", "--json");
        assertThat(json.out()).startsWith("{\"seed\":9,\"nodes\":6,").endsWith("}\n");
        assertThat(Cli.run("sim", "--nodes", "6", "--seed", "9", "--duration", "5s", "--json")
                        .out())
                .isEqualTo(json.out());
    }

    @Test
    void shouldSweepRandomScenariosSeedBySeedAndReplayOneFromItsSeedAlone() {
        // The small sweep CI runs on every change (scripts/sim-sweep runs long ones): five seeds of random scenarios,
        // each with its line, none failing; one seed replayed alone prints the same scenario and passes again.
        Cli.Result sweep = Cli.run("sim", "--random", "--sweep", "5", "--seed", "40");
        assertThat(sweep.exitCode()).as(sweep.out() + sweep.err()).isEqualTo(ExitCode.OK);
        assertThat(sweep.out().lines().filter(line -> line.matches("seed 4[0-4]: \\d+ nodes, .*: ok")))
                .hasSize(5);
        assertThat(sweep.out()).contains("sweep: 5 seeds from 40, ").contains(", 0 failed");
        String scenario = sweep.out()
                .lines()
                .filter(line -> line.startsWith("seed 42: "))
                .findFirst()
                .orElseThrow();
        Cli.Result alone = Cli.run("sim", "--random", "--seed", "42");
        assertThat(alone.exitCode()).as(alone.err()).isEqualTo(ExitCode.OK);
        assertThat(alone.out())
                .startsWith("scenario: " + scenario.substring("seed 42: ".length(), scenario.lastIndexOf(": ok")));

        assertThat(Cli.run("sim", "--sweep", "5").err())
                .isEqualTo("elara: --sweep runs random scenarios: add --random\n");
        Cli.Result mixed = Cli.run("sim", "--random", "--nodes", "5");
        assertThat(mixed.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(mixed.err()).startsWith("elara: --random makes the whole scenario from the seed");
    }

    @Test
    void shouldRunAScenarioFileWhenItIsGiven() throws Exception {
        Path file = directory.resolve("crash.yaml");
        Files.writeString(
                file,
                "nodes: 4\nduration: 5s\ncrashes:\n  - {at: 1s, node: 3, restart-after: 1s}\n",
                StandardCharsets.UTF_8);
        Cli.Result result = Cli.run("sim", "--seed", "2", "--scenario", file.toString());
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(ExitCode.OK);
        assertThat(result.out()).contains("faults: 0 partitions, 1 crashes, 1 restarts");
    }

    @Test
    void shouldExitWithTwoAndOneLineWhenTheScenarioFileIsBad() throws Exception {
        Path file = directory.resolve("bad.yaml");
        Files.writeString(file, "nodes: 4\ncrashes:\n  - {at: 1s, node: 9}\n", StandardCharsets.UTF_8);
        Cli.Result result = Cli.run("sim", "--scenario", file.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .isEqualTo("elara: " + file + ":3:14: crashes[0].node: node 9 does not exist (nodes are 0..3)\n");
    }

    @Test
    void shouldExitWithTwoWhenTheDurationIsBad() {
        Cli.Result result = Cli.run("sim", "--duration", "forever");
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err())
                .isEqualTo("elara: --duration: 'forever' is not a duration (write e.g. 500ms, 60s or 2m)\n");
    }
}
