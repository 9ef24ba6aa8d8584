package io.elara.node.secure;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.elara.crypto.identity.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for the secure layer's network inputs: whatever bytes arrive, {@link SecureEndpoint#onDatagram} returns
 * a defined {@link SecureReject} and never throws. Under plain {@code mvn test} each target replays its seed corpus
 * from {@code src/test/resources/io/elara/node/secure/SecureEndpointFuzzTestInputs} (handshake messages with MAC1 for
 * the fixed responder below, made with Python's hashlib and pyca); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SecureEndpointFuzzTest {
    private static final long START_NS = 1_767_225_600_000_000_000L;
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7002);
    /** The responder's identity: seed 32 × 0x01, as the seed corpus assumes. */
    private static final Identity RESPONDER = Identity.fromSeed(filled(1));

    private static final SecureOutbox DISCARD = new SecureOutbox() {
        @Override
        public void send(byte[] datagram, InetSocketAddress recipient) {}

        @Override
        public void established(SecureSession session) {}

        @Override
        public void received(SecureSession session, byte[] plaintext) {}

        @Override
        public void failed(int localIndex, io.elara.crypto.identity.NodeId expected, SecureReject reason) {}
    };

    /** A deterministic generator, so that a failing input replays exactly (indices and ephemerals included). */
    private static SecureRandom seeded() {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(42);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA1PRNG", e);
        }
    }

    /** One datagram to a responder that accepts unknown peers. */
    @FuzzTest(maxDuration = "60s")
    void fuzzOneDatagram(byte[] datagram) {
        try (SecureEndpoint endpoint = new SecureEndpoint(RESPONDER, true, seeded(), DISCARD)) {
            assertThat(endpoint.onDatagram(datagram, PEER, START_NS)).isNotNull();
        }
    }

    /**
     * A conversation: the endpoint also dials (so responses, cookie replies and transport packets can find a handshake
     * or session), load switches on and off, and time passes.
     */
    @FuzzTest(maxDuration = "60s")
    void fuzzConversation(FuzzedDataProvider data) {
        try (SecureEndpoint endpoint = new SecureEndpoint(RESPONDER, data.consumeBoolean(), seeded(), DISCARD)) {
            long nowNs = START_NS;
            int rounds = 0;
            while (data.remainingBytes() > 0 && rounds++ < 32) {
                switch (data.consumeInt(0, 3)) {
                    case 0 -> endpoint.initiate(ExpectedPeer.anyone(), PEER, nowNs);
                    case 1 -> endpoint.underLoad(data.consumeBoolean());
                    case 2 -> endpoint.onTimer(nowNs);
                    default -> {
                        InetSocketAddress from =
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 7002 + data.consumeInt(0, 2));
                        byte[] datagram = data.consumeBytes(data.consumeInt(0, 300));
                        assertThat(endpoint.onDatagram(datagram, from, nowNs)).isNotNull();
                    }
                }
                nowNs += data.consumeLong(0, 30_000_000_000L);
            }
        }
    }

    /** Keeps the seed corpus honest: its initiations verify under the fixed responder's key and the all-zero key. */
    @Test
    void shouldAcceptTheSeedInitiationsWhenReplayedToTheFixedResponder() throws IOException {
        for (String seed : new String[] {"initiation-known-key", "initiation-zero-key"}) {
            try (SecureEndpoint endpoint = new SecureEndpoint(RESPONDER, true, seeded(), DISCARD)) {
                assertThat(endpoint.onDatagram(corpus(seed), PEER, START_NS))
                        .as(seed)
                        .isEqualTo(SecureReject.NONE);
                assertThat(endpoint.pendingHandshakes()).isEqualTo(1);
            }
        }
    }

    private static byte[] corpus(String name) throws IOException {
        try (InputStream in = SecureEndpointFuzzTest.class.getResourceAsStream(
                "SecureEndpointFuzzTestInputs/fuzzOneDatagram/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
