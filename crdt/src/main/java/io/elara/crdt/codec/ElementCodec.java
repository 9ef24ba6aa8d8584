package io.elara.crdt.codec;

/**
 * Encodes the values a generic CRDT holds (set elements, register values, map keys and values). Implementations must
 * be deterministic (equal values, equal bytes) and must refuse bad input only through {@link CrdtDecodeException}.
 *
 * @param <T> the value type
 */
public interface ElementCodec<T> {
    void encode(T value, ByteWriter out);

    T decode(ByteReader in) throws CrdtDecodeException;
}
