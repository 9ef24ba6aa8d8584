package io.elara.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.elara.cli.ElaraUserException;
import io.elara.cli.ExitCode;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFile;
import io.elara.crypto.identity.KeyFileException;
import io.elara.node.config.NodeConfig;
import io.elara.node.control.ControlJson;
import io.elara.node.store.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elara key}: the identity key — show its public half, rotate it, change its passphrase. */
@Command(
        name = "key",
        description = "Manage this node's identity key.",
        subcommands = {KeyCommand.ExportPublic.class, KeyCommand.Rotate.class, KeyCommand.Passphrase.class})
public final class KeyCommand {
    private KeyCommand() {}

    /** {@code elara key export-public}: what a peer needs to know this node. */
    @Command(
            name = "export-public",
            description = {
                "Print the public half of this node's identity: its id, Ed25519 public key, X25519 static key and",
                "the signature that binds the two. Nothing secret is printed."
            },
            footer = {"", "Example:", "  elara key export-public -c ~/.elara/elara.yaml --json"})
    public static final class ExportPublic implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Mixin
        PassphraseOptions passphrase;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws JsonProcessingException {
            PrintWriter out = spec.commandLine().getOut();
            NodeConfig nodeConfig = config.load();
            Identity identity = ConfigOption.identity(
                    nodeConfig, passphrase, spec.commandLine().getErr());
            Base64.Encoder base64 = Base64.getEncoder();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", nodeConfig.name());
            fields.put("id", identity.nodeId().toString());
            fields.put("ed25519", base64.encodeToString(identity.nodeId().toBytes()));
            fields.put("x25519", base64.encodeToString(identity.staticPublicKey()));
            fields.put("binding", base64.encodeToString(identity.staticKeyBinding()));
            if (json) {
                out.println(ControlJson.MAPPER.writeValueAsString(fields));
            } else {
                fields.forEach((key, value) -> out.printf(Locale.ROOT, "%-8s %s%n", key + ":", value));
                out.println();
                out.println("For a peer's config (under peers:, with this node's name and address):");
                out.println("    id: " + fields.get("id"));
                out.println("    key: " + fields.get("x25519"));
            }
            return ExitCode.OK;
        }
    }

    /** {@code elara key rotate}: a new identity; the old key is kept beside it, renamed. */
    @Command(
            name = "rotate",
            description = {
                "Give this node a new identity. The old key file is kept, renamed identity.key.retired-TIME, so",
                "nothing is lost; peers must learn the new id (elara id). Refused while the node runs."
            },
            footer = {"", "Example:", "  elara key rotate -c ~/.elara/elara.yaml"})
    public static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Mixin
        PassphraseOptions passphrase;

        @Override
        @SuppressWarnings("try") // the lock is held, not used: no node may run while its key changes
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            NodeConfig nodeConfig = config.load();
            DataDirectory data = DataDirectory.of(nodeConfig);
            Identity old = ConfigOption.identity(
                    nodeConfig, passphrase, spec.commandLine().getErr());
            Identity fresh = Identity.generate(new SecureRandom());
            Path retired = data.identityFile()
                    .resolveSibling(data.identityFile().getFileName() + ".retired-"
                            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                                    .format(Instant.now().atOffset(ZoneOffset.UTC)));
            try (DataDirectory.Lock lock = data.lock()) {
                Path staged = data.identityFile().resolveSibling("identity.key.new");
                Files.deleteIfExists(staged);
                passphrase.create(staged, fresh, spec.commandLine().getErr());
                Files.move(data.identityFile(), retired);
                Files.move(staged, data.identityFile());
            } catch (IOException | KeyFileException e) {
                throw new ElaraUserException(ExitCode.FAILURE, "cannot rotate the key: " + e.getMessage(), e);
            }
            out.println("old id: " + old.nodeId() + " (key kept in " + retired + ")");
            out.println("new id: " + fresh.nodeId());
            out.println("Tell your peers the new id; they know this node by its id.");
            return ExitCode.OK;
        }
    }

    /** {@code elara key passphrase}: seal the key under a new passphrase, or remove it. */
    @Command(
            name = "passphrase",
            description = {
                "Change the passphrase that seals the identity key, or remove it with --remove. The current one",
                "comes from --passphrase-file, $ELARA_PASSPHRASE or a prompt; the new one from",
                "--new-passphrase-file, $ELARA_NEW_PASSPHRASE or a prompt (asked twice)."
            })
    public static final class Passphrase implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption config;

        @Mixin
        PassphraseOptions passphrase;

        @Option(
                names = "--new-passphrase-file",
                paramLabel = "FILE",
                description = "the new passphrase, from the first line of FILE")
        Path newPassphraseFile;

        @Option(names = "--remove", description = "store the key without a passphrase (headless peers)")
        boolean remove;

        @Override
        public Integer call() {
            NodeConfig nodeConfig = config.load();
            DataDirectory data = DataDirectory.of(nodeConfig);
            Identity identity = ConfigOption.identity(
                    nodeConfig, passphrase, spec.commandLine().getErr());
            char[] next = null;
            try {
                if (!remove) {
                    PassphraseOptions source = new PassphraseOptions();
                    source.passphraseFile = newPassphraseFile;
                    next = source.newPassphrase(
                            data.identityFile(), spec.commandLine().getErr(), "ELARA_NEW_PASSPHRASE");
                }
                KeyFile.replace(
                        data.identityFile(),
                        identity,
                        next,
                        remove ? null : KeyFile.DEFAULT_COST,
                        remove ? null : new SecureRandom());
            } catch (KeyFileException e) {
                throw new ElaraUserException(ExitCode.FAILURE, e.getMessage(), e);
            } finally {
                if (next != null) {
                    Arrays.fill(next, '\0');
                }
            }
            spec.commandLine()
                    .getOut()
                    .println(
                            remove
                                    ? "The key " + data.identityFile()
                                            + " is now stored without a passphrase (mode 0600)."
                                    : "The key " + data.identityFile() + " is sealed with the new passphrase.");
            return ExitCode.OK;
        }
    }
}
