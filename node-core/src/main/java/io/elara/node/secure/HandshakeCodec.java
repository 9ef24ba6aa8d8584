package io.elara.node.secure;

/**
 * The three handshake messages, after WireGuard's (whitepaper section 5.4.2 to 5.4.4). All integers are big-endian;
 * the first byte is {@code 0xE0 | type}, in the Elara range of the first-byte demultiplexer (PROTOCOL.md), so these
 * packets share the port with version-0 DATA (type 0) and STUN.
 *
 * <p>HANDSHAKE_INITIATION (type 1, first byte 0xE1), 72 bytes:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |1 1 1 0 0 0 0 1|                 Reserved (0)                  |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Sender Index (32)                        |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Noise message 1: initiator ephemeral e (256), no payload |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          MAC1 (128)                           | 40
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          MAC2 (128)                           | 56
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>HANDSHAKE_RESPONSE (type 2, first byte 0xE2), 236 bytes:
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |1 1 1 0 0 0 1 0|                 Reserved (0)                  |   0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Sender Index (32)                        |   4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Receiver Index (32)                       |   8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Noise message 2 (192 bytes): e (32), enc(s) (32 + tag 16),   |  12
 * |  enc(payload) (96 + tag 16)                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          MAC1 (128)                           | 204
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          MAC2 (128)                           | 220
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>HANDSHAKE_FINISH (type 3, first byte 0xE3), 204 bytes: as the response, but Noise message 3 (160 bytes: enc(s)
 * (32 + tag 16), enc(payload) (96 + tag 16)) at 12, MAC1 at 172 and MAC2 at 188.
 *
 * <ul>
 *   <li><b>Sender Index</b>: chosen at random by the sender for this handshake and the session it becomes; the peer
 *       puts it in the Receiver Index of everything it sends back.
 *   <li><b>Payload</b> of messages 2 and 3 (encrypted by Noise): the sender's Ed25519 public key (32 bytes, its
 *       {@code NodeId}) then its static-key binding signature (64 bytes) over its X25519 static key. Message 1 carries
 *       none: in XX it would travel in clear.
 *   <li><b>MAC1</b>: keyed BLAKE2s-128 over every byte before it, with key BLAKE2s-256("mac1----" || K), where K is the
 *       responder's X25519 static public key as the initiator knows it when dialling, or 32 zero bytes when it does not
 *       know it ({@link ExpectedPeer}). The same K keys MAC1 on all three messages of one handshake (the responder
 *       remembers which key message 1 verified under), since in XX the responder does not learn the initiator's static
 *       key before message 3. On message 1 MAC1 is the DoS filter; on messages 2 and 3 the receiver finds its state by
 *       the receiver index first, so MAC1 there only rejects damaged messages before any Diffie-Hellman work.
 *   <li><b>MAC2</b>: keyed BLAKE2s-128 over every byte before it (including MAC1), with the cookie the responder last
 *       sent in a cookie reply ({@link CookieReplyCodec}), or 16 zero bytes without a fresh cookie. Only message 1's
 *       MAC2 is checked, and only when the responder is under load; messages 2 and 3 send zeros.
 * </ul>
 */
final class HandshakeCodec {
    /** 0xE0 | 1. */
    static final byte TYPE_INITIATION = (byte) 0xE1;
    /** 0xE0 | 2. */
    static final byte TYPE_RESPONSE = (byte) 0xE2;
    /** 0xE0 | 3. */
    static final byte TYPE_FINISH = (byte) 0xE3;

    static final int TYPE_OFFSET = 0;
    static final int RESERVED_OFFSET = 1;
    static final int RESERVED_LENGTH = 3;
    static final int SENDER_INDEX_OFFSET = 4;
    static final int RECEIVER_INDEX_OFFSET = 8;
    static final int INDEX_LENGTH = 4;

    /** Ed25519 public key, then the binding signature. */
    static final int PAYLOAD_LENGTH = 32 + 64;

    static final int INITIATION_NOISE_OFFSET = 8;
    static final int INITIATION_NOISE_LENGTH = 32;
    static final int RESPONSE_NOISE_OFFSET = 12;
    static final int RESPONSE_NOISE_LENGTH = 32 + 48 + PAYLOAD_LENGTH + 16;
    static final int FINISH_NOISE_OFFSET = 12;
    static final int FINISH_NOISE_LENGTH = 48 + PAYLOAD_LENGTH + 16;

    static final int INITIATION_LENGTH = INITIATION_NOISE_OFFSET + INITIATION_NOISE_LENGTH + 2 * Macs.MAC_LENGTH;
    static final int RESPONSE_LENGTH = RESPONSE_NOISE_OFFSET + RESPONSE_NOISE_LENGTH + 2 * Macs.MAC_LENGTH;
    static final int FINISH_LENGTH = FINISH_NOISE_OFFSET + FINISH_NOISE_LENGTH + 2 * Macs.MAC_LENGTH;

    private HandshakeCodec() {}

    /** The fixed length of a handshake message of first byte {@code type}, or -1 for another type. */
    static int length(byte type) {
        return switch (type) {
            case TYPE_INITIATION -> INITIATION_LENGTH;
            case TYPE_RESPONSE -> RESPONSE_LENGTH;
            case TYPE_FINISH -> FINISH_LENGTH;
            default -> -1;
        };
    }

    /** Where MAC1 starts in a message of {@code length} bytes. */
    static int mac1Offset(int length) {
        return length - 2 * Macs.MAC_LENGTH;
    }

    /** Where MAC2 starts in a message of {@code length} bytes. */
    static int mac2Offset(int length) {
        return length - Macs.MAC_LENGTH;
    }

    /**
     * A message of type {@code type} around {@code noise}, MAC1 keyed with {@code mac1Key} and MAC2 with
     * {@code cookie} (or zeros when null). {@code receiverIndex} is ignored for the initiation.
     */
    static byte[] encode(byte type, int senderIndex, int receiverIndex, byte[] noise, byte[] mac1Key, byte[] cookie) {
        int length = length(type);
        byte[] out = new byte[length];
        out[TYPE_OFFSET] = type;
        putInt(out, SENDER_INDEX_OFFSET, senderIndex);
        int noiseOffset = INITIATION_NOISE_OFFSET;
        if (type != TYPE_INITIATION) {
            putInt(out, RECEIVER_INDEX_OFFSET, receiverIndex);
            noiseOffset = RESPONSE_NOISE_OFFSET;
        }
        if (noiseOffset + noise.length != mac1Offset(length)) {
            throw new IllegalStateException("Noise message of " + noise.length + " bytes does not fit type " + type);
        }
        System.arraycopy(noise, 0, out, noiseOffset, noise.length);
        Macs.writeMac(mac1Key, out, mac1Offset(length));
        if (cookie != null) {
            Macs.writeMac(cookie, out, mac2Offset(length));
        }
        return out;
    }

    /** Structural checks on a handshake message: its fixed length and zero reserved bytes. */
    static SecureReject validate(byte[] datagram) {
        if (datagram.length != length(datagram[TYPE_OFFSET])) {
            return SecureReject.PACKET_LENGTH;
        }
        return reservedZero(datagram) ? SecureReject.NONE : SecureReject.PACKET_RESERVED;
    }

    /** The Noise message inside a validated handshake message. */
    static byte[] noise(byte[] datagram) {
        int offset = datagram[TYPE_OFFSET] == TYPE_INITIATION ? INITIATION_NOISE_OFFSET : RESPONSE_NOISE_OFFSET;
        byte[] out = new byte[mac1Offset(datagram.length) - offset];
        System.arraycopy(datagram, offset, out, 0, out.length);
        return out;
    }

    static boolean reservedZero(byte[] datagram) {
        return datagram[RESERVED_OFFSET] == 0
                && datagram[RESERVED_OFFSET + 1] == 0
                && datagram[RESERVED_OFFSET + 2] == 0;
    }

    static int getInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24
                | (bytes[offset + 1] & 0xFF) << 16
                | (bytes[offset + 2] & 0xFF) << 8
                | (bytes[offset + 3] & 0xFF);
    }

    static void putInt(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
    }
}
