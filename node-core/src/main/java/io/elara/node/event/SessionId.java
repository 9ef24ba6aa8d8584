package io.elara.node.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A 128-bit session id. Until sessions get invites and membership (the sessions issue), a session is identified by its
 * name: the id is the first 16 bytes of SHA-256("elara-session-v0:" || name), so nodes that configure the same session
 * name share it. {@link #DIRECT} (all zero) marks a direct message between two nodes.
 */
public record SessionId(long high, long low) {
    /** Length in bytes on the wire. */
    public static final int LENGTH = 16;

    /** Not a session: a message addressed to one node. */
    public static final SessionId DIRECT = new SessionId(0, 0);

    public static SessionId forName(String name) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha256.digest(("elara-session-v0:" + name).getBytes(StandardCharsets.UTF_8));
            ByteBuffer buffer = ByteBuffer.wrap(digest);
            return new SessionId(buffer.getLong(), buffer.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public boolean isDirect() {
        return high == 0 && low == 0;
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }
}
