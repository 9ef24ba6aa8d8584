package io.elara.node.secure;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the handshake and cookie-reply codecs alone (the whole endpoint is {@link SecureEndpointFuzzTest}):
 * for any datagram with a first byte (the demultiplexer has read one), {@link HandshakeCodec#validate} and {@link
 * CookieReplyCodec#validate} never throw and accept only messages of their exact length with zero reserved bytes; for
 * an accepted message, the Noise message, the MACs and the indexes lie inside it. Seeds in {@code
 * HandshakeCodecFuzzTestInputs}; {@code scripts/fuzz HandshakeCodecFuzzTest} fuzzes for real.
 */
class HandshakeCodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzzHandshakeMessage(byte[] datagram) {
        if (datagram.length == 0) {
            return; // the demultiplexer never hands on an empty datagram
        }
        if (HandshakeCodec.validate(datagram) == SecureReject.NONE) {
            if (!HandshakeCodec.reservedZero(datagram)
                    || datagram.length != HandshakeCodec.length(datagram[HandshakeCodec.TYPE_OFFSET])) {
                throw new IllegalStateException("accepted a handshake message of the wrong shape");
            }
            byte[] noise = HandshakeCodec.noise(datagram);
            int mac1 = HandshakeCodec.mac1Offset(datagram.length);
            int mac2 = HandshakeCodec.mac2Offset(datagram.length);
            if (noise.length == 0 || mac1 < 0 || mac2 + Macs.MAC_LENGTH != datagram.length) {
                throw new IllegalStateException("MACs or Noise message outside the datagram");
            }
            HandshakeCodec.getInt(datagram, HandshakeCodec.SENDER_INDEX_OFFSET);
        }
        if (CookieReplyCodec.validate(datagram) == SecureReject.NONE) {
            if (datagram.length != CookieReplyCodec.LENGTH) {
                throw new IllegalStateException("accepted a cookie reply of the wrong length");
            }
            CookieReplyCodec.nonce(datagram);
            HandshakeCodec.getInt(datagram, CookieReplyCodec.RECEIVER_INDEX_OFFSET);
        }
    }
}
