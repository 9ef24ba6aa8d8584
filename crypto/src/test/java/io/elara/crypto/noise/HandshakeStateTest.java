package io.elara.crypto.noise;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeStateTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final NoiseSuite SUITE = NoiseSuite.XX_25519_CHACHAPOLY_BLAKE2S;
    private static final byte[] PROLOGUE = "elara/1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    private final byte[] initiatorStatic = HandshakeState.generatePrivateKey(RANDOM);
    private final byte[] responderStatic = HandshakeState.generatePrivateKey(RANDOM);

    private HandshakeState initiator() {
        return HandshakeState.initiator(SUITE, PROLOGUE, initiatorStatic, RANDOM);
    }

    private HandshakeState responder() {
        return HandshakeState.responder(SUITE, PROLOGUE, responderStatic, RANDOM);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The three messages of one complete handshake between fresh states, each with a short payload. */
    private List<byte[]> transcript() throws NoiseException {
        try (HandshakeState initiator = initiator();
                HandshakeState responder = responder()) {
            byte[] first = initiator.writeMessage(EMPTY);
            responder.readMessage(first);
            byte[] second = responder.writeMessage(utf8("two"));
            initiator.readMessage(second);
            byte[] third = initiator.writeMessage(utf8("three"));
            responder.readMessage(third);
            return List.of(first, second, third);
        }
    }

    @ParameterizedTest
    @EnumSource(NoiseSuite.class)
    void shouldAgreeOnPeersHashAndTransportKeysWhenTwoFreshStatesShakeHands(NoiseSuite suite) throws Exception {
        try (HandshakeState initiator = HandshakeState.initiator(suite, PROLOGUE, initiatorStatic, RANDOM);
                HandshakeState responder = HandshakeState.responder(suite, PROLOGUE, responderStatic, RANDOM)) {
            assertThat(initiator.isWriteNext()).isTrue();
            assertThat(responder.isWriteNext()).isFalse();

            byte[] first = initiator.writeMessage(utf8("hello"));
            assertThat(first).hasSize(HandshakeState.PUBLIC_KEY_LENGTH + 5);
            assertThat(responder.readMessage(first))
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("hello");

            byte[] second = responder.writeMessage(utf8("responder's payload"));
            assertThat(second).hasSize(32 + 48 + 19 + 16);
            assertThat(initiator.readMessage(second))
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("responder's payload");
            assertThat(initiator.remoteStaticPublicKey()).isEqualTo(HandshakeState.publicKey(responderStatic));

            byte[] third = initiator.writeMessage(utf8("initiator's payload"));
            assertThat(third).hasSize(48 + 19 + 16);
            assertThat(responder.readMessage(third))
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("initiator's payload");
            assertThat(responder.remoteStaticPublicKey()).isEqualTo(initiator.localStaticPublicKey());

            assertThat(initiator.isComplete()).isTrue();
            assertThat(responder.isComplete()).isTrue();
            assertThat(initiator.handshakeHash()).hasSize(32).isEqualTo(responder.handshakeHash());

            try (CipherStatePair initiatorSide = initiator.split();
                    CipherStatePair responderSide = responder.split()) {
                byte[] ping = initiatorSide.sending(Role.INITIATOR).encryptWithAd(EMPTY, utf8("ping"));
                assertThat(responderSide.receiving(Role.RESPONDER).decryptWithAd(EMPTY, ping))
                        .asString(StandardCharsets.UTF_8)
                        .isEqualTo("ping");
                byte[] pong = responderSide.sending(Role.RESPONDER).encryptWithAd(EMPTY, utf8("pong"));
                assertThat(initiatorSide.receiving(Role.INITIATOR).decryptWithAd(EMPTY, pong))
                        .asString(StandardCharsets.UTF_8)
                        .isEqualTo("pong");
                // The two directions have different keys: a message cannot be reflected back to its sender.
                assertThatThrownBy(() -> initiatorSide.receiving(Role.INITIATOR).decryptWithAd(EMPTY, ping))
                        .isInstanceOf(NoiseException.class);
            }
        }
    }

    @Test
    void shouldProduceDifferentKeysWhenTheSameStaticsShakeHandsTwice() throws Exception {
        List<byte[]> one = transcript();
        List<byte[]> two = transcript();
        assertThat(one.get(0)).isNotEqualTo(two.get(0));
        assertThat(one.get(1)).isNotEqualTo(two.get(1));
    }

    /** Flips one bit at the start, the middle or the end of message {@code tampered} (1 to 3) in transit. */
    @ParameterizedTest(name = "message {0}, bit at {1}")
    @MethodSource("tamperings")
    void shouldFailTheHandshakeWhenAnyMessageHasABitFlipped(int tampered, String where) throws Exception {
        HandshakeState initiator = initiator();
        HandshakeState responder = responder();
        HandshakeState[] senders = {initiator, responder, initiator};
        HandshakeState[] receivers = {responder, initiator, responder};
        NoiseException failure = null;
        int failedAt = 0;
        for (int i = 0; i < 3 && failure == null; i++) {
            try {
                byte[] message = senders[i].writeMessage(utf8("payload"));
                if (i + 1 == tampered) {
                    int index = switch (where) {
                        case "start" -> 0;
                        case "middle" -> message.length / 2;
                        default -> message.length - 1;
                    };
                    message[index] ^= (byte) (where.equals("end") ? 0x80 : 0x01);
                }
                receivers[i].readMessage(message);
            } catch (NoiseException e) {
                failure = e;
                failedAt = i + 1;
            }
        }
        assertThat(failure).as("a tampered message must end the handshake").isNotNull();
        // Message 1 travels in clear, so its tampering shows when the initiator reads message 2; later messages are
        // caught as they are read.
        assertThat(failedAt).isEqualTo(Math.max(tampered, 2));
        assertThat(initiator.isComplete() && responder.isComplete()).isFalse();
        initiator.close();
        responder.close();
    }

    static List<Object[]> tamperings() {
        List<Object[]> cases = new ArrayList<>();
        for (int message = 1; message <= 3; message++) {
            for (String where : List.of("start", "middle", "end")) {
                cases.add(new Object[] {message, where});
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "message {0} truncated")
    @ValueSource(ints = {1, 2, 3})
    void shouldRejectAMessageWhenItIsTruncated(int truncated) throws Exception {
        try (HandshakeState initiator = initiator();
                HandshakeState responder = responder()) {
            HandshakeState[] senders = {initiator, responder, initiator};
            HandshakeState[] receivers = {responder, initiator, responder};
            for (int i = 0; i < truncated - 1; i++) {
                receivers[i].readMessage(senders[i].writeMessage(EMPTY));
            }
            byte[] message = senders[truncated - 1].writeMessage(EMPTY);
            byte[] shorter = Arrays.copyOf(message, message.length - 1);
            HandshakeState receiver = receivers[truncated - 1];
            assertThatThrownBy(() -> receiver.readMessage(shorter)).isInstanceOf(NoiseException.class);
            assertThatThrownBy(() -> receiver.readMessage(message))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("handshake has failed; start a new one");
        }
    }

    @Test
    void shouldRejectTheFinalMessageWhenTheInitiatorsMessagesAreReplayedToAFreshResponder() throws Exception {
        List<byte[]> recorded = transcript();
        try (HandshakeState fresh = responder()) {
            // Message 1 is unauthenticated, so the fresh responder accepts it and answers with a new ephemeral key;
            // the recorded message 3 was keyed to the old one.
            fresh.readMessage(recorded.get(0));
            fresh.writeMessage(EMPTY);
            assertThatThrownBy(() -> fresh.readMessage(recorded.get(2)))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("authentication tag does not verify");
            assertThat(fresh.isComplete()).isFalse();
        }
    }

    @Test
    void shouldRejectMessageTwoWhenTheResponderUsesADifferentPrologue() throws Exception {
        try (HandshakeState initiator = initiator();
                HandshakeState responder = HandshakeState.responder(SUITE, utf8("elara/2"), responderStatic, RANDOM)) {
            responder.readMessage(initiator.writeMessage(EMPTY));
            byte[] second = responder.writeMessage(EMPTY);
            assertThatThrownBy(() -> initiator.readMessage(second))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("authentication tag does not verify");
        }
    }

    /** The distinct public keys for which Wycheproof expects X25519 to output all zeros (low-order points). */
    static Set<String> lowOrderPoints() {
        JsonNode groups = SharedData.json("vectors/wycheproof/x25519_test.json").get("testGroups");
        Set<String> points = new LinkedHashSet<>();
        for (JsonNode group : groups) {
            for (JsonNode test : group.get("tests")) {
                for (JsonNode flag : test.get("flags")) {
                    if (flag.asText().equals("ZeroSharedSecret")) {
                        points.add(test.get("public").asText());
                    }
                }
            }
        }
        assertThat(points).hasSizeGreaterThanOrEqualTo(10);
        return points;
    }

    @ParameterizedTest
    @MethodSource("lowOrderPoints")
    void shouldRejectMessageOneWhenTheInitiatorsEphemeralIsLowOrder(String point) {
        HandshakeState responder = responder();
        assertThatThrownBy(() -> responder.readMessage(hex(point)))
                .isInstanceOf(NoiseException.class)
                .hasMessage("remote ephemeral public key is a low-order point (X25519 output is all zeros)");
        assertThatThrownBy(() -> responder.writeMessage(EMPTY)).isInstanceOf(NoiseException.class);
    }

    @ParameterizedTest
    @MethodSource("lowOrderPoints")
    void shouldRejectMessageTwoWhenTheRespondersEphemeralIsLowOrder(String point) throws Exception {
        try (HandshakeState initiator = initiator()) {
            initiator.writeMessage(EMPTY);
            byte[] second = new byte[32 + 48 + 16];
            System.arraycopy(hex(point), 0, second, 0, 32);
            assertThatThrownBy(() -> initiator.readMessage(second))
                    .isInstanceOf(NoiseException.class)
                    .hasMessageStartingWith("remote ephemeral public key is a low-order point");
        }
    }

    @Test
    void shouldRejectMessageTwoWhenTheRespondersStaticIsLowOrder() throws Exception {
        // A responder cannot hold a low-order static key, so message 2 is forged here token by token, as a malicious
        // responder would: e, ee, then s encrypted under the ee key (spec section 7.1).
        byte[] lowOrder = hex(lowOrderPoints().iterator().next());
        try (HandshakeState initiator = initiator();
                SymmetricState forger = new SymmetricState(SUITE)) {
            byte[] first = initiator.writeMessage(EMPTY);
            forger.mixHash(PROLOGUE);
            forger.mixHash(first);
            forger.decryptAndHash(first, 32, 0);
            byte[] ephemeralPrivate = HandshakeState.generatePrivateKey(RANDOM);
            byte[] ephemeralPublic = HandshakeState.publicKey(ephemeralPrivate);
            forger.mixHash(ephemeralPublic);
            byte[] ee = new byte[32];
            X25519.calculateAgreement(ephemeralPrivate, 0, first, 0, ee, 0);
            forger.mixKey(ee);
            byte[] encryptedStatic = forger.encryptAndHash(lowOrder);
            byte[] second = new byte[32 + 48 + 16];
            System.arraycopy(ephemeralPublic, 0, second, 0, 32);
            System.arraycopy(encryptedStatic, 0, second, 32, 48);

            assertThatThrownBy(() -> initiator.readMessage(second))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("remote static public key is a low-order point (X25519 output is all zeros)");
            assertThatThrownBy(initiator::remoteStaticPublicKey).isInstanceOf(NoiseException.class);
        }
    }

    @Test
    void shouldRejectCallsOutOfOrderWithoutDisturbingTheHandshake() throws Exception {
        try (HandshakeState initiator = initiator();
                HandshakeState responder = responder()) {
            assertThatThrownBy(() -> initiator.readMessage(new byte[32]))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("out of order: the initiator's next step is to write message 1");
            assertThatThrownBy(() -> responder.writeMessage(EMPTY))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("out of order: the responder's next step is to read message 1");
            assertThatThrownBy(initiator::split)
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("handshake is not complete; the initiator's next step is to write message 1");
            assertThatThrownBy(initiator::handshakeHash).isInstanceOf(NoiseException.class);
            assertThatThrownBy(initiator::remoteStaticPublicKey)
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("remote static key is not known until message 2 is read");

            responder.readMessage(initiator.writeMessage(EMPTY));
            assertThatThrownBy(() -> initiator.writeMessage(EMPTY))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("out of order: the initiator's next step is to read message 2");
            initiator.readMessage(responder.writeMessage(EMPTY));
            assertThatThrownBy(() -> responder.writeMessage(EMPTY)).isInstanceOf(NoiseException.class);
            responder.readMessage(initiator.writeMessage(EMPTY));

            assertThat(initiator.isComplete()).isTrue();
            assertThat(responder.isComplete()).isTrue();
            assertThatThrownBy(() -> initiator.writeMessage(EMPTY))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("handshake is complete; transport messages use the split cipher states");
            assertThatThrownBy(() -> responder.readMessage(new byte[64])).isInstanceOf(NoiseException.class);
            initiator.split().close();
            assertThatThrownBy(initiator::split)
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("transport cipher states were already taken by an earlier split");
        }
    }

    @Test
    void shouldRefuseEveryStepWhenClosed() throws Exception {
        HandshakeState initiator = initiator();
        initiator.close();
        initiator.close();
        assertThatThrownBy(() -> initiator.writeMessage(EMPTY))
                .isInstanceOf(NoiseException.class)
                .hasMessage("handshake state is closed");
        assertThatThrownBy(initiator::split).isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldBoundThePayloadAtTheNoiseMaximumWhenWriting() throws Exception {
        try (HandshakeState initiator = initiator();
                HandshakeState responder = responder()) {
            int firstMax = HandshakeState.MESSAGE_LENGTH_MAX - 32;
            assertThatThrownBy(() -> initiator.writeMessage(new byte[firstMax + 1]))
                    .isInstanceOf(NoiseException.class)
                    .hasMessage("payload of 65504 bytes does not fit handshake message 1 (at most 65503 bytes)");
            // An oversized payload changes nothing: the same state still writes a maximal message.
            byte[] first = initiator.writeMessage(new byte[firstMax]);
            assertThat(first).hasSize(HandshakeState.MESSAGE_LENGTH_MAX);
            assertThat(responder.readMessage(first)).hasSize(firstMax);

            int secondMax = HandshakeState.MESSAGE_LENGTH_MAX - 96;
            assertThatThrownBy(() -> responder.writeMessage(new byte[secondMax + 1]))
                    .isInstanceOf(NoiseException.class);
            byte[] second = responder.writeMessage(new byte[secondMax]);
            assertThat(second).hasSize(HandshakeState.MESSAGE_LENGTH_MAX);
            assertThat(initiator.readMessage(second)).hasSize(secondMax);

            int thirdMax = HandshakeState.MESSAGE_LENGTH_MAX - 64;
            byte[] third = initiator.writeMessage(new byte[thirdMax]);
            assertThat(third).hasSize(HandshakeState.MESSAGE_LENGTH_MAX);
            assertThat(responder.readMessage(third)).hasSize(thirdMax);
        }
    }

    @ParameterizedTest(name = "message 1 of {0} bytes")
    @ValueSource(ints = {0, 1, 31, HandshakeState.MESSAGE_LENGTH_MAX + 1})
    void shouldRejectMessageOneWhenItsLengthIsOutOfBounds(int length) {
        HandshakeState responder = responder();
        byte[] message = new byte[length];
        Arrays.fill(message, (byte) 9);
        assertThatThrownBy(() -> responder.readMessage(message)).isInstanceOf(NoiseException.class);
    }

    @Test
    void shouldWipeEverySecretWhenTheHandshakeCompletes() throws Exception {
        HandshakeState initiator = initiator();
        HandshakeState responder = responder();
        responder.readMessage(initiator.writeMessage(EMPTY));
        initiator.readMessage(responder.writeMessage(EMPTY));
        responder.readMessage(initiator.writeMessage(EMPTY));
        for (HandshakeState state : List.of(initiator, responder)) {
            assertThat((byte[]) field(state, "localStaticPrivate")).containsOnly(0);
            assertThat((byte[]) field(state, "localEphemeralPrivate")).containsOnly(0);
            assertThat((byte[]) field(field(state, "symmetric"), "ck")).containsOnly(0);
            assertThat(((CipherState) field(field(state, "symmetric"), "cipher")).hasKey())
                    .isFalse();
        }
        // The caller's own copy of the static key is untouched.
        assertThat(initiatorStatic).isNotEqualTo(new byte[32]);
    }

    @ParameterizedTest(name = "abandoned by {0}")
    @ValueSource(strings = {"close", "a bad message"})
    void shouldWipeEverySecretWhenTheHandshakeIsAbandoned(String how) throws Exception {
        HandshakeState responder = responder();
        responder.readMessage(initiator().writeMessage(EMPTY));
        assertThat((byte[]) field(responder, "pendingEe")).isNotNull();
        if (how.equals("close")) {
            responder.close();
        } else {
            responder.writeMessage(EMPTY);
            assertThatThrownBy(() -> responder.readMessage(new byte[64])).isInstanceOf(NoiseException.class);
        }
        assertThat((byte[]) field(responder, "localStaticPrivate")).containsOnly(0);
        assertThat((byte[]) field(responder, "localEphemeralPrivate")).containsOnly(0);
        assertThat((byte[]) field(responder, "pendingEe")).isNull();
        assertThat((byte[]) field(field(responder, "symmetric"), "ck")).containsOnly(0);
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }
}
