package io.elara.crypto.aead;

/**
 * The protected part of a transport packet, as {@link PacketSealer} writes it after the caller's header and
 * {@link PacketOpener} reads it:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                         Counter (64)                          +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Ciphertext (as long as the plaintext) ...          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |                     Poly1305 tag (128)                        |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li><b>Counter</b>: the packet's number under this key, unsigned, big-endian like every integer in the protocol.
 *       It is not in the associated data: it is the nonce, so changing it changes the tag just the same.
 *   <li><b>Ciphertext and tag</b>: ChaCha20-Poly1305 (RFC 8439) with the 96-bit nonce of Noise (section 5.1) and
 *       WireGuard: 32 zero bits, then the counter little-endian. The associated data is the caller's header (for a
 *       transport packet: type and receiver index).
 * </ul>
 */
public final class PacketFormat {
    /** A ChaCha20-Poly1305 key. */
    public static final int KEY_LENGTH = 32;
    /** Where the counter starts, from the end of the caller's header. */
    public static final int COUNTER_OFFSET = 0;
    /** The counter's length. */
    public static final int COUNTER_LENGTH = 8;
    /** Where the ciphertext starts. */
    public static final int CIPHERTEXT_OFFSET = COUNTER_OFFSET + COUNTER_LENGTH;
    /** The Poly1305 tag's length. */
    public static final int TAG_LENGTH = 16;
    /** What sealing adds to a plaintext: counter and tag. */
    public static final int OVERHEAD = COUNTER_LENGTH + TAG_LENGTH;
    /** The longest sealed part: the largest UDP payload over IPv4 (65,535 - 20 - 8 bytes). */
    public static final int SEALED_LENGTH_MAX = 65_507;
    /** The longest plaintext one packet carries. */
    public static final int PLAINTEXT_LENGTH_MAX = SEALED_LENGTH_MAX - OVERHEAD;

    private PacketFormat() {}
}
