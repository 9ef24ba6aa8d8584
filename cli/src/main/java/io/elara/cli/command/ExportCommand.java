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
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
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
        if (output == null) {
            SessionId id = StoredHistory.session(nodeConfig, session);
            PrintWriter out = spec.commandLine().getOut();
            write(nodeConfig, id, session, out);
            out.flush();
            return ExitCode.OK;
        }
        int count;
        try {
            count = export(nodeConfig, session, output);
        } catch (IOException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
        spec.commandLine().getErr().println("exported " + count + " messages of '" + session + "' to " + output);
        return ExitCode.OK;
    }

    /**
     * Writes every stored message of session {@code sessionName} to {@code output} as JSON Lines, through a temporary
     * file beside it that replaces {@code output} only once complete; on any failure nothing is left behind and
     * {@code output} is as it was. Also {@code /export} in {@code elara chat}.
     *
     * @return how many messages it wrote
     * @throws IOException {@code cannot write FILE: why}, in one line: a directory, a directory that does not exist,
     *     permission denied, a full disk
     * @throws ElaraUserException when the session or the database cannot be read
     */
    static int export(NodeConfig nodeConfig, String sessionName, Path output) throws IOException {
        SessionId id = StoredHistory.session(nodeConfig, sessionName);
        Path absolute = output.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + output + ": it is a directory");
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot write " + output + ": there is no directory " + parent);
        }
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".partial");
        boolean moved = false;
        try {
            int count;
            try (Writer file = new BufferedWriter(
                    new OutputStreamWriter(Files.newOutputStream(temporary), StandardCharsets.UTF_8))) {
                count = write(nodeConfig, id, sessionName, file);
            }
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            return count;
        } catch (UncheckedIOException e) {
            throw new IOException("cannot write " + output + ": " + reason(e.getCause()), e.getCause());
        } catch (IOException e) {
            throw new IOException("cannot write " + output + ": " + reason(e), e);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Why a file operation failed, without the file names the caller already gives. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int write(NodeConfig nodeConfig, SessionId id, String sessionName, Writer out) {
        int[] count = {0};
        StoredHistory.read(nodeConfig, id, 0, 0, event -> {
            try {
                out.write(ControlJson.MAPPER.writeValueAsString(StoredHistory.json(event, sessionName)));
                out.write('\n');
                count[0]++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return count[0];
    }
}
