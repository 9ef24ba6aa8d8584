package io.elara.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFile;
import io.elara.crypto.identity.KeyFileException;
import io.elara.node.config.ConfigException;
import io.elara.node.config.ConfigLoader;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlClient;
import io.elara.node.store.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c/--config} option shared by commands that act for a node, and loading what it points to. */
public final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "the node's config file (default: $ELARA_CONFIG, else $ELARA_HOME/elara.yaml, else"
                    + " ~/.elara/elara.yaml)")
    Path file;

    /** The config file in use. */
    public Path path() {
        if (file != null) {
            return file;
        }
        String fromEnvironment = System.getenv("ELARA_CONFIG");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return home().resolve(DataDirectory.CONFIG_FILE);
    }

    /** {@code $ELARA_HOME}, else {@code ~/.elara}. */
    public static Path home() {
        String home = System.getenv("ELARA_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home);
        }
        return Path.of(System.getProperty("user.home"), ".elara");
    }

    /** Loads and validates the config; a bad one is a usage error (exit 2). */
    public NodeConfig load() {
        try {
            return ConfigLoader.load(path());
        } catch (ConfigException e) {
            throw new ElaraUserException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /** Connects to the running node of {@code config}; when none runs, a user error that says how to start one. */
    public ControlClient connect(NodeConfig config) throws IOException {
        try {
            return ControlClient.connect(DataDirectory.of(config).controlSocket());
        } catch (ControlClient.NotRunningException e) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    "no node is running for " + path() + " (start one with: elara run -c " + path() + ")",
                    e);
        }
    }

    /** The first reply of a request: returned when it says ok, else a user error with the node's reason. */
    public static JsonNode expectOk(JsonNode answer) {
        if (answer == null) {
            throw new ElaraUserException(ExitCode.FAILURE, "the node closed the connection before answering");
        }
        if (!answer.path("ok").asBoolean()) {
            throw new ElaraUserException(ExitCode.FAILURE, answer.path("error").asText());
        }
        return answer;
    }

    /**
     * The node's identity, opened with {@code passphrase} when the key is protected; warnings (such as a key readable
     * by others) go to {@code err}.
     */
    public static Identity identity(NodeConfig config, PassphraseOptions passphrase, PrintWriter err) {
        DataDirectory data = DataDirectory.of(config);
        if (!java.nio.file.Files.exists(data.identityFile())) {
            throw new ElaraUserException(
                    ExitCode.FAILURE,
                    "no identity at " + data.identityFile()
                            + " yet; 'elara run' creates one on first start, or use 'elara init'");
        }
        try {
            KeyFile.Loaded loaded = KeyFile.read(data.identityFile(), passphrase.source(data.identityFile()));
            for (String warning : loaded.warnings()) {
                err.println("elara: warning: " + warning);
            }
            return loaded.identity();
        } catch (KeyFileException e) {
            throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
        }
    }
}
