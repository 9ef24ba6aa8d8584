package io.elara.node.wire;

import io.elara.node.event.RejectReason;
import io.netty.buffer.ByteBuf;

/**
 * The Elara packet header, protocol version 0 (docs/PROTOCOL.md). Big-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |1 1 1|  Type   |    Version    |         Reserved (0)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                      Sender Epoch (64)                        +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Frames ...                            |
 * </pre>
 *
 * The three marker bits put every Elara packet in 0xE0-0xFF for demultiplexing ({@link Demux}). Type 0 is DATA, a
 * packet of plaintext frames; the crypto issue adds handshake types and authenticated encryption. The sender epoch
 * names one incarnation of the sender's reliable lane towards this receiver: a new epoch restarts sequence numbers.
 */
public final class PacketHeaderFlyweight {
    public static final int MARKER_MASK = 0xE0;
    public static final int MARKER = 0xE0;
    public static final int TYPE_MASK = 0x1F;

    public static final int TYPE_OFFSET = 0;
    public static final int VERSION_OFFSET = 1;
    public static final int RESERVED_OFFSET = 2;
    public static final int EPOCH_OFFSET = 4;
    public static final int HEADER_LENGTH = 12;

    /** The first byte of a secure session's TRANSPORT packet (type 5 in the Elara range). */
    public static final byte TRANSPORT_FIRST_BYTE = (byte) 0xE5;

    /** The protocol version this build speaks. */
    public static final int VERSION = 0;

    /** A packet of frames. */
    public static final int TYPE_DATA = 0;

    /**
     * Frames are packed into one datagram until the sealed datagram would grow past this: safe on every path without
     * IP fragmentation (as QUIC's 1,200).
     */
    public static final int DATAGRAM_LENGTH_TARGET = 1200;

    /**
     * Largest datagram Elara sends or accepts: an Ethernet MTU less the IPv4 and UDP headers. Only a single frame too
     * large for {@link #DATAGRAM_LENGTH_TARGET} (a long text with its signature proof) makes a datagram longer than the
     * target, until events are fragmented and the path MTU probed (transport issue).
     */
    public static final int DATAGRAM_LENGTH_MAX = 1472;

    /**
     * What a secure session adds to a packet: the TRANSPORT header (8 bytes), the counter (8) and the Poly1305 tag
     * (16); see {@code io.elara.node.secure.TransportCodec}.
     */
    public static final int SEAL_OVERHEAD = 32;

    /** Largest packet of frames, this header included, that still fits {@link #DATAGRAM_LENGTH_MAX} once sealed. */
    public static final int PACKET_LENGTH_MAX = DATAGRAM_LENGTH_MAX - SEAL_OVERHEAD;

    private ByteBuf buffer;
    private int offset;

    /** Checks the header of the {@code length} bytes at {@code offset}; never throws on bad input. */
    public RejectReason wrap(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        if (length < HEADER_LENGTH) {
            return RejectReason.PACKET_TOO_SHORT;
        }
        if (length > PACKET_LENGTH_MAX) {
            return RejectReason.PACKET_TOO_LONG;
        }
        int first = buffer.getUnsignedByte(offset + TYPE_OFFSET);
        if ((first & MARKER_MASK) != MARKER) {
            return RejectReason.UNKNOWN_PROTOCOL;
        }
        if (buffer.getUnsignedByte(offset + VERSION_OFFSET) != VERSION) {
            return RejectReason.PACKET_VERSION;
        }
        if ((first & TYPE_MASK) != TYPE_DATA) {
            return RejectReason.PACKET_TYPE;
        }
        if (buffer.getUnsignedShort(offset + RESERVED_OFFSET) != 0) {
            return RejectReason.PACKET_RESERVED;
        }
        return RejectReason.NONE;
    }

    public int type() {
        return buffer.getUnsignedByte(offset + TYPE_OFFSET) & TYPE_MASK;
    }

    public int version() {
        return buffer.getUnsignedByte(offset + VERSION_OFFSET);
    }

    public long epoch() {
        return buffer.getLong(offset + EPOCH_OFFSET);
    }

    /** Writes a DATA header at the writer index. */
    public static void encode(ByteBuf out, long epoch) {
        out.writeByte(MARKER | TYPE_DATA);
        out.writeByte(VERSION);
        out.writeShort(0);
        out.writeLong(epoch);
    }
}
