package io.elara.crypto.noise;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;

/**
 * Fuzz targets for the handshake's message decoder: arbitrary bytes arrive as message 1, 2 or 3 at a state that
 * expects exactly that message. The property is that only {@link NoiseException} escapes, and that a message that is
 * accepted leaves a state that carries on. The keys are those of cacophony's {@code Noise_XX_25519_ChaChaPoly_BLAKE2s}
 * vector, so the genuine messages in the seed corpus ({@code src/test/resources/io/elara/crypto/noise/
 * HandshakeStateFuzzTestInputs}) get past authentication and the fuzzer starts from the deep paths. Under plain
 * {@code mvn test} each target replays its seeds; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class HandshakeStateFuzzTest {
    private static final NoiseSuite SUITE = NoiseSuite.XX_25519_CHACHAPOLY_BLAKE2S;
    // From cacophony.txt, vector Noise_XX_25519_ChaChaPoly_BLAKE2s (shared/data/vectors/noise).
    private static final byte[] PROLOGUE = hex("4a6f686e2047616c74");
    private static final byte[] INITIATOR_STATIC =
            hex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
    private static final byte[] INITIATOR_EPHEMERAL =
            hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    private static final byte[] RESPONDER_STATIC =
            hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
    private static final byte[] RESPONDER_EPHEMERAL =
            hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
    private static final byte[] FIRST_PAYLOAD = hex("4c756477696720766f6e204d69736573");
    private static final byte[] SECOND_PAYLOAD = hex("4d757272617920526f746862617264");
    private static final byte[] FIRST_MESSAGE =
            hex("ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573");

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    private static HandshakeState initiator() {
        return HandshakeState.withFixedEphemeral(
                Role.INITIATOR, SUITE, PROLOGUE, INITIATOR_STATIC, INITIATOR_EPHEMERAL.clone());
    }

    private static HandshakeState responder() {
        return HandshakeState.withFixedEphemeral(
                Role.RESPONDER, SUITE, PROLOGUE, RESPONDER_STATIC, RESPONDER_EPHEMERAL.clone());
    }

    /** Arbitrary bytes as message 1, read by a fresh responder, which then answers if it accepted them. */
    @FuzzTest(maxDuration = "60s")
    void fuzzMessage1(byte[] message) {
        try (HandshakeState responder = responder()) {
            responder.readMessage(message);
            responder.writeMessage(new byte[0]);
        } catch (NoiseException expected) {
            // The property: malformed input is refused with NoiseException and nothing else.
        }
    }

    /** Arbitrary bytes as message 2, read by an initiator that has written the vector's message 1. */
    @FuzzTest(maxDuration = "60s")
    void fuzzMessage2(byte[] message) {
        try (HandshakeState initiator = initiator()) {
            writeExpected(initiator, FIRST_PAYLOAD);
            initiator.readMessage(message);
            initiator.remoteStaticPublicKey();
            initiator.writeMessage(new byte[0]);
            initiator.split().close();
        } catch (NoiseException expected) {
            // The property: malformed input is refused with NoiseException and nothing else.
        }
    }

    /** Arbitrary bytes as message 3, read by a responder that has read the vector's message 1 and answered it. */
    @FuzzTest(maxDuration = "60s")
    void fuzzMessage3(byte[] message) {
        try (HandshakeState responder = responder()) {
            readExpected(responder, FIRST_MESSAGE);
            writeExpected(responder, SECOND_PAYLOAD);
            responder.readMessage(message);
            responder.remoteStaticPublicKey();
            responder.handshakeHash();
            responder.split().close();
        } catch (NoiseException expected) {
            // The property: malformed input is refused with NoiseException and nothing else.
        }
    }

    /** A step with genuine input that must succeed; its failure is a bug in the harness or the state machine. */
    private static void writeExpected(HandshakeState state, byte[] payload) {
        try {
            state.writeMessage(payload);
        } catch (NoiseException e) {
            throw new IllegalStateException("a genuine handshake step failed", e);
        }
    }

    private static void readExpected(HandshakeState state, byte[] message) {
        try {
            state.readMessage(message);
        } catch (NoiseException e) {
            throw new IllegalStateException("a genuine handshake step failed", e);
        }
    }
}
