package io.elara.node.gossip;

import io.elara.node.event.EventId;

/**
 * Flyweight over one gossip frame in a byte array, and the encoders that write one. Every frame starts with the same
 * four-byte header; the body depends on the type.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  version = 1  |     type      |     flags     |   argument    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     body (type-specific) ...                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * GOSSIP (0x01)    argument = hops from the origin (saturates at 255); flags bit 0 = REDUNDANT (an extra eager copy:
 *                  a duplicate of it is no reason to PRUNE); body = message id (16) | payload (0..1,100)
 * IHAVE (0x02)     argument = id count (1..64; 0..64 for a SUMMARY); flags bit 0 = SUMMARY (anti-entropy digest:
 *                  answer with one), bit 1 = REPLY (answer to a SUMMARY: do not answer), not both;
 *                  body = count x message id (16)
 * GRAFT (0x03)     argument = id count (0..64); flags bit 0 = PULL (send these, but keep the tree as it is);
 *                  body = count x message id (16)
 * PRUNE (0x04)     argument = 0, flags = 0, no body
 * NEIGHBOR (0x05)  argument = priority (0 low, 1 high), flags = 0, no body
 * REPLY (0x06)     argument = accepted (0 no, 1 yes), flags = 0, no body
 * DISCONNECT (0x07) argument = 0, flags = 0, no body
 * HEARTBEAT (0x08) argument = 0, flags = 0, no body
 * </pre>
 *
 * {@link #wrap} checks the whole frame and returns a {@link GossipReject}; it never throws on any input. Accessors read
 * at fixed offsets. Single thread; a flyweight holds no state beyond the array it wraps.
 */
public final class GossipFrame {
    public static final byte VERSION = 1;

    public static final byte TYPE_GOSSIP = 0x01;
    public static final byte TYPE_IHAVE = 0x02;
    public static final byte TYPE_GRAFT = 0x03;
    public static final byte TYPE_PRUNE = 0x04;
    public static final byte TYPE_NEIGHBOR = 0x05;
    public static final byte TYPE_NEIGHBOR_REPLY = 0x06;
    public static final byte TYPE_DISCONNECT = 0x07;
    public static final byte TYPE_HEARTBEAT = 0x08;

    public static final int FLAG_REDUNDANT = 0x01;
    public static final int FLAG_SUMMARY = 0x01;
    public static final int FLAG_REPLY = 0x02;
    public static final int FLAG_PULL = 0x01;

    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int FLAGS_OFFSET = 2;
    public static final int ARGUMENT_OFFSET = 3;
    public static final int HEADER_LENGTH = 4;
    public static final int ID_OFFSET = HEADER_LENGTH;
    public static final int PAYLOAD_OFFSET = ID_OFFSET + EventId.LENGTH;

    /** Largest payload of a GOSSIP frame, in bytes: frame stays within a 1,200-byte datagram with room for sealing. */
    public static final int PAYLOAD_LENGTH_MAX = 1_100;
    /** Most message ids in one IHAVE or GRAFT frame. */
    public static final int IDS_MAX = 64;
    /** Longest frame of any type, in bytes. */
    public static final int FRAME_LENGTH_MAX = PAYLOAD_OFFSET + PAYLOAD_LENGTH_MAX;

    private byte[] buffer = new byte[0];
    private int offset;
    private int length;

    /**
     * Wraps {@code length} bytes of {@code buffer} from {@code offset} and checks them. Returns {@link GossipReject#NONE}
     * when the accessors may be used; any other value means the frame is malformed and must be dropped.
     */
    public GossipReject wrap(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        if (buffer == null || offset < 0 || length < 0 || offset > buffer.length - length) {
            this.length = 0;
            return GossipReject.GOSSIP_TOO_SHORT;
        }
        if (length < HEADER_LENGTH) {
            return GossipReject.GOSSIP_TOO_SHORT;
        }
        if (buffer[offset + VERSION_OFFSET] != VERSION) {
            return GossipReject.GOSSIP_VERSION;
        }
        int flags = flags();
        int argument = argument();
        return switch (type()) {
            case TYPE_GOSSIP -> checkGossip(flags);
            case TYPE_IHAVE ->
                checkIds(
                        (flags & ~(FLAG_SUMMARY | FLAG_REPLY)) != 0 || flags == (FLAG_SUMMARY | FLAG_REPLY),
                        (argument == 0 && flags != FLAG_SUMMARY) || argument > IDS_MAX,
                        argument);
            case TYPE_GRAFT -> checkIds((flags & ~FLAG_PULL) != 0, argument > IDS_MAX, argument);
            case TYPE_PRUNE, TYPE_DISCONNECT, TYPE_HEARTBEAT -> checkEmpty(flags, argument, 0);
            case TYPE_NEIGHBOR, TYPE_NEIGHBOR_REPLY -> checkEmpty(flags, argument, 1);
            default -> GossipReject.GOSSIP_TYPE;
        };
    }

    private GossipReject checkGossip(int flags) {
        if ((flags & ~FLAG_REDUNDANT) != 0) {
            return GossipReject.GOSSIP_FLAGS;
        }
        if (length < PAYLOAD_OFFSET) {
            return GossipReject.GOSSIP_TOO_SHORT;
        }
        return length - PAYLOAD_OFFSET > PAYLOAD_LENGTH_MAX ? GossipReject.GOSSIP_PAYLOAD_TOO_LONG : GossipReject.NONE;
    }

    private GossipReject checkIds(boolean badFlags, boolean badCount, int count) {
        if (badFlags) {
            return GossipReject.GOSSIP_FLAGS;
        }
        if (badCount) {
            return GossipReject.GOSSIP_COUNT;
        }
        return length == HEADER_LENGTH + count * EventId.LENGTH ? GossipReject.NONE : GossipReject.GOSSIP_LENGTH;
    }

    private GossipReject checkEmpty(int flags, int argument, int argumentMax) {
        if (flags != 0) {
            return GossipReject.GOSSIP_FLAGS;
        }
        if (argument > argumentMax) {
            return GossipReject.GOSSIP_ARGUMENT;
        }
        return length == HEADER_LENGTH ? GossipReject.NONE : GossipReject.GOSSIP_LENGTH;
    }

    public byte type() {
        return buffer[offset + TYPE_OFFSET];
    }

    public int flags() {
        return buffer[offset + FLAGS_OFFSET] & 0xFF;
    }

    /** Hops for GOSSIP, id count for IHAVE and GRAFT, priority for NEIGHBOR, accepted for REPLY. */
    public int argument() {
        return buffer[offset + ARGUMENT_OFFSET] & 0xFF;
    }

    /** Ids in an IHAVE or GRAFT frame; 1 for GOSSIP. */
    public int idCount() {
        byte type = type();
        return type == TYPE_GOSSIP ? 1 : type == TYPE_IHAVE || type == TYPE_GRAFT ? argument() : 0;
    }

    /** The {@code index}-th message id (GOSSIP: index 0 only). */
    public EventId id(int index) {
        int at = offset + ID_OFFSET + index * EventId.LENGTH;
        return new EventId(readLong(buffer, at), readLong(buffer, at + Long.BYTES));
    }

    public int payloadLength() {
        return length - PAYLOAD_OFFSET;
    }

    /** A copy of a GOSSIP frame's payload. */
    public byte[] payload() {
        byte[] payload = new byte[payloadLength()];
        System.arraycopy(buffer, offset + PAYLOAD_OFFSET, payload, 0, payload.length);
        return payload;
    }

    /** A GOSSIP frame carrying {@code payload} under {@code id}, {@code hops} from its origin. */
    public static byte[] gossip(EventId id, byte[] payload, int hops, boolean redundant) {
        if (payload.length > PAYLOAD_LENGTH_MAX) {
            throw new IllegalArgumentException(
                    "a gossip payload holds at most " + PAYLOAD_LENGTH_MAX + " bytes, got " + payload.length);
        }
        byte[] frame = header(
                TYPE_GOSSIP, redundant ? FLAG_REDUNDANT : 0, Math.min(hops, 255), PAYLOAD_OFFSET + payload.length);
        writeId(frame, ID_OFFSET, id);
        System.arraycopy(payload, 0, frame, PAYLOAD_OFFSET, payload.length);
        return frame;
    }

    /** An IHAVE (type {@link #TYPE_IHAVE}) or GRAFT (type {@link #TYPE_GRAFT}) frame naming {@code count} ids. */
    public static byte[] ids(byte type, int flags, EventId[] ids, int from, int count) {
        if (type != TYPE_IHAVE && type != TYPE_GRAFT) {
            throw new IllegalArgumentException("only IHAVE and GRAFT carry ids, not type " + type);
        }
        if (count < (type == TYPE_IHAVE && flags != FLAG_SUMMARY ? 1 : 0) || count > IDS_MAX) {
            throw new IllegalArgumentException("id count out of range: " + count);
        }
        byte[] frame = header(type, flags, count, HEADER_LENGTH + count * EventId.LENGTH);
        for (int i = 0; i < count; i++) {
            writeId(frame, ID_OFFSET + i * EventId.LENGTH, ids[from + i]);
        }
        return frame;
    }

    /** A frame without body: PRUNE, NEIGHBOR, REPLY, DISCONNECT or HEARTBEAT. */
    public static byte[] control(byte type, int argument) {
        return header(type, 0, argument, HEADER_LENGTH);
    }

    private static byte[] header(byte type, int flags, int argument, int frameLength) {
        byte[] frame = new byte[frameLength];
        frame[VERSION_OFFSET] = VERSION;
        frame[TYPE_OFFSET] = type;
        frame[FLAGS_OFFSET] = (byte) flags;
        frame[ARGUMENT_OFFSET] = (byte) argument;
        return frame;
    }

    private static void writeId(byte[] frame, int at, EventId id) {
        writeLong(frame, at, id.high());
        writeLong(frame, at + Long.BYTES, id.low());
    }

    private static void writeLong(byte[] bytes, int at, long value) {
        for (int i = 0; i < Long.BYTES; i++) {
            bytes[at + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    private static long readLong(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
