package io.elara.node.secure;

import io.elara.crypto.identity.NodeId;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A {@link SecureOutbox} that keeps everything, for tests to deliver by hand. */
final class RecordingOutbox implements SecureOutbox {
    @SuppressWarnings("ArrayRecordComponent") // test data, compared by hand
    record Sent(byte[] datagram, InetSocketAddress recipient) {}

    @SuppressWarnings("ArrayRecordComponent") // test data, compared by hand
    record Received(SecureSession session, byte[] plaintext) {}

    record Failed(int localIndex, NodeId expected, SecureReject reason) {}

    final List<Sent> sent = new ArrayList<>();
    final List<SecureSession> established = new ArrayList<>();
    final List<Received> received = new ArrayList<>();
    final List<Failed> failed = new ArrayList<>();

    @Override
    public void send(byte[] datagram, InetSocketAddress recipient) {
        sent.add(new Sent(datagram, recipient));
    }

    @Override
    public void established(SecureSession session) {
        established.add(session);
    }

    @Override
    public void received(SecureSession session, byte[] plaintext) {
        received.add(new Received(session, plaintext));
    }

    @Override
    public void failed(int localIndex, NodeId expected, SecureReject reason) {
        failed.add(new Failed(localIndex, expected, reason));
    }

    /** The last datagram sent, removed. */
    byte[] takeLast() {
        return sent.remove(sent.size() - 1).datagram();
    }
}
