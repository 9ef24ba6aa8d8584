package io.elara.cli;

import io.elara.cli.command.BenchCommand;
import io.elara.cli.command.ChatCommand;
import io.elara.cli.command.CompletionCommand;
import io.elara.cli.command.DemoCommand;
import io.elara.cli.command.ExportCommand;
import io.elara.cli.command.HistoryCommand;
import io.elara.cli.command.IdCommand;
import io.elara.cli.command.InitCommand;
import io.elara.cli.command.InviteCommand;
import io.elara.cli.command.JoinCommand;
import io.elara.cli.command.KeyCommand;
import io.elara.cli.command.LiveCommand;
import io.elara.cli.command.ManCommand;
import io.elara.cli.command.PipelineCommand;
import io.elara.cli.command.PresenceCommand;
import io.elara.cli.command.RunCommand;
import io.elara.cli.command.SendCommand;
import io.elara.cli.command.SessionCommand;
import io.elara.cli.command.SimCommand;
import io.elara.cli.command.StatusCommand;
import io.elara.cli.command.StunCommand;
import io.elara.cli.command.TailCommand;
import io.elara.cli.command.VisualCommand;
import io.elara.cli.command.VoiceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code elara} command. */
@Command(
        name = "elara",
        mixinStandardHelpOptions = true,
        // --help and --version on every subcommand too: "elara send --help" is what a user tries first.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = {
            "Elara: peer-to-peer realtime communication over UDP.",
            "",
            "Start with 'elara demo' to see three nodes talk on this machine."
        },
        subcommands = {
            DemoCommand.class,
            InitCommand.class,
            IdCommand.class,
            KeyCommand.class,
            RunCommand.class,
            ChatCommand.class,
            SendCommand.class,
            TailCommand.class,
            StatusCommand.class,
            SessionCommand.class,
            PresenceCommand.class,
            VoiceCommand.class,
            VisualCommand.class,
            LiveCommand.class,
            InviteCommand.class,
            JoinCommand.class,
            StunCommand.class,
            HistoryCommand.class,
            ExportCommand.class,
            SimCommand.class,
            PipelineCommand.class,
            BenchCommand.class,
            CompletionCommand.class,
            ManCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage or configuration error."})
public final class ElaraCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
