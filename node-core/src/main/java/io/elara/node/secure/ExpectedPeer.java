package io.elara.node.secure;

import io.elara.crypto.identity.NodeId;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Whom a dialler expects to reach, as printed by {@code elara key export-public}: the peer's {@link NodeId} and, when
 * known, its X25519 static public key.
 *
 * <p>Noise XX tells the initiator the responder's static key only in message 2, but MAC1 on message 1 must be keyed
 * with it (so that only a sender who knows whom it dials makes the responder do Diffie-Hellman work). Without the
 * static key the initiator keys MAC1 with 32 zero bytes, which anyone can compute: a responder accepts that only when
 * configured to accept unknown peers and not under load, so such dials are the first to fail under attack.
 *
 * <p>A value: immutable, compared by content.
 */
public final class ExpectedPeer {
    private final NodeId nodeId;
    private final byte[] staticPublicKey;

    /**
     * @param nodeId the identity the peer must prove in message 2, or null to accept whoever answers
     * @param staticPublicKey the peer's X25519 static public key (32 bytes, copied), or null when unknown
     */
    public ExpectedPeer(NodeId nodeId, byte[] staticPublicKey) {
        this.nodeId = nodeId;
        if (staticPublicKey == null) {
            this.staticPublicKey = null;
        } else {
            if (staticPublicKey.length != Macs.KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "an X25519 public key is " + Macs.KEY_LENGTH + " bytes, got " + staticPublicKey.length);
            }
            this.staticPublicKey = staticPublicKey.clone();
        }
    }

    /** The identity the peer must prove, or null for anyone. */
    public NodeId nodeId() {
        return nodeId;
    }

    /** A peer known by id and static key: MAC1 is keyed properly. */
    public static ExpectedPeer of(NodeId nodeId, byte[] staticPublicKey) {
        return new ExpectedPeer(Objects.requireNonNull(nodeId), Objects.requireNonNull(staticPublicKey));
    }

    /** A peer known by id only: MAC1 uses the all-zero key. */
    public static ExpectedPeer ofNodeId(NodeId nodeId) {
        return new ExpectedPeer(Objects.requireNonNull(nodeId), null);
    }

    /** Anyone: no identity check beyond the binding signature, and the all-zero MAC1 key. */
    public static ExpectedPeer anyone() {
        return new ExpectedPeer(null, null);
    }

    /** The expected id, if any. */
    public Optional<NodeId> expectedNodeId() {
        return Optional.ofNullable(nodeId);
    }

    /** A copy of the static key, or 32 zero bytes when unknown (the key MAC1 is derived from). */
    public byte[] mac1PublicKey() {
        return staticPublicKey == null ? new byte[Macs.KEY_LENGTH] : staticPublicKey.clone();
    }

    /** A copy of the expected static key, or null when unknown. */
    public byte[] staticPublicKey() {
        return staticPublicKey == null ? null : staticPublicKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExpectedPeer that
                && Objects.equals(nodeId, that.nodeId)
                && Arrays.equals(staticPublicKey, that.staticPublicKey);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(nodeId) + Arrays.hashCode(staticPublicKey);
    }

    @Override
    public String toString() {
        return "ExpectedPeer[" + (nodeId == null ? "anyone" : nodeId.shortForm())
                + (staticPublicKey == null ? ", static key unknown]" : "]");
    }
}
