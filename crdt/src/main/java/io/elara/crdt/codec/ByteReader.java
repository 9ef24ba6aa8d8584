package io.elara.crdt.codec;

import io.elara.crdt.codec.CrdtDecodeException.Reason;
import java.util.Arrays;

/**
 * Reads an encoding written by {@link ByteWriter}, refusing malformed input with a {@link CrdtDecodeException} and
 * never an unchecked exception. Owned by one decoding call.
 */
public final class ByteReader {
    private final byte[] bytes;
    private final int limit;
    private int position;

    ByteReader(byte[] bytes, int offset, int limit) {
        this.bytes = bytes;
        this.position = offset;
        this.limit = limit;
    }

    public int remaining() {
        return limit - position;
    }

    public int readByte() throws CrdtDecodeException {
        if (position >= limit) {
            throw new CrdtDecodeException(Reason.TRUNCATED, "byte at " + position);
        }
        return bytes[position++] & 0xFF;
    }

    /** An unsigned varint in its shortest form. */
    public long readUnsignedVarint() throws CrdtDecodeException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int next = readByte();
            if (shift == 63 && next > 1) {
                throw new CrdtDecodeException(Reason.MALFORMED_VARINT, "varint beyond 64 bits");
            }
            value |= (long) (next & 0x7F) << shift;
            if ((next & 0x80) == 0) {
                if (next == 0 && shift > 0) {
                    throw new CrdtDecodeException(Reason.MALFORMED_VARINT, "varint not in its shortest form");
                }
                return value;
            }
        }
        throw new CrdtDecodeException(Reason.MALFORMED_VARINT, "varint longer than 10 bytes");
    }

    public long readSignedVarint() throws CrdtDecodeException {
        long zigZag = readUnsignedVarint();
        return (zigZag >>> 1) ^ -(zigZag & 1);
    }

    /**
     * A count of items that each take at least {@code bytesPerItemMin} bytes: refused when above {@code countMax} or
     * when the rest of the input could not hold that many, so a forged count never allocates.
     */
    public int readCount(int countMax, int bytesPerItemMin) throws CrdtDecodeException {
        long count = readUnsignedVarint();
        if (count < 0 || count > countMax) {
            throw new CrdtDecodeException(Reason.COUNT_BEYOND_BOUND, count + " items, at most " + countMax);
        }
        if (count * bytesPerItemMin > remaining()) {
            throw new CrdtDecodeException(Reason.COUNT_BEYOND_BOUND, count + " items in " + remaining() + " bytes");
        }
        return (int) count;
    }

    /** A length-prefixed byte string of at most {@code lengthMax} bytes. */
    public byte[] readLengthPrefixed(int lengthMax) throws CrdtDecodeException {
        int length = readCount(lengthMax, 1);
        byte[] copy = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return copy;
    }

    int position() {
        return position;
    }

    /** A copy of the bytes from {@code from} up to the current position. */
    byte[] readSince(int from) {
        return Arrays.copyOfRange(bytes, from, position);
    }

    /** Refuses the input unless every byte up to the limit has been read. */
    void expectEnd() throws CrdtDecodeException {
        if (position != limit) {
            throw new CrdtDecodeException(Reason.TRAILING_BYTES, (limit - position) + " bytes after the encoding");
        }
    }
}
