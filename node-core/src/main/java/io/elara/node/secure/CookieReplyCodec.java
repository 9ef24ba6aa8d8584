package io.elara.node.secure;

/**
 * COOKIE_REPLY (type 4, first byte 0xE4), 64 bytes, sent by a responder under load instead of answering a message 1
 * whose MAC1 verified but whose MAC2 did not (WireGuard whitepaper section 5.4.7):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |1 1 1 0 0 1 0 0|                 Reserved (0)                  |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Receiver Index (32)                       |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Nonce (192)                             |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Encrypted cookie (128), then Poly1305 tag (128)       | 32
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li><b>Receiver Index</b>: the Sender Index of the message 1 answered.
 *   <li><b>Nonce</b>: 24 random bytes.
 *   <li><b>Encrypted cookie</b>: XChaCha20-Poly1305 with key BLAKE2s-256("cookie--" || responder's static public key)
 *       and associated data the MAC1 of the message 1 answered, of the cookie = keyed BLAKE2s-128(R, sender IP address
 *       bytes || sender port, 2 bytes), where R is a responder secret replaced every 120 s.
 * </ul>
 */
final class CookieReplyCodec {
    /** 0xE0 | 4. */
    static final byte TYPE = (byte) 0xE4;

    static final int RECEIVER_INDEX_OFFSET = 4;
    static final int NONCE_OFFSET = 8;
    static final int COOKIE_OFFSET = NONCE_OFFSET + Macs.NONCE_LENGTH;
    static final int COOKIE_SEALED_LENGTH = Macs.MAC_LENGTH + Macs.TAG_LENGTH;
    static final int LENGTH = COOKIE_OFFSET + COOKIE_SEALED_LENGTH;

    private CookieReplyCodec() {}

    static byte[] encode(int receiverIndex, byte[] nonce, byte[] sealedCookie) {
        byte[] out = new byte[LENGTH];
        out[0] = TYPE;
        HandshakeCodec.putInt(out, RECEIVER_INDEX_OFFSET, receiverIndex);
        System.arraycopy(nonce, 0, out, NONCE_OFFSET, Macs.NONCE_LENGTH);
        System.arraycopy(sealedCookie, 0, out, COOKIE_OFFSET, COOKIE_SEALED_LENGTH);
        return out;
    }

    static SecureReject validate(byte[] datagram) {
        if (datagram.length != LENGTH) {
            return SecureReject.PACKET_LENGTH;
        }
        return HandshakeCodec.reservedZero(datagram) ? SecureReject.NONE : SecureReject.PACKET_RESERVED;
    }

    static byte[] nonce(byte[] datagram) {
        byte[] nonce = new byte[Macs.NONCE_LENGTH];
        System.arraycopy(datagram, NONCE_OFFSET, nonce, 0, nonce.length);
        return nonce;
    }
}
