package io.elara.node.wire;

/**
 * Classifies a datagram by its first byte, as RFC 7983 (updated by RFC 9443) multiplexes protocols on one port: 0-3
 * is STUN; Elara packets use 224-255 (0xE0-0xFF), a range RFC 9443 gives QUIC, which Elara never shares a port with.
 * Everything else (DTLS, TURN channels, RTP) is not ours.
 */
public final class Demux {
    public static final int STUN = 1;
    public static final int ELARA = 2;
    public static final int UNKNOWN = 0;

    private Demux() {}

    public static int classify(int firstByte) {
        if (firstByte <= 3) {
            return STUN;
        }
        if ((firstByte & PacketHeaderFlyweight.MARKER_MASK) == PacketHeaderFlyweight.MARKER) {
            return ELARA;
        }
        return UNKNOWN;
    }
}
