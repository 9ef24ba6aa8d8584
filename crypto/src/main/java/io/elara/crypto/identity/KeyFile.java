package io.elara.crypto.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The identity key file. Version 1 stores the seed unprotected, so the file is created owner-only (mode 0600) and a
 * looser mode is reported as a warning. Layout (42 bytes):
 *
 * <pre>
 *  offset  length  field
 *  0       4       magic "ELKY"
 *  4       1       format version (1)
 *  5       1       protection (0 = none; passphrase protection arrives with the crypto issue)
 *  6       32      Ed25519 private seed
 *  38      4       CRC-32C of bytes 0..37, big-endian
 * </pre>
 */
public final class KeyFile {
    /** The only version this build writes and reads. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = "ELKY".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION_OFFSET = 4;
    private static final int PROTECTION_OFFSET = 5;
    private static final int SEED_OFFSET = 6;
    private static final int CHECKSUM_OFFSET = SEED_OFFSET + Identity.SEED_LENGTH;
    private static final int LENGTH = CHECKSUM_OFFSET + 4;
    private static final int PROTECTION_NONE = 0;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFile() {}

    /** An identity read from a file, with warnings for the operator (for example a mode readable by others). */
    public record Loaded(Identity identity, List<String> warnings) {}

    /**
     * Writes {@code identity} to a new file at {@code path}, owner-only, atomically: the file appears complete or not
     * at all. Never replaces an existing file: losing an identity cannot be undone.
     */
    public static void create(Path path, Identity identity) throws KeyFileException {
        byte[] bytes = new byte[LENGTH];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        bytes[VERSION_OFFSET] = VERSION;
        bytes[PROTECTION_OFFSET] = PROTECTION_NONE;
        byte[] seed = identity.seed();
        System.arraycopy(seed, 0, bytes, SEED_OFFSET, seed.length);
        Identity.wipe(seed);
        ByteBuffer.wrap(bytes, CHECKSUM_OFFSET, 4).putInt(crc(bytes));

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
            // A hard link is an atomic create-if-absent, unlike rename, which silently replaces.
            Files.createLink(path, temporary);
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
                // and the next create removes it.
            }
        }
    }

    /** Reads the identity at {@code path}. Every failure is a one-line {@link KeyFileException}. */
    public static Loaded read(Path path) throws KeyFileException {
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size != LENGTH) {
                throw new KeyFileException("identity key file " + path + " has the wrong size (" + size
                        + " bytes, expected " + LENGTH + "); it is damaged or not an Elara key file");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("identity key file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new KeyFileException("cannot read identity key file " + path + ": " + e.getMessage(), e);
        }
        try {
            if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new KeyFileException("identity key file " + path + " is not an Elara key file");
            }
            int version = bytes[VERSION_OFFSET] & 0xFF;
            if (version != VERSION) {
                throw new KeyFileException("identity key file " + path + " has format version " + version
                        + "; this elara reads version " + VERSION);
            }
            int storedCrc = ByteBuffer.wrap(bytes, CHECKSUM_OFFSET, 4).getInt();
            if (storedCrc != crc(bytes)) {
                throw new KeyFileException("identity key file " + path + " is corrupted (checksum mismatch)");
            }
            int protection = bytes[PROTECTION_OFFSET] & 0xFF;
            if (protection != PROTECTION_NONE) {
                throw new KeyFileException("identity key file " + path + " uses protection scheme " + protection
                        + ", which this elara does not know");
            }
            Identity identity = Identity.fromSeed(Arrays.copyOfRange(bytes, SEED_OFFSET, CHECKSUM_OFFSET));
            return new Loaded(identity, permissionWarnings(path));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static List<String> permissionWarnings(Path path) throws KeyFileException {
        List<String> warnings = new ArrayList<>();
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (view != null) {
                Set<PosixFilePermission> permissions = view.readAttributes().permissions();
                Set<PosixFilePermission> others = Set.copyOf(permissions);
                if (!OWNER_ONLY.containsAll(others)) {
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

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, CHECKSUM_OFFSET);
        return (int) crc.getValue();
    }
}
