package io.elara.node.membership;

import io.elara.crdt.clock.Hlc;
import io.elara.crypto.identity.Identity;
import io.elara.node.event.SessionId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Fixed identities, a fixed session and clock values for the membership tests; nothing here is random. */
final class MembershipFixtures {
    /** The session of every test: 00 01 02 ... 0f. */
    static final SessionId SESSION = new SessionId(0x0001020304050607L, 0x08090a0b0c0d0e0fL);
    /** 2026-11-22T12:00:00Z, the wall clock of the tests. */
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    /** One day after {@link #NOW}. */
    static final Instant TOMORROW = NOW.plusSeconds(86_400);

    static final Identity CREATOR = identity(1);
    static final Identity ALICE = identity(2);
    static final Identity BOB = identity(3);
    static final Identity CAROL = identity(4);
    static final Identity MALLORY = identity(5);

    private MembershipFixtures() {}

    /** The identity whose 32-byte seed is {@code n} repeated. */
    static Identity identity(int n) {
        byte[] seed = new byte[Identity.SEED_LENGTH];
        Arrays.fill(seed, (byte) n);
        return Identity.fromSeed(seed);
    }

    /** A deterministic SecureRandom, for invite ids that are the same on every run. */
    static SecureRandom seededRandom(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA1PRNG", e);
        }
    }

    /** The HLC of {@code seconds} after {@link #NOW}, logical counter {@code logical}. */
    static long hlc(long seconds, int logical) {
        return Hlc.pack(NOW.toEpochMilli() + seconds * 1000, logical);
    }

    static InetSocketAddress address(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address needs no lookup: " + host, e);
        }
    }

    /** Two documentation addresses (RFC 5737), the typical pair: a LAN address and a reflexive one. */
    static List<InetSocketAddress> twoAddresses() {
        return List.of(address("192.0.2.10", 4000), address("198.51.100.7", 40001));
    }

    /** An invite of {@code inviter} into {@link #SESSION} named lobby, valid until {@link #TOMORROW}. */
    static InviteToken invite(Identity inviter, int maxUses, long seed) {
        return InviteToken.create(inviter, SESSION, "lobby", twoAddresses(), TOMORROW, maxUses, seededRandom(seed));
    }
}
