package io.elara.crypto.aead;

/**
 * The sliding anti-replay window of one receiving key, after RFC 6479 and WireGuard's {@code replay} package: it
 * accepts each 64-bit packet counter at most once, and refuses counters more than {@link #WINDOW_SIZE} below the
 * highest one accepted so far.
 *
 * <p>The bitmap is a ring of {@link #RING_WORDS} 64-bit words, one bit per counter: {@link #WINDOW_SIZE} bits for the
 * window plus one spare word, so that moving the window forward clears whole words and never a live bit (RFC 6479
 * section 3). A counter above the highest moves the window forward and clears the words it passes over; a jump larger
 * than the ring clears the whole ring, so the work per call is bounded by {@link #RING_WORDS} word writes. Nothing is
 * allocated after construction.
 *
 * <p>Counters are unsigned: {@code -1L} is 2^64 - 1, the largest. A key's message limit is the caller's business
 * ({@link KeyLimits#REJECT_AFTER_MESSAGES}); the window itself takes any counter.
 *
 * <p>Not thread-safe: it belongs to the loop thread that owns the session.
 */
public final class ReplayWindow {
    /**
     * How many counters the window spans: with {@code h} the highest counter accepted so far, a new counter {@code c}
     * with {@code h - WINDOW_SIZE < c <= h} is accepted once; {@code c <= h - WINDOW_SIZE} is too old.
     */
    public static final int WINDOW_SIZE = 2_048;

    private static final int WORD_BITS_LOG = 6;
    private static final int WORD_BITS = 1 << WORD_BITS_LOG;
    /** The window's words and one spare, so that the word being cleared never holds a counter inside the window. */
    static final int RING_WORDS = WINDOW_SIZE / WORD_BITS + 1;

    private final long[] ring = new long[RING_WORDS];
    /** The highest counter accepted so far; 0 before the first, whose bit is then clear. */
    private long highest;

    /**
     * True when {@code counter} would be accepted now: it is above the highest seen, or inside the window and not seen
     * yet. Changes nothing, so a receiver can drop a replay before spending time on its tag.
     */
    public boolean check(long counter) {
        if (Long.compareUnsigned(counter, highest) > 0) {
            return true;
        }
        if (Long.compareUnsigned(highest - counter, WINDOW_SIZE) >= 0) {
            return false;
        }
        return (ring[wordIndex(counter)] & bit(counter)) == 0;
    }

    /**
     * Checks {@code counter} as {@link #check} does and, when it passes, records it (moving the window forward if it
     * is the new highest). Call this only after the packet's tag verified: a forged counter must never move the
     * window.
     *
     * @return true when the counter was new and is now recorded; false when it was too old or seen before
     */
    public boolean accept(long counter) {
        if (Long.compareUnsigned(counter, highest) > 0) {
            long currentWord = highest >>> WORD_BITS_LOG;
            long newWord = counter >>> WORD_BITS_LOG;
            // Both word numbers are below 2^58, so the difference is a plain non-negative long.
            long words = Math.min(newWord - currentWord, RING_WORDS);
            for (long i = 1; i <= words; i++) {
                ring[ringIndex(currentWord + i)] = 0;
            }
            highest = counter;
        } else if (Long.compareUnsigned(highest - counter, WINDOW_SIZE) >= 0) {
            return false;
        }
        int index = wordIndex(counter);
        long word = ring[index];
        long bit = bit(counter);
        if ((word & bit) != 0) {
            return false;
        }
        ring[index] = word | bit;
        return true;
    }

    /** The highest counter accepted so far (unsigned), or 0 when none has been. */
    public long highest() {
        return highest;
    }

    private static int wordIndex(long counter) {
        return ringIndex(counter >>> WORD_BITS_LOG);
    }

    private static int ringIndex(long word) {
        return (int) (word % RING_WORDS);
    }

    private static long bit(long counter) {
        return 1L << (counter & (WORD_BITS - 1));
    }
}
