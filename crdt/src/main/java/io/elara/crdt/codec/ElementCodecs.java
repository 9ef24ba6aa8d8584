package io.elara.crdt.codec;

import io.elara.crdt.codec.CrdtDecodeException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The shipped element codecs: UTF-8 strings, byte strings and zig-zag longs. */
public final class ElementCodecs {
    /** Longest string or byte string an element may be, in bytes. */
    public static final int ELEMENT_LENGTH_MAX = 65_536;

    /** Length-prefixed strict UTF-8; malformed UTF-8 is refused as {@link Reason#INVALID_VALUE}. */
    public static final ElementCodec<String> STRING = new ElementCodec<>() {
        @Override
        public void encode(String value, ByteWriter out) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            checkLength(utf8.length);
            out.writeLengthPrefixed(utf8);
        }

        @Override
        public String decode(ByteReader in) throws CrdtDecodeException {
            byte[] utf8 = in.readLengthPrefixed(ELEMENT_LENGTH_MAX);
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(utf8))
                        .toString();
            } catch (CharacterCodingException malformed) {
                throw new CrdtDecodeException(Reason.INVALID_VALUE, "malformed UTF-8: " + malformed.getMessage());
            }
        }
    };

    /** Length-prefixed bytes. Arrays compare by identity, so prefer them as register and map values. */
    public static final ElementCodec<byte[]> BYTES = new ElementCodec<>() {
        @Override
        public void encode(byte[] value, ByteWriter out) {
            checkLength(value.length);
            out.writeLengthPrefixed(value);
        }

        @Override
        public byte[] decode(ByteReader in) throws CrdtDecodeException {
            return in.readLengthPrefixed(ELEMENT_LENGTH_MAX);
        }
    };

    /** Zig-zag varint. */
    public static final ElementCodec<Long> LONG = new ElementCodec<>() {
        @Override
        public void encode(Long value, ByteWriter out) {
            out.writeSignedVarint(value);
        }

        @Override
        public Long decode(ByteReader in) throws CrdtDecodeException {
            return in.readSignedVarint();
        }
    };

    private ElementCodecs() {}

    private static void checkLength(int length) {
        if (length > ELEMENT_LENGTH_MAX) {
            throw new IllegalArgumentException("element of " + length + " bytes exceeds " + ELEMENT_LENGTH_MAX);
        }
    }
}
