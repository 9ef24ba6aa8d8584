package io.elara.node.lane;

/**
 * A lane epoch: the high 48 bits are the sending node's incarnation (random per start), the low 16 bits the lane's
 * generation, which moves on when the lane gives up and starts over. A changed incarnation means the peer restarted
 * and lost its lane state; a changed generation alone means only that lane started over.
 */
public final class Epoch {
    private static final int GENERATION_BITS = 16;
    private static final long GENERATION_MASK = (1L << GENERATION_BITS) - 1;
    private static final long INCARNATION_MASK = (1L << (64 - GENERATION_BITS)) - 1;

    private Epoch() {}

    /** The first epoch of a lane of a node whose incarnation is {@code incarnation} (only its low 48 bits count). */
    public static long first(long incarnation) {
        return (incarnation & INCARNATION_MASK) << GENERATION_BITS;
    }

    /** The next generation, same incarnation. */
    public static long next(long epoch) {
        return (epoch & ~GENERATION_MASK) | ((epoch + 1) & GENERATION_MASK);
    }

    public static long incarnation(long epoch) {
        return epoch >>> GENERATION_BITS;
    }

    public static int generation(long epoch) {
        return (int) (epoch & GENERATION_MASK);
    }
}
