package io.elara.crdt.codec;

import java.util.Arrays;

/** A growable byte buffer with unsigned and zig-zag varint writers. Owned by one encoding call; not thread-safe. */
public final class ByteWriter {
    private byte[] bytes = new byte[64];
    private int length;

    public ByteWriter writeByte(int value) {
        ensure(1);
        bytes[length++] = (byte) value;
        return this;
    }

    /** An unsigned LEB128 varint of {@code value}'s 64 bits: 1 byte below 128, 10 at most. */
    public ByteWriter writeUnsignedVarint(long value) {
        ensure(10);
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            bytes[length++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        bytes[length++] = (byte) rest;
        return this;
    }

    /** A zig-zag varint: small magnitudes of either sign take few bytes. */
    public ByteWriter writeSignedVarint(long value) {
        return writeUnsignedVarint((value << 1) ^ (value >> 63));
    }

    public ByteWriter writeBytes(byte[] source) {
        ensure(source.length);
        System.arraycopy(source, 0, bytes, length, source.length);
        length += source.length;
        return this;
    }

    /** The length as an unsigned varint, then the bytes. */
    public ByteWriter writeLengthPrefixed(byte[] source) {
        writeUnsignedVarint(source.length);
        return writeBytes(source);
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }
}
