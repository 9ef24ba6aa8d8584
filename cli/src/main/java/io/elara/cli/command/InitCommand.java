package io.elara.cli.command;

import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFileException;
import io.elara.node.config.Addresses;
import io.elara.node.config.Names;
import io.elara.node.store.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code elara init}: a new data directory with a config file and a new identity. */
@Command(
        name = "init",
        description = "Create a data directory with a config file (elara.yaml) and a new node identity.",
        footer = {
            "",
            "The identity key is sealed with a passphrase (asked twice, or from $ELARA_PASSPHRASE or",
            "--passphrase-file); --no-passphrase leaves it unprotected for headless peers.",
            "",
            "Example:",
            "  elara init ~/.elara --name alice --port 7460"
        })
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            description = "the data directory to create (default: $ELARA_HOME, else ~/.elara)")
    Path directory;

    @Option(names = "--name", description = "the node's name, shown to peers (default: your user name)")
    String name;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            defaultValue = "0.0.0.0",
            description = "UDP address to listen on (default: ${DEFAULT-VALUE}, every interface)")
    String bind;

    @Option(
            names = "--port",
            defaultValue = "7460",
            description = "UDP port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Mixin
    PassphraseOptions passphrase;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DataDirectory data = new DataDirectory(directory != null ? directory : ConfigOption.home());
        String nodeName = name != null ? name : defaultName();
        String problem = Names.problem(nodeName);
        if (problem != null) {
            throw new ElaraUserException(ExitCode.USAGE, "--name: " + problem);
        }
        if (port < 0 || port > 65535) {
            throw new ElaraUserException(ExitCode.USAGE, "--port: " + port + " is out of range (0..65535)");
        }
        try {
            Addresses.host(bind, true);
        } catch (IllegalArgumentException e) {
            throw new ElaraUserException(ExitCode.USAGE, "--bind: " + e.getMessage(), e);
        }
        for (Path existing : new Path[] {data.configFile(), data.identityFile()}) {
            if (Files.exists(existing)) {
                throw new ElaraUserException(
                        ExitCode.FAILURE,
                        data.root() + " is already initialized (" + existing.getFileName()
                                + " exists); choose another directory or remove it first");
            }
        }
        Identity identity = Identity.generate(new SecureRandom());
        try {
            data.create();
            passphrase.create(data.identityFile(), identity, spec.commandLine().getErr());
            Files.writeString(
                    data.configFile(),
                    template(nodeName),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new ElaraUserException(
                    ExitCode.FAILURE, e.getFile() + " appeared while initializing; not touched", e);
        } catch (IOException | KeyFileException e) {
            throw new ElaraUserException(
                    ExitCode.FAILURE, "cannot initialize " + data.root() + ": " + e.getMessage(), e);
        }
        out.println("Initialized node '" + nodeName + "' in " + data.root());
        out.println("  id:     " + identity.nodeId());
        out.println("  config: " + data.configFile());
        out.println("Start it with: elara run -c " + data.configFile());
        return ExitCode.OK;
    }

    private String template(String nodeName) {
        return String.format(Locale.ROOT, """
                # Elara node config; every key is described in README.md, section "Configuration".
                name: %s
                # data-dir: .             # identity, lock and control socket (relative to this file)
                bind:
                  address: %s
                  port: %d
                # peers:
                #   - name: bob
                #     address: 192.0.2.10:7460
                # sessions:
                #   - name: lobby
                #     members: [bob]
                # limits:
                #   peers-max: 64
                #   send-queue-max: 4096
                #   text-bytes-max: 1024
                #   delivery-timeout-ms: 30000
                #   subscribers-max: 16
                """, nodeName, bind, port);
    }

    private static String defaultName() {
        String user = System.getProperty("user.name", "node").replaceAll("[^A-Za-z0-9._-]", "");
        user = user.replaceFirst("^[._-]+", "");
        if (user.isEmpty()) {
            return "node";
        }
        return user.length() > 32 ? user.substring(0, 32).toLowerCase(Locale.ROOT) : user.toLowerCase(Locale.ROOT);
    }
}
