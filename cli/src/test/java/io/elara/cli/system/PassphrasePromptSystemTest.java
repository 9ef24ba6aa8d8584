package io.elara.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.KeyFile;
import io.elara.testing.process.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The passphrase typed at a real (pseudo-)terminal: asked twice when a key is made, once when it is opened; a wrong one
 * is one line, exit code 1, and the key file unchanged.
 */
class PassphrasePromptSystemTest extends SystemTestSupport {
    @Test
    void shouldAskTwiceToSealAndOnceToOpenAndRefuseAWrongPassphrase() throws Exception {
        Path dir = directory.resolve("alice");
        NodeProcess init = atTerminal("init", "two words\ntwo words\n", "init", dir.toString(), "--name", "alice");
        assertThat(init.waitFor(EXIT)).as(init.describe()).isZero();
        assertThat(init.stdout()).contains("New passphrase for ", "Repeat it: ", "Initialized node 'alice'");
        // (Echo is not checked: the test types ahead, before the prompt turns echo off, so the terminal echoes it.)
        Path key = dir.resolve("identity.key");
        assertThat(KeyFile.isProtected(key)).isTrue();
        byte[] sealed = Files.readAllBytes(key);

        String config = dir.resolve("elara.yaml").toString();
        NodeProcess wrong = atTerminal("id wrong", "three words\n", "id", "-c", config);
        assertThat(wrong.waitFor(EXIT)).as(wrong.describe()).isEqualTo(1);
        assertThat(wrong.stdout())
                .contains("Passphrase for " + key)
                .contains("elara: wrong passphrase for identity" + " key file " + key);
        assertThat(Files.readAllBytes(key)).isEqualTo(sealed);

        NodeProcess right = atTerminal("id right", "two words\n", "id", "-c", config);
        assertThat(right.waitFor(EXIT)).as(right.describe()).isZero();
        assertThat(right.stdout())
                .contains("alice  "
                        + KeyFile.read(key, "two words"::toCharArray).identity().nodeId());
    }

    @Test
    void shouldWriteNothingWhenTheTwoPassphrasesDiffer() {
        Path dir = directory.resolve("bob");
        NodeProcess init = atTerminal("init", "one thing\nanother\n", "init", dir.toString(), "--name", "bob");
        assertThat(init.waitFor(EXIT)).as(init.describe()).isEqualTo(1);
        assertThat(init.stdout())
                .contains("elara: cannot initialize " + dir + ": the two passphrases differ;" + " nothing was written");
        assertThat(dir.resolve("identity.key")).doesNotExist();
    }
}
