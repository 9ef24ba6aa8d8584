package io.elara.crypto.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
    @TempDir
    Path directory;

    private final Identity identity = Identity.generate(new SecureRandom());

    @Test
    void shouldReadBackSameIdentityWhenCreated() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity);

        KeyFile.Loaded loaded = KeyFile.read(file);
        assertThat(loaded.identity().nodeId()).isEqualTo(identity.nodeId());
        assertThat(loaded.warnings()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void shouldRefuseAndKeepOldKeyWhenFileExists() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> KeyFile.create(file, Identity.generate(new SecureRandom())))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void shouldReportCorruptionWhenAnyByteFlips() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity);
        byte[] good = Files.readAllBytes(file);
        for (int offset = 6; offset < good.length; offset++) {
            byte[] bad = good.clone();
            bad[offset] ^= 0x10;
            Files.write(file, bad);
            assertThatThrownBy(() -> KeyFile.read(file))
                    .as("flipped byte %d", offset)
                    .isInstanceOf(KeyFileException.class)
                    .hasMessageContaining("corrupted");
        }
    }

    @Test
    void shouldNameTheProblemWhenFileIsMissingForeignTruncatedOrNewer() throws Exception {
        Path file = directory.resolve("identity.key");
        assertThatThrownBy(() -> KeyFile.read(file)).hasMessageContaining("does not exist");

        KeyFile.create(file, identity);
        byte[] good = Files.readAllBytes(file);

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> KeyFile.read(file)).hasMessageContaining("wrong size");

        byte[] foreign = good.clone();
        foreign[0] = 'X';
        Files.write(file, foreign);
        assertThatThrownBy(() -> KeyFile.read(file)).hasMessageContaining("not an Elara key file");

        byte[] newer = good.clone();
        newer[4] = 2;
        Files.write(file, newer);
        assertThatThrownBy(() -> KeyFile.read(file)).hasMessageContaining("format version 2");
    }

    @Test
    void shouldWarnWhenOthersCanReadTheKey() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        KeyFile.Loaded loaded = KeyFile.read(file);
        assertThat(loaded.identity().nodeId()).isEqualTo(identity.nodeId());
        assertThat(loaded.warnings()).singleElement().asString().contains("readable by others", "chmod 600");
    }
}
