package io.elara.node.secure;

import io.elara.crypto.identity.NodeId;
import java.net.InetSocketAddress;

/**
 * What {@link SecureEndpoint} produces, handed to the node's loop: datagrams to send and events. Called on the loop
 * thread during {@code onDatagram}, {@code onTimer} or {@code initiate}; arrays passed in belong to the callee.
 */
public interface SecureOutbox {
    /** Sends {@code datagram} to {@code recipient}. */
    void send(byte[] datagram, InetSocketAddress recipient);

    /** A handshake completed; {@code session} is ready to seal and open transport packets. */
    void established(SecureSession session);

    /** A transport packet opened; {@code plaintext} is the frames it carried. */
    void received(SecureSession session, byte[] plaintext);

    /**
     * A handshake this node initiated failed for good: {@code reason} is {@link SecureReject#HANDSHAKE_TIMEOUT} or an
     * identity failure ({@link SecureReject#UNEXPECTED_NODE_ID} and the like). {@code expected} is what was dialled.
     */
    void failed(int localIndex, NodeId expected, SecureReject reason);
}
