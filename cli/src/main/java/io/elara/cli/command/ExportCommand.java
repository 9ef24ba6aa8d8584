package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlJson;
import io.elara.node.event.SessionId;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara export}: a session's stored messages as JSON Lines. */
@Command(
        name = "export",
        description = {
            "Write every stored message of a session as JSON Lines (one object per line), oldest first.",
            "Reads the data directory's database; works whether or not the node runs."
        },
        footer = {
            "",
            "Examples:",
            "  elara export -c bob.yaml lobby > lobby.jsonl",
            "  elara export -c bob.yaml lobby -o lobby.jsonl"
        })
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "SESSION", description = "a configured session, or 'direct'")
    String session;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "write to FILE (replaced whole, only once complete) instead of standard output")
    Path output;

    @Override
    public Integer call() throws IOException {
        NodeConfig nodeConfig = config.load();
        SessionId id = StoredHistory.session(nodeConfig, session);
        int[] count = {0};
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            write(nodeConfig, id, out, count);
            out.flush();
            return ExitCode.OK;
        }
        Path absolute = output.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try (Writer file =
                new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(temporary), StandardCharsets.UTF_8))) {
            write(nodeConfig, id, file, count);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            if (e instanceof IOException io) {
                throw new ElaraUserException(ExitCode.FAILURE, "cannot write " + output + ": " + io.getMessage(), io);
            }
            throw e;
        }
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        spec.commandLine().getErr().println("exported " + count[0] + " messages of '" + session + "' to " + output);
        return ExitCode.OK;
    }

    private void write(NodeConfig nodeConfig, SessionId id, Writer out, int[] count) {
        StoredHistory.read(nodeConfig, id, 0, 0, event -> {
            try {
                out.write(ControlJson.MAPPER.writeValueAsString(StoredHistory.json(event, session)));
                out.write('\n');
                count[0]++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
