package io.elara.node.secure;

import io.elara.crypto.aead.PacketFormat;

/**
 * TRANSPORT (type 5, first byte 0xE5): frames protected with the session's keys. The first 8 bytes are the header,
 * authenticated as associated data; the rest is {@link PacketFormat}'s sealed part:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |1 1 1 0 0 1 0 1|                 Reserved (0)                  |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Receiver Index (32)                       |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Counter (64)                           |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Ciphertext (as long as the frames) ...          | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Poly1305 tag (128)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Receiver Index is the index the receiving side chose in the handshake. The counter is the nonce (ChaCha20-Poly1305
 * with Noise's nonce layout), checked against a replay window after the tag.
 */
final class TransportCodec {
    /** 0xE0 | 5. */
    static final byte TYPE = (byte) 0xE5;

    static final int RECEIVER_INDEX_OFFSET = 4;
    static final int HEADER_LENGTH = 8;
    /** An empty payload: header, counter and tag. */
    static final int LENGTH_MIN = HEADER_LENGTH + PacketFormat.OVERHEAD;

    private TransportCodec() {}
}
