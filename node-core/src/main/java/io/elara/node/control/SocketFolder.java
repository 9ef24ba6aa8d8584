package io.elara.node.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;

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

    /** The user this process runs as (the owner of {@code /proc/self}); null where there is no {@code /proc}. */
    private static UserPrincipal processOwner() {
        try {
            return Files.getOwner(Path.of("/proc/self"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
