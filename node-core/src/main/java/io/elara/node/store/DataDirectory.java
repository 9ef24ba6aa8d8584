package io.elara.node.store;

import io.elara.crypto.identity.KeyFile;
import io.elara.crypto.identity.KeyFileException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A node's data directory: {@code elara.yaml} (written by {@code elara init}), {@code identity.key}, {@code node.lock}
 * (held while a node runs, so two nodes never share one directory), {@code control.sock} (the local control
 * socket) and {@code elara.db} (the SQLite store, with its {@code -wal} and {@code -shm} files beside it).
 */
public final class DataDirectory {
    public static final String CONFIG_FILE = "elara.yaml";
    public static final String IDENTITY_FILE = "identity.key";
    public static final String LOCK_FILE = "node.lock";
    public static final String CONTROL_SOCKET = "control.sock";
    public static final String DATABASE_FILE = "elara.db";
    /** Unix socket paths are limited to 108 bytes by the kernel; longer ones go to the temporary folder. */
    private static final int SOCKET_PATH_BYTES_MAX = 100;

    private final Path root;
    private final Path identity;

    public DataDirectory(Path root) {
        this(root, null);
    }

    /** A data directory whose key file is {@code identityFile}, or {@code identity.key} in it when null. */
    public DataDirectory(Path root, Path identityFile) {
        this.root = root.toAbsolutePath().normalize();
        this.identity = identityFile == null
                ? this.root.resolve(IDENTITY_FILE)
                : identityFile.toAbsolutePath().normalize();
    }

    /** The data directory of {@code config}, with the key file its {@code identity-file:} names, if any. */
    public static DataDirectory of(io.elara.node.config.NodeConfig config) {
        return new DataDirectory(config.dataDirectory(), config.identityFile());
    }

    public Path root() {
        return root;
    }

    public Path configFile() {
        return root.resolve(CONFIG_FILE);
    }

    public Path identityFile() {
        return identity;
    }

    /** The node's SQLite database ({@link NodeStore}). */
    public Path database() {
        return root.resolve(DATABASE_FILE);
    }

    /**
     * The control socket's path: in the data directory, or, when that path is too long for a Unix socket, in an
     * owner-only folder under the temporary directory named after the data directory.
     */
    public Path controlSocket() {
        Path inside = root.resolve(CONTROL_SOCKET);
        if (inside.toString().getBytes(StandardCharsets.UTF_8).length <= SOCKET_PATH_BYTES_MAX) {
            return inside;
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(root.toString().getBytes(StandardCharsets.UTF_8));
            String name = "elara-" + HexFormat.of().formatHex(digest, 0, 8);
            return Path.of(System.getProperty("java.io.tmpdir"), name, CONTROL_SOCKET);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Creates the directory (owner-only) if it does not exist. */
    public void create() throws IOException {
        if (Files.isDirectory(root)) {
            return;
        }
        if (Files.getFileAttributeView(root.getParent(), PosixFileAttributeView.class) != null) {
            Files.createDirectories(
                    root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(root);
        }
    }

    /** Reads the identity. */
    public KeyFile.Loaded identity() throws KeyFileException {
        return KeyFile.read(identityFile());
    }

    /**
     * Takes the directory's lock, held until the returned lock is closed (or the process dies: the kernel releases it).
     *
     * @throws IOException with a one-line message when another node holds it
     */
    public Lock lock() throws IOException {
        create();
        FileChannel channel =
                FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        boolean locked = false;
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Another node in this same process holds it (the kernel only arbitrates between processes).
                lock = null;
            }
            if (lock == null) {
                throw new IOException("data directory " + root + " is in use by another elara node");
            }
            locked = true;
            return new Lock(channel, lock);
        } finally {
            if (!locked) {
                channel.close();
            }
        }
    }

    /** A held directory lock. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
