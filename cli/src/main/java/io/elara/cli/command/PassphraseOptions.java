package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.cli.terminal.Terminals;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFile;
import io.elara.crypto.identity.KeyFileException;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Where the identity's passphrase comes from, in this order: {@code --passphrase-file FILE} (its first line), the
 * environment variable {@value #ENVIRONMENT}, a prompt when a terminal is attached. {@code --no-passphrase} creates an
 * unprotected key (headless peers); it never weakens an existing one.
 */
@SuppressWarnings("SystemConsoleNull") // Terminals.interactive() decides first, on every Java version
public final class PassphraseOptions {
    /** The environment variable a passphrase may come from. */
    public static final String ENVIRONMENT = "ELARA_PASSPHRASE";

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "read the identity's passphrase from the first line of FILE (else $" + ENVIRONMENT
                    + ", else a prompt)")
    Path passphraseFile;

    @Option(
            names = "--no-passphrase",
            description = "create the identity key without a passphrase (for headless peers; the file is mode 0600)")
    boolean noPassphrase;

    /** The source for opening an existing key; asks only if the key is protected. */
    public KeyFile.PassphraseSource source(Path keyFile) {
        return () -> {
            char[] passphrase = given(ENVIRONMENT);
            if (passphrase != null) {
                return passphrase;
            }
            Console console = Terminals.interactive() ? System.console() : null;
            if (console == null) {
                throw new KeyFileException("identity key file " + keyFile + " is protected by a passphrase; give it"
                        + " with " + ENVIRONMENT + " or --passphrase-file FILE (no terminal to ask on)");
            }
            char[] typed = console.readPassword("Passphrase for %s: ", keyFile);
            if (typed == null) {
                throw new KeyFileException("no passphrase given for identity key file " + keyFile);
            }
            return typed;
        };
    }

    /**
     * Creates a new key file for {@code identity}: protected with the given or prompted passphrase, or unprotected
     * with {@code --no-passphrase}; with neither, a one-line error that says how.
     */
    public void create(Path keyFile, Identity identity, PrintWriter err) throws KeyFileException {
        if (noPassphrase) {
            if (passphraseFile != null) {
                throw new ElaraUserException(
                        ExitCode.USAGE, "--no-passphrase and --passphrase-file contradict each other; choose one");
            }
            KeyFile.create(keyFile, identity);
            return;
        }
        char[] passphrase = newPassphrase(keyFile, err);
        try {
            KeyFile.create(keyFile, identity, passphrase, KeyFile.DEFAULT_COST, new SecureRandom());
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** A passphrase for a new key: given, or typed twice at a prompt. */
    char[] newPassphrase(Path keyFile, PrintWriter err) throws KeyFileException {
        return newPassphrase(keyFile, err, ENVIRONMENT);
    }

    /** Like {@link #newPassphrase(Path, PrintWriter)}, with the environment variable named {@code environment}. */
    char[] newPassphrase(Path keyFile, PrintWriter err, String environment) throws KeyFileException {
        char[] passphrase = given(environment);
        if (passphrase != null) {
            return passphrase;
        }
        Console console = Terminals.interactive() ? System.console() : null;
        if (console == null) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    "no passphrase for the new identity key " + keyFile + ": set " + environment
                            + ", use --passphrase-file FILE, or --no-passphrase for a headless peer");
        }
        err.flush();
        char[] first = console.readPassword("New passphrase for %s: ", keyFile);
        char[] second = first == null ? null : console.readPassword("Repeat it: ");
        if (first == null || second == null || first.length == 0) {
            throw new KeyFileException("no passphrase given; nothing was written");
        }
        try {
            if (!Arrays.equals(first, second)) {
                throw new KeyFileException("the two passphrases differ; nothing was written");
            }
        } finally {
            Arrays.fill(second, '\0');
        }
        return first;
    }

    /** From the file or the environment, or null. An empty one is an error: it would protect nothing. */
    private char[] given(String variable) throws KeyFileException {
        if (passphraseFile != null) {
            String text;
            try {
                text = Files.readString(passphraseFile, StandardCharsets.UTF_8);
            } catch (MalformedInputException e) {
                throw new KeyFileException("passphrase file " + passphraseFile + " is not UTF-8 text", e);
            } catch (IOException e) {
                throw new KeyFileException("cannot read passphrase file " + passphraseFile + ": " + e.getMessage(), e);
            }
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new KeyFileException("passphrase file " + passphraseFile + " is empty");
            }
            return line.toCharArray();
        }
        String environment = System.getenv(variable);
        if (environment != null) {
            if (environment.isEmpty()) {
                throw new KeyFileException(variable + " is set but empty");
            }
            return environment.toCharArray();
        }
        return null;
    }
}
