package io.elara.crypto.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The identity key file: one Ed25519 seed (the X25519 static key derives from it), either sealed with a passphrase or,
 * for headless peers that ask for it, unprotected. Files are created owner-only (mode 0600); a looser mode is reported
 * as a warning. All integers big-endian.
 *
 * <p>Version 2, protection 1 (passphrase; 89 bytes): the passphrase (Unicode NFC, UTF-8) and the salt go through scrypt
 * (RFC 7914) with the stored cost to a 32-byte key, which seals the seed with ChaCha20-Poly1305 (RFC 8439), the header
 * as associated data. A CRC-32C over everything before it tells a damaged file from a wrong passphrase.
 *
 * <pre>
 *  offset  length  field
 *  0       4       magic "ELKY"
 *  4       1       format version (2)
 *  5       1       protection (1 = scrypt + ChaCha20-Poly1305)
 *  6       1       scrypt log2(N), 10..20
 *  7       1       scrypt r, 1..32 (128 × r × N ≤ 256 MiB)
 *  8       1       scrypt p, 1..4
 *  9       16      salt
 *  25      12      nonce
 *  37      48      sealed seed: 32 bytes of ciphertext, 16 of tag (AAD: bytes 0..36)
 *  85      4       CRC-32C of bytes 0..84
 * </pre>
 *
 * <p>Version 2, protection 0, and version 1 (unprotected; 42 bytes): magic, version, protection 0, the 32-byte seed,
 * then the CRC-32C of bytes 0..37. Version 1 files are still read; new files are version 2.
 */
public final class KeyFile {
    /** The version this build writes. */
    public static final int VERSION = 2;

    /** The scrypt cost new files get: N = 2^17, r = 8, p = 1 (128 MiB, about half a second here). */
    public static final Cost DEFAULT_COST = new Cost(17, 8, 1);

    private static final byte[] MAGIC = "ELKY".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION_OFFSET = 4;
    private static final int PROTECTION_OFFSET = 5;
    private static final int PROTECTION_NONE = 0;
    private static final int PROTECTION_PASSPHRASE = 1;

    private static final int PLAIN_SEED_OFFSET = 6;
    private static final int PLAIN_LENGTH = PLAIN_SEED_OFFSET + Identity.SEED_LENGTH + 4;

    private static final int COST_OFFSET = 6;
    private static final int SALT_OFFSET = 9;
    private static final int SALT_LENGTH = 16;
    private static final int NONCE_OFFSET = SALT_OFFSET + SALT_LENGTH;
    private static final int NONCE_LENGTH = 12;
    private static final int SEALED_OFFSET = NONCE_OFFSET + NONCE_LENGTH;
    private static final int TAG_LENGTH = 16;
    private static final int SEALED_CHECKSUM_OFFSET = SEALED_OFFSET + Identity.SEED_LENGTH + TAG_LENGTH;
    private static final int SEALED_LENGTH = SEALED_CHECKSUM_OFFSET + 4;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFile() {}

    /**
     * The scrypt cost of a protected file.
     *
     * @param logN log2 of N, 10..20
     * @param r block size, 1..32
     * @param p parallelism, 1..4
     *     <p>Memory is 128 × r × N bytes, at most {@link #MEMORY_MAX}: a damaged or hostile file cannot make opening
     *     it take gigabytes.
     */
    public record Cost(int logN, int r, int p) {
        /** Bytes scrypt may use, at most (twice the default cost's). */
        public static final long MEMORY_MAX = 256L << 20;

        public Cost {
            if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 4 || ((128L * r) << logN) > MEMORY_MAX) {
                throw new IllegalArgumentException("scrypt cost out of range: log2 N " + logN + ", r " + r + ", p " + p
                        + " (at most " + (MEMORY_MAX >> 20) + " MiB)");
            }
        }
    }

    /** Where a passphrase comes from, asked only when the file needs one. */
    @FunctionalInterface
    public interface PassphraseSource {
        /** The passphrase; the caller wipes the array. Throws with a one-line reason when there is none. */
        char[] passphrase() throws KeyFileException;
    }

    /** An identity read from a file, with warnings for the operator (for example a mode readable by others). */
    public record Loaded(Identity identity, List<String> warnings, boolean protectedByPassphrase) {}

    /** Writes {@code identity} unprotected (headless peers that chose so) to a new file; never replaces one. */
    public static void create(Path path, Identity identity) throws KeyFileException {
        write(path, encode(identity, null, null, null), false);
    }

    /** Writes {@code identity} sealed with {@code passphrase} to a new file; never replaces one. */
    public static void create(Path path, Identity identity, char[] passphrase, Cost cost, SecureRandom random)
            throws KeyFileException {
        write(path, encode(identity, passphrase, cost, random), false);
    }

    /**
     * Replaces the file at {@code path} with {@code identity} under new protection ({@code passphrase} null: none),
     * atomically: the old file stays until the new one is complete. For changing or removing a passphrase.
     */
    public static void replace(Path path, Identity identity, char[] passphrase, Cost cost, SecureRandom random)
            throws KeyFileException {
        write(path, encode(identity, passphrase, cost, random), true);
    }

    /** Whether the file at {@code path} is sealed with a passphrase (it is read, not decrypted). */
    public static boolean isProtected(Path path) throws KeyFileException {
        byte[] bytes = readBytes(path);
        try {
            checkHeaderAndChecksum(path, bytes);
            return (bytes[PROTECTION_OFFSET] & 0xFF) == PROTECTION_PASSPHRASE;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Reads an unprotected file; a protected one is refused with a line saying a passphrase is needed. */
    public static Loaded read(Path path) throws KeyFileException {
        return read(path, () -> {
            throw new KeyFileException("identity key file " + path + " is protected by a passphrase; give it with"
                    + " ELARA_PASSPHRASE, --passphrase-file FILE, or at the prompt");
        });
    }

    /**
     * Reads the identity at {@code path}, asking {@code passphrase} only if the file is protected. Every failure is a
     * one-line {@link KeyFileException}; a wrong passphrase says so and leaves the file untouched.
     */
    public static Loaded read(Path path, PassphraseSource passphrase) throws KeyFileException {
        byte[] bytes = readBytes(path);
        try {
            checkHeaderAndChecksum(path, bytes);
            int protection = bytes[PROTECTION_OFFSET] & 0xFF;
            Identity identity;
            if (protection == PROTECTION_NONE) {
                identity = Identity.fromSeed(
                        Arrays.copyOfRange(bytes, PLAIN_SEED_OFFSET, PLAIN_SEED_OFFSET + Identity.SEED_LENGTH));
            } else {
                identity = unseal(path, bytes, passphrase);
            }
            return new Loaded(identity, permissionWarnings(path), protection == PROTECTION_PASSPHRASE);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] encode(Identity identity, char[] passphrase, Cost cost, SecureRandom random)
            throws KeyFileException {
        byte[] seed = identity.seed();
        try {
            if (passphrase == null) {
                byte[] bytes = new byte[PLAIN_LENGTH];
                header(bytes, PROTECTION_NONE);
                System.arraycopy(seed, 0, bytes, PLAIN_SEED_OFFSET, seed.length);
                ByteBuffer.wrap(bytes, PLAIN_LENGTH - 4, 4).putInt(crc(bytes, PLAIN_LENGTH - 4));
                return bytes;
            }
            byte[] bytes = new byte[SEALED_LENGTH];
            header(bytes, PROTECTION_PASSPHRASE);
            bytes[COST_OFFSET] = (byte) cost.logN();
            bytes[COST_OFFSET + 1] = (byte) cost.r();
            bytes[COST_OFFSET + 2] = (byte) cost.p();
            byte[] salt = new byte[SALT_LENGTH];
            random.nextBytes(salt);
            System.arraycopy(salt, 0, bytes, SALT_OFFSET, SALT_LENGTH);
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            System.arraycopy(nonce, 0, bytes, NONCE_OFFSET, NONCE_LENGTH);
            byte[] key = deriveKey(passphrase, salt, cost);
            try {
                Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce);
                cipher.updateAAD(bytes, 0, SEALED_OFFSET);
                cipher.doFinal(seed, 0, seed.length, bytes, SEALED_OFFSET);
            } catch (GeneralSecurityException e) {
                throw new KeyFileException("cannot seal the identity key: " + e.getMessage(), e);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            ByteBuffer.wrap(bytes, SEALED_CHECKSUM_OFFSET, 4).putInt(crc(bytes, SEALED_CHECKSUM_OFFSET));
            return bytes;
        } finally {
            Identity.wipe(seed);
        }
    }

    private static Identity unseal(Path path, byte[] bytes, PassphraseSource source) throws KeyFileException {
        Cost cost;
        try {
            cost = new Cost(bytes[COST_OFFSET] & 0xFF, bytes[COST_OFFSET + 1] & 0xFF, bytes[COST_OFFSET + 2] & 0xFF);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("identity key file " + path + " is damaged: " + e.getMessage(), e);
        }
        char[] passphrase = source.passphrase();
        byte[] key;
        try {
            key = deriveKey(passphrase, Arrays.copyOfRange(bytes, SALT_OFFSET, NONCE_OFFSET), cost);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        byte[] seed = new byte[Identity.SEED_LENGTH];
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(bytes, NONCE_OFFSET, SEALED_OFFSET));
            cipher.updateAAD(bytes, 0, SEALED_OFFSET);
            cipher.doFinal(bytes, SEALED_OFFSET, Identity.SEED_LENGTH + TAG_LENGTH, seed, 0);
            return Identity.fromSeed(seed);
        } catch (AEADBadTagException e) {
            throw new KeyFileException("wrong passphrase for identity key file " + path, e);
        } catch (GeneralSecurityException e) {
            throw new KeyFileException("cannot open identity key file " + path + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static byte[] deriveKey(char[] passphrase, byte[] salt, Cost cost) {
        byte[] utf8 = utf8(Normalizer.normalize(CharBuffer.wrap(passphrase), Normalizer.Form.NFC));
        try {
            return SCrypt.generate(utf8, salt, 1 << cost.logN(), cost.r(), cost.p(), 32);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /** UTF-8 bytes through a buffer this method wipes. (The normalized String itself cannot be wiped.) */
    private static byte[] utf8(String text) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        byte[] buffer = new byte[(int) (text.length() * encoder.maxBytesPerChar())];
        ByteBuffer out = ByteBuffer.wrap(buffer);
        encoder.encode(CharBuffer.wrap(text), out, true);
        encoder.flush(out);
        byte[] bytes = Arrays.copyOf(buffer, out.position());
        Arrays.fill(buffer, (byte) 0);
        return bytes;
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        return cipher;
    }

    private static void header(byte[] bytes, int protection) {
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        bytes[VERSION_OFFSET] = VERSION;
        bytes[PROTECTION_OFFSET] = (byte) protection;
    }

    private static byte[] readBytes(Path path) throws KeyFileException {
        try {
            long size = Files.size(path);
            if (size != PLAIN_LENGTH && size != SEALED_LENGTH) {
                throw new KeyFileException("identity key file " + path + " has the wrong size (" + size
                        + " bytes); it is damaged or not an Elara key file");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("identity key file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new KeyFileException("cannot read identity key file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void checkHeaderAndChecksum(Path path, byte[] bytes) throws KeyFileException {
        if (bytes.length < PLAIN_LENGTH || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new KeyFileException("identity key file " + path + " is not an Elara key file");
        }
        int version = bytes[VERSION_OFFSET] & 0xFF;
        if (version != 1 && version != VERSION) {
            throw new KeyFileException("identity key file " + path + " has format version " + version
                    + "; this elara reads versions 1 and " + VERSION);
        }
        int protection = bytes[PROTECTION_OFFSET] & 0xFF;
        int expectedLength;
        if (protection == PROTECTION_NONE) {
            expectedLength = PLAIN_LENGTH;
        } else if (protection == PROTECTION_PASSPHRASE && version == VERSION) {
            expectedLength = SEALED_LENGTH;
        } else {
            throw new KeyFileException("identity key file " + path + " uses protection scheme " + protection
                    + ", which this elara does not know");
        }
        if (bytes.length != expectedLength) {
            throw new KeyFileException("identity key file " + path + " has the wrong size (" + bytes.length
                    + " bytes, expected " + expectedLength + "); it is damaged");
        }
        int stored = ByteBuffer.wrap(bytes, expectedLength - 4, 4).getInt();
        if (stored != crc(bytes, expectedLength - 4)) {
            throw new KeyFileException("identity key file " + path + " is corrupted (checksum mismatch)");
        }
    }

    /** Writes a new file (or replaces one) owner-only and atomically, then wipes {@code bytes}. */
    private static void write(Path path, byte[] bytes, boolean replace) throws KeyFileException {
        Path directory = path.toAbsolutePath().getParent();
        Path temporary = directory.resolve("." + path.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            if (supportsPosix(directory)) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temporary);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            if (replace) {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                // A hard link is an atomic create-if-absent, unlike rename, which silently replaces.
                Files.createLink(path, temporary);
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException("identity key file " + path + " already exists; refusing to overwrite it", e);
        } catch (IOException e) {
            throw new KeyFileException("cannot write identity key file " + path + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // The key is already in place (or the error above is reported); a stray temporary file is harmless
                // and the next write removes it.
            }
        }
    }

    private static List<String> permissionWarnings(Path path) throws KeyFileException {
        List<String> warnings = new ArrayList<>();
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (view != null) {
                Set<PosixFilePermission> permissions = view.readAttributes().permissions();
                if (!OWNER_ONLY.containsAll(permissions)) {
                    warnings.add("identity key file " + path + " is readable by others (mode "
                            + PosixFilePermissions.toString(permissions) + "); run: chmod 600 " + path);
                }
            }
        } catch (IOException e) {
            throw new KeyFileException("cannot read the permissions of " + path + ": " + e.getMessage(), e);
        }
        return warnings;
    }

    private static boolean supportsPosix(Path directory) {
        return Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
