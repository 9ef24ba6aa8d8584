package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.VersionProvider;
import io.elara.cli.output.ManPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara man [--output DIR]}: manual pages generated from the command model. */
@Command(
        name = "man",
        description = {
            "Print elara's manual page, generated from its own commands and options (troff with the man(7) macros).",
            "With --output DIR, write one page per command (elara.1, elara-send.1, elara-session-create.1, ...) into"
                    + " DIR and print each file's path."
        },
        footer = {
            "",
            "Examples:",
            "  elara man | man -l -",
            "  elara man --output ~/.local/share/man/man1    # then: man elara-send"
        })
public final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "write every command's page into DIR (created if missing), replacing pages already there")
    Path output;

    @Override
    public Integer call() {
        CommandSpec root = spec.root();
        String version = VersionProvider.version();
        String date = VersionProvider.date();
        PrintWriter out = spec.commandLine().getOut();
        if (output == null) {
            out.print(ManPage.render(root, version, date));
            out.flush();
            return ExitCode.OK;
        }
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new ElaraUserException(ExitCode.FAILURE, "cannot create directory " + output + ": " + reason(e), e);
        }
        for (CommandSpec command : ManPage.commands(root)) {
            Path file = output.resolve(ManPage.fileName(command));
            try {
                Files.writeString(file, ManPage.render(command, version, date), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ElaraUserException(ExitCode.FAILURE, "cannot write " + file + ": " + reason(e), e);
            }
            out.println(file);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** What went wrong, in words: the exceptions of java.nio.file name only the path. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException already) {
            return already.getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException system && system.getReason() != null) {
            return system.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return String.valueOf(e.getMessage());
    }
}
