package io.elara.node.store;

import io.elara.node.event.SessionId;
import java.util.Arrays;
import java.util.Objects;

/**
 * A session's state as of one version, so a restart does not replay the whole log.
 *
 * <p>Not a record: it holds an array, which a record would compare by reference.
 */
public final class SessionSnapshot {
    private final SessionId session;
    private final String name;
    private final long version;
    private final byte[] state;
    private final long updatedAtMs;

    /**
     * @param session the session
     * @param name its name
     * @param version grows with every snapshot of the session; an older one never replaces a newer one
     * @param state the encoded state (copied)
     * @param updatedAtMs when it was taken, in milliseconds since the Unix epoch
     */
    public SessionSnapshot(SessionId session, String name, long version, byte[] state, long updatedAtMs) {
        this.session = Objects.requireNonNull(session, "session");
        this.name = Objects.requireNonNull(name, "name");
        this.version = version;
        this.state = state.clone();
        this.updatedAtMs = updatedAtMs;
    }

    public SessionId session() {
        return session;
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    /** A copy of the encoded state. */
    public byte[] state() {
        return state.clone();
    }

    public long updatedAtMs() {
        return updatedAtMs;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionSnapshot that
                && session.equals(that.session)
                && name.equals(that.name)
                && version == that.version
                && Arrays.equals(state, that.state)
                && updatedAtMs == that.updatedAtMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(session, name, version, Arrays.hashCode(state), updatedAtMs);
    }

    @Override
    public String toString() {
        return "SessionSnapshot[" + session + " " + name + " v" + version + ", " + state.length + " bytes]";
    }
}
