package io.elara.crypto.aead;

/**
 * How long one transport key may be used, as in WireGuard (whitepaper section 6.1, {@code wireguard-go}'s
 * {@code device/constants.go}). The session layer starts a new handshake once {@link PacketSealer#rekeyWanted} says
 * so; the keys themselves refuse to work past the reject limits.
 */
public final class KeyLimits {
    /** After this many packets sealed with one key, a new handshake is wanted (2^60). */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;

    /**
     * Counters from this one on (2^64 - 2^13, unsigned) are never sealed or opened. The margin below 2^64 keeps a
     * counter from ever wrapping into the replay window; {@code wireguard-go} stops one counter earlier.
     */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13);

    /** After a key has been in use this long, a new handshake is wanted (120 s). */
    public static final long REKEY_AFTER_TIME_NS = 120_000_000_000L;

    /** A key this old seals and opens nothing more (180 s). */
    public static final long REJECT_AFTER_TIME_NS = 180_000_000_000L;

    private KeyLimits() {}

    /** True when {@code counter} is below {@link #REJECT_AFTER_MESSAGES}, comparing as unsigned numbers. */
    static boolean counterUsable(long counter) {
        return Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) < 0;
    }

    /** True when a key created at {@code createdNs} is at least {@code limitNs} old at {@code nowNs}. */
    static boolean older(long createdNs, long nowNs, long limitNs) {
        // Subtraction first, so that the comparison survives nanoTime-style values that wrap.
        return nowNs - createdNs >= limitNs;
    }
}
