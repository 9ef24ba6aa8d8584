package io.elara.node.sim;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A {@link SecureRandom} whose bytes come from a seeded {@link SplittableRandom}: the simulator's handshakes (ephemeral
 * keys, indices, cookie secrets) must repeat exactly from one seed. Predictable by design, so it lives here and nothing
 * outside the simulator uses it.
 */
final class SeededSecureRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialised: the simulator's worlds live in one process
    private final SplittableRandom source;

    SeededSecureRandom(long seed) {
        this.source = new SplittableRandom(seed);
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        source.nextBytes(bytes);
    }

    @Override
    public byte[] generateSeed(int numBytes) {
        byte[] seed = new byte[numBytes];
        nextBytes(seed);
        return seed;
    }

    @Override
    public void setSeed(long seed) {
        // The constructor of SecureRandom calls this before the source exists; the seed given at creation rules.
    }
}
