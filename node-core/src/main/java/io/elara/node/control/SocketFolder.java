package io.elara.node.control;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;

/**
 * The folder a control socket sits in, checked before a node listens there and before a client connects: it must be
 * this user's own and closed to other users' writes. The socket falls back to a folder under the temporary
 * directory whose name another user can predict; one made there first would otherwise hold a socket of its own that
 * {@code elara send} and {@code elara chat} talk to, or take the node's place.
 */
final class SocketFolder {
    private SocketFolder() {}

    /**
     * @throws IOException naming, in one line, the folder and what is wrong with it; nothing when the folder does not
     *     exist yet (the node creates it owner-only) or the file system has no POSIX owners
     */
    static void check(Path socket) throws IOException {
        Path folder = socket.toAbsolutePath().getParent();
        PosixFileAttributes attributes;
        try {
            // Through links: a data directory may be one; a link another user put in the temporary folder leads to a
            // folder of theirs (refused below) or of this user's (which they cannot write to).
            attributes = Files.readAttributes(folder, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return;
        } catch (UnsupportedOperationException e) {
            return; // no POSIX attributes to check
        }
        UserPrincipal self = processOwner();
        if (self != null && !self.equals(attributes.owner())) {
            throw new IOException("control socket folder " + folder + " belongs to "
                    + attributes.owner().getName() + ", not to " + self.getName()
                    + "; remove it, or give the node a data-dir with a shorter path");
        }
        if (attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("control socket folder " + folder + " is writable by other users (chmod o-w it)");
        }
    }

    /**
     * Binds {@code server} to {@code socket} so that no other user can connect at any moment, even where other users
     * may enter the socket's folder: binds in a fresh owner-only folder beside it, makes the socket owner-only there,
     * and only then links it at {@code socket} (a link, not a rename, so that a socket another node put there first
     * is never replaced). Binding at {@code socket} and then changing its mode left it open to every user in between.
     *
     * @throws java.nio.file.FileAlreadyExistsException when something appeared at {@code socket} meanwhile
     */
    static void bindOwnerOnly(ServerSocketChannel server, Path socket) throws IOException {
        Path folder = socket.toAbsolutePath().getParent();
        if (Files.getFileAttributeView(folder, PosixFileAttributeView.class) == null) {
            server.bind(UnixDomainSocketAddress.of(socket)); // no modes to set: nothing to hide it from
            return;
        }
        Path hidden = privateFolder(folder);
        Path inside = hidden.resolve("s");
        try {
            server.bind(UnixDomainSocketAddress.of(inside));
            Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-------"));
            Files.createLink(socket, inside);
        } finally {
            Files.deleteIfExists(inside);
            Files.deleteIfExists(hidden);
        }
    }

    /** A new folder only this user can enter, with a short name (a socket's path has at most 107 bytes). */
    private static Path privateFolder(Path parent) throws IOException {
        SecureRandom random = new SecureRandom();
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int attempt = 0; ; attempt++) {
            StringBuilder name = new StringBuilder(".c");
            for (int i = 0; i < 6; i++) {
                name.append(letters.charAt(random.nextInt(letters.length())));
            }
            try {
                return Files.createDirectory(
                        parent.resolve(name.toString()),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /** The user this process runs as (the owner of {@code /proc/self}); null where there is no {@code /proc}. */
    private static UserPrincipal processOwner() {
        try {
            return Files.getOwner(Path.of("/proc/self"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
