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
        newer[4] = 3;
        Files.write(file, newer);
        assertThatThrownBy(() -> KeyFile.read(file)).hasMessageContaining("format version 3");
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

    private static final KeyFile.Cost CHEAP = new KeyFile.Cost(10, 8, 1);

    private static KeyFile.PassphraseSource passphrase(String text) {
        return text::toCharArray;
    }

    @Test
    void shouldSealWithAPassphraseAndOpenOnlyWithTheSameOne() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity, "correct horse".toCharArray(), CHEAP, new SecureRandom());
        assertThat(Files.size(file)).isEqualTo(89);
        assertThat(KeyFile.isProtected(file)).isTrue();
        byte[] sealed = Files.readAllBytes(file);
        byte[] seed = identity.seed();
        assertThat(indexOf(sealed, seed))
                .as("the seed does not appear in the file")
                .isNegative();

        KeyFile.Loaded loaded = KeyFile.read(file, passphrase("correct horse"));
        assertThat(loaded.identity().nodeId()).isEqualTo(identity.nodeId());
        assertThat(loaded.protectedByPassphrase()).isTrue();

        assertThatThrownBy(() -> KeyFile.read(file, passphrase("correct horse ")))
                .isInstanceOf(KeyFileException.class)
                .hasMessage("wrong passphrase for identity key file " + file);
        assertThatThrownBy(() -> KeyFile.read(file))
                .hasMessageStartingWith("identity key file " + file + " is protected by a passphrase");
        assertThat(Files.readAllBytes(file))
                .as("a failed open leaves the file untouched")
                .isEqualTo(sealed);
    }

    @Test
    void shouldTellCorruptionFromAWrongPassphraseInAProtectedFile() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity, "pw".toCharArray(), CHEAP, new SecureRandom());
        byte[] good = Files.readAllBytes(file);
        for (int offset = 9; offset < good.length; offset++) {
            byte[] bad = good.clone();
            bad[offset] ^= 0x01;
            Files.write(file, bad);
            assertThatThrownBy(() -> KeyFile.read(file, passphrase("pw")))
                    .as("flipped byte %d", offset)
                    .hasMessageContaining("corrupted");
        }
    }

    @Test
    void shouldNormalizeUnicodeSoTheSamePassphraseTypedTwoWaysOpens() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity, "caf\u00e9".toCharArray(), CHEAP, new SecureRandom());
        assertThat(KeyFile.read(file, passphrase("cafe\u0301")).identity().nodeId())
                .isEqualTo(identity.nodeId());
    }

    @Test
    void shouldChangeAndRemoveThePassphraseInPlace() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity, "old".toCharArray(), CHEAP, new SecureRandom());
        KeyFile.replace(file, identity, "new".toCharArray(), CHEAP, new SecureRandom());
        assertThatThrownBy(() -> KeyFile.read(file, passphrase("old"))).hasMessageStartingWith("wrong passphrase");
        assertThat(KeyFile.read(file, passphrase("new")).identity().nodeId()).isEqualTo(identity.nodeId());

        KeyFile.replace(file, identity, null, null, null);
        assertThat(KeyFile.isProtected(file)).isFalse();
        assertThat(KeyFile.read(file).identity().nodeId()).isEqualTo(identity.nodeId());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldStillReadVersionOneFiles() throws Exception {
        Path file = directory.resolve("identity.key");
        byte[] v1 = new byte[42];
        System.arraycopy("ELKY".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, v1, 0, 4);
        v1[4] = 1;
        byte[] seed = identity.seed();
        System.arraycopy(seed, 0, v1, 6, 32);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v1, 0, 38);
        java.nio.ByteBuffer.wrap(v1, 38, 4).putInt((int) crc.getValue());
        Files.write(file, v1);
        assertThat(KeyFile.read(file).identity().nodeId()).isEqualTo(identity.nodeId());
    }

    @Test
    void shouldCallAFileDamagedWhenItsCostWouldTakeGigabytes() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity, "pw".toCharArray(), CHEAP, new SecureRandom());
        byte[] bytes = Files.readAllBytes(file);
        bytes[6] = 20; // log2 N
        bytes[7] = 32; // r: 4 GiB
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, 85);
        java.nio.ByteBuffer.wrap(bytes, 85, 4).putInt((int) crc.getValue());
        Files.write(file, bytes);
        assertThatThrownBy(() -> KeyFile.read(file, passphrase("pw")))
                .hasMessageStartingWith("identity key file " + file + " is damaged: scrypt cost out of range")
                .hasMessageEndingWith("(at most 256 MiB)");
    }

    @Test
    void shouldUseAMemoryHardDefaultCost() throws Exception {
        Path file = directory.resolve("identity.key");
        KeyFile.create(file, identity, "pw".toCharArray(), KeyFile.DEFAULT_COST, new SecureRandom());
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes[6]).as("log2 N").isEqualTo((byte) 17);
        assertThat(bytes[7]).as("r").isEqualTo((byte) 8);
        assertThat(KeyFile.read(file, passphrase("pw")).identity().nodeId()).isEqualTo(identity.nodeId());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
