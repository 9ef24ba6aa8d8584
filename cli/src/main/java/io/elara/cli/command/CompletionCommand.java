package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara completion bash|zsh}: a shell completion script generated from the command model. */
@Command(
        name = "completion",
        description = {
            "Print a completion script for bash or zsh, generated from elara's own commands and options, so Tab"
                    + " completes them."
        },
        footer = {
            "",
            "Examples:",
            "  source <(elara completion bash)                 # this shell",
            "  elara completion bash > /etc/bash_completion.d/elara",
            // "$$" keeps zsh's ${fpath[1]} from picocli, which would look it up as a variable of its own.
            "  elara completion zsh > \"$${fpath[1]}/_elara\"   # or: source <(elara completion zsh) in ~/.zshrc"
        })
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash("elara", root);
        switch (shell) {
            case "bash" -> spec.commandLine().getOut().print(script);
            case "zsh" -> {
                // picocli's script runs in zsh through its bash-completion emulation.
                spec.commandLine().getOut().println("autoload -U +X compinit && compinit");
                spec.commandLine().getOut().println("autoload -U +X bashcompinit && bashcompinit");
                spec.commandLine().getOut().print(script);
            }
            default ->
                throw new ElaraUserException(ExitCode.USAGE, "no completion for shell '" + shell + "' (bash or zsh)");
        }
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
