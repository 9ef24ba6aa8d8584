package io.elara.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.cli.Cli;
import io.elara.cli.ExitCode;
import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.KeyFile;
import io.elara.crypto.identity.NodeId;
import io.elara.node.config.ConfigLoader;
import io.elara.node.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** init, id, send, tail and status run in-process, without a running node except where noted. */
class CommandTest {
    @TempDir
    Path directory;

    private Path init(String name, int port) {
        Path dir = directory.resolve(name);
        Cli.Result result = Cli.run(
                "init", dir.toString(), "--name", name, "--bind", "127.0.0.1", "--port", "" + port, "--no-passphrase");
        assertThat(result.exitCode()).as(result.err()).isZero();
        return dir;
    }

    @Test
    void shouldCreateAnOwnerOnlyDirectoryWithAConfigThatLoadsAndAnIdentity() throws Exception {
        Path dir = init("alice", 7460);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("identity.key"))))
                .isEqualTo("rw-------");
        NodeConfig config = ConfigLoader.load(dir.resolve("elara.yaml"));
        assertThat(config.name()).isEqualTo("alice");
        assertThat(config.bind().getPort()).isEqualTo(7460);
        assertThat(config.dataDirectory()).isEqualTo(dir);

        Cli.Result id = Cli.run("id", "-c", dir.resolve("elara.yaml").toString());
        NodeId expected = KeyFile.read(dir.resolve("identity.key")).identity().nodeId();
        assertThat(id.out()).isEqualTo("alice  " + expected + "\n");
        Cli.Result json = Cli.run("id", "-c", dir.resolve("elara.yaml").toString(), "--json");
        assertThat(json.out()).isEqualTo("{\"name\":\"alice\",\"id\":\"" + expected + "\"}\n");
    }

    @Test
    void shouldSealTheKeyWithAPassphraseFromAFileAndRefuseAWrongOneLeavingTheKeyUntouched() throws Exception {
        Path dir = directory.resolve("carol");
        Path right = directory.resolve("right.txt");
        Path wrong = directory.resolve("wrong.txt");
        Files.writeString(right, "a long passphrase\n");
        Files.writeString(wrong, "a wrong passphrase\n");
        Cli.Result init = Cli.run("init", dir.toString(), "--name", "carol", "--passphrase-file", right.toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        Path keyFile = dir.resolve("identity.key");
        assertThat(KeyFile.isProtected(keyFile)).isTrue();
        byte[] key = Files.readAllBytes(keyFile);
        String config = dir.resolve("elara.yaml").toString();

        Cli.Result refused = Cli.run("id", "-c", config, "--passphrase-file", wrong.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(refused.err()).isEqualTo("elara: wrong passphrase for identity key file " + keyFile + "\n");
        Cli.Result none = Cli.run("id", "-c", config);
        assertThat(none.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(none.err()).startsWith("elara: identity key file " + keyFile + " is protected by a passphrase;");
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(key);

        Cli.Result id = Cli.run("id", "-c", config, "--passphrase-file", right.toString());
        assertThat(id.exitCode()).as(id.err()).isZero();
        assertThat(id.out()).startsWith("carol  ");
    }

    @Test
    void shouldExportThePublicHalfRotateAndChangeThePassphrase() throws Exception {
        Path dir = init("erin", 7460);
        String config = dir.resolve("elara.yaml").toString();
        Path keyFile = dir.resolve("identity.key");
        Identity before = KeyFile.read(keyFile).identity();

        Cli.Result exported = Cli.run("key", "export-public", "-c", config, "--json");
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(exported.out());
        assertThat(json.path("id").asText()).isEqualTo(before.nodeId().toString());
        byte[] x25519 = java.util.Base64.getDecoder().decode(json.path("x25519").asText());
        byte[] binding =
                java.util.Base64.getDecoder().decode(json.path("binding").asText());
        assertThat(Identity.verifyStaticKeyBinding(before.nodeId(), x25519, binding))
                .isTrue();
        assertThat(exported.out()).doesNotContain(java.util.Base64.getEncoder().encodeToString(before.seed()));

        Cli.Result human = Cli.run("key", "export-public", "-c", config);
        assertThat(human.out())
                .contains("    id: " + before.nodeId() + "\n")
                .contains("    key: " + json.path("x25519").asText() + "\n");

        Path pass = directory.resolve("pass.txt");
        Files.writeString(pass, "sealed now\n");
        Cli.Result sealed = Cli.run("key", "passphrase", "-c", config, "--new-passphrase-file", pass.toString());
        assertThat(sealed.exitCode()).as(sealed.err()).isZero();
        assertThat(KeyFile.isProtected(keyFile)).isTrue();

        Cli.Result rotated = Cli.run("key", "rotate", "-c", config, "--passphrase-file", pass.toString());
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        Identity after = KeyFile.read(keyFile, pass("sealed now")).identity();
        assertThat(after.nodeId()).isNotEqualTo(before.nodeId());
        assertThat(rotated.out()).contains("old id: " + before.nodeId(), "new id: " + after.nodeId());
        try (var retired = Files.list(dir)) {
            Path old = retired.filter(f -> f.getFileName().toString().startsWith("identity.key.retired-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(KeyFile.read(old, pass("sealed now")).identity().nodeId())
                    .isEqualTo(before.nodeId());
        }
    }

    private static KeyFile.PassphraseSource pass(String text) {
        return text::toCharArray;
    }

    @Test
    void shouldRefuseToCreateAKeyWithNoPassphraseUnlessTold() {
        Path dir = directory.resolve("dave");
        Cli.Result result = Cli.run("init", dir.toString(), "--name", "dave");
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err())
                .isEqualTo(
                        "elara: no passphrase for the new identity key " + dir.resolve("identity.key")
                                + ": set ELARA_PASSPHRASE, use --passphrase-file FILE, or --no-passphrase for a headless peer\n");
        assertThat(dir.resolve("identity.key")).doesNotExist();
    }

    @Test
    void shouldRefuseToInitializeTwiceAndLeaveEverythingAsItWas() throws Exception {
        Path dir = init("alice", 7460);
        byte[] key = Files.readAllBytes(dir.resolve("identity.key"));
        String config = Files.readString(dir.resolve("elara.yaml"));

        Cli.Result again = Cli.run("init", dir.toString(), "--name", "mallory");
        assertThat(again.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(again.err())
                .isEqualTo("elara: " + dir + " is already initialized (elara.yaml exists);"
                        + " choose another directory or remove it first\n");
        assertThat(Files.readAllBytes(dir.resolve("identity.key"))).isEqualTo(key);
        assertThat(Files.readString(dir.resolve("elara.yaml"))).isEqualTo(config);
    }

    @Test
    void shouldRejectBadInitOptionsAsUsageErrors() {
        Cli.Result badName = Cli.run("init", directory.resolve("x").toString(), "--name", "no spaces please");
        assertThat(badName.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badName.err()).startsWith("elara: --name: 'no spaces please' is not a valid name");
        Cli.Result badPort = Cli.run("init", directory.resolve("y").toString(), "--port", "70000");
        assertThat(badPort.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badPort.err()).isEqualTo("elara: --port: 70000 is out of range (0..65535)\n");
        assertThat(directory.resolve("x")).doesNotExist();
        assertThat(directory.resolve("y")).doesNotExist();
    }

    @Test
    void shouldExitWithTwoAndNameTheFileWhenTheConfigIsMissingOrBroken() throws Exception {
        Path missing = directory.resolve("nope.yaml");
        Cli.Result result = Cli.run("id", "-c", missing.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).isEqualTo("elara: config file not found: " + missing + "\n");

        Path broken = directory.resolve("broken.yaml");
        Files.writeString(broken, "name: alice\nbind: {port: 1\n", StandardCharsets.UTF_8);
        Cli.Result syntax = Cli.run("status", "-c", broken.toString());
        assertThat(syntax.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(syntax.err()).startsWith("elara: " + broken + ":3:1: YAML syntax error: ");
        assertThat(syntax.err().lines()).hasSize(1);
    }

    @Test
    void shouldExitWithOneWhenTheIdentityIsDamaged() throws Exception {
        Path dir = init("alice", 7460);
        byte[] key = Files.readAllBytes(dir.resolve("identity.key"));
        key[10] ^= 1;
        Files.write(dir.resolve("identity.key"), key);
        Cli.Result result = Cli.run("id", "-c", dir.resolve("elara.yaml").toString());
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err())
                .isEqualTo("elara: identity key file " + dir.resolve("identity.key")
                        + " is corrupted (checksum mismatch)\n");
    }

    @Test
    void shouldSayNoNodeIsRunningForTailAndStatus() {
        Path config = init("alice", 0).resolve("elara.yaml");
        for (String command : new String[] {"tail", "status"}) {
            Cli.Result result = Cli.run(command, "-c", config.toString());
            assertThat(result.exitCode()).as(command).isEqualTo(ExitCode.FAILURE);
            assertThat(result.err()).as(command).startsWith("elara: no node is running for " + config);
        }
    }

    @Test
    void shouldRefuseToSendWhatCannotBeSentEvenWithoutARunningNode() {
        Path config = init("alice", 0).resolve("elara.yaml");
        Cli.Result unknown = Cli.run("send", "-c", config.toString(), "--to", "nobody", "hi");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(unknown.err())
                .isEqualTo("elara: no peer named 'nobody' (this node has: no configured peers; or give ip:port)\n");

        Cli.Result tooLong = Cli.run("send", "-c", config.toString(), "--to", "127.0.0.1:9", "x".repeat(2000));
        assertThat(tooLong.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(tooLong.err()).isEqualTo("elara: the message is 2000 bytes; the limit is 1024 bytes of UTF-8\n");
    }

    @Test
    void shouldFailAfterTheTimeoutWhenNobodyAcknowledges() {
        Path config = init("alice", 0).resolve("elara.yaml");
        Cli.Result result =
                Cli.run("send", "-c", config.toString(), "--to", "127.0.0.1:9", "--timeout-ms", "300", "anyone?");
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(result.err()).isEqualTo("elara: not acknowledged by 127.0.0.1:9 within 300 ms\n");
    }
}
