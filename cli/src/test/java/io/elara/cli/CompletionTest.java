package io.elara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionTest {
    @Test
    void shouldPrintABashScriptThatBashAcceptsAndThatKnowsTheCommands(@TempDir Path dir) throws Exception {
        Cli.Result bash = Cli.run("completion", "bash");
        assertThat(bash.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(bash.out())
                .contains("complete -F")
                .contains("chat")
                .contains("--session")
                .contains("status");
        Path script = dir.resolve("elara.bash");
        Files.writeString(script, bash.out(), StandardCharsets.UTF_8);
        Process check = new ProcessBuilder("bash", "-n", script.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(output).isZero();
    }

    @Test
    void shouldWrapItForZshAndRefuseOtherShellsInOneLine() {
        Cli.Result zsh = Cli.run("completion", "zsh");
        assertThat(zsh.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(zsh.out())
                .startsWith("autoload -U +X compinit && compinit\n")
                .contains("bashcompinit");
        Cli.Result fish = Cli.run("completion", "fish");
        assertThat(fish.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(fish.err()).isEqualTo("elara: no completion for shell 'fish' (bash or zsh)\n");
    }

    @Test
    void shouldShowZshsOwnVariableInTheHelpsExample() {
        // picocli reads ${...} in help texts as its own variables; an unknown one printed as "null".
        Cli.Result help = Cli.run("completion", "--help");
        assertThat(help.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(help.out())
                .contains("elara completion zsh > \"${fpath[1]}/_elara\"")
                .doesNotContain("null");
    }
}
