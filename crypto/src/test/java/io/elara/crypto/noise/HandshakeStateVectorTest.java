package io.elara.crypto.noise;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Known answers: every XX vector in cacophony and snow (shared/data/vectors/noise) for the two suites this package
 * speaks, byte for byte, handshake and transport messages alike. One dynamic test per vector, and one per suite whose
 * name carries the number of vectors run and which fails if that number is zero.
 */
class HandshakeStateVectorTest {
    private static final List<String> FILES = List.of("cacophony.txt", "snow.txt");
    private static final int HANDSHAKE_MESSAGES = 3;
    private static final byte[] NO_AD = new byte[0];

    @TestFactory
    List<DynamicTest> shouldReproduceEveryXxVectorWhenRunWithItsFixedKeys() {
        List<DynamicTest> tests = new ArrayList<>();
        Map<NoiseSuite, Integer> counts = new EnumMap<>(NoiseSuite.class);
        for (NoiseSuite suite : NoiseSuite.values()) {
            counts.put(suite, 0);
        }
        for (String file : FILES) {
            JsonNode vectors = SharedData.json("vectors/noise/" + file).get("vectors");
            for (int index = 0; index < vectors.size(); index++) {
                JsonNode vector = vectors.get(index);
                Optional<NoiseSuite> suite =
                        NoiseSuite.byProtocolName(vector.get("protocol_name").asText());
                if (suite.isEmpty() || hasPsks(vector)) {
                    continue;
                }
                counts.merge(suite.get(), 1, Integer::sum);
                tests.add(dynamicTest(
                        file + " #" + index + " " + suite.get().protocolName(), () -> run(suite.get(), vector)));
            }
        }
        for (NoiseSuite suite : NoiseSuite.values()) {
            int count = counts.get(suite);
            tests.add(dynamicTest(
                    suite.protocolName() + ": " + count + " vectors run",
                    () -> assertThat(count)
                            .as("vectors run for %s", suite.protocolName())
                            .isPositive()));
        }
        return tests;
    }

    private static boolean hasPsks(JsonNode vector) {
        JsonNode psks = vector.get("init_psks");
        return psks != null && !psks.isEmpty();
    }

    private static void run(NoiseSuite suite, JsonNode vector) throws NoiseException {
        // XX carries both static keys in the handshake, so no vector gives a pre-known remote static key.
        assertThat(vector.has("init_remote_static") || vector.has("resp_remote_static"))
                .isFalse();
        byte[] initiatorStatic = hex(vector.get("init_static").asText());
        byte[] responderStatic = hex(vector.get("resp_static").asText());
        try (HandshakeState initiator = HandshakeState.withFixedEphemeral(
                        Role.INITIATOR,
                        suite,
                        hex(vector.get("init_prologue").asText()),
                        initiatorStatic,
                        hex(vector.get("init_ephemeral").asText()));
                HandshakeState responder = HandshakeState.withFixedEphemeral(
                        Role.RESPONDER,
                        suite,
                        hex(vector.get("resp_prologue").asText()),
                        responderStatic,
                        hex(vector.get("resp_ephemeral").asText()))) {
            JsonNode messages = vector.get("messages");
            assertThat(messages.size()).isGreaterThanOrEqualTo(HANDSHAKE_MESSAGES);
            for (int i = 0; i < HANDSHAKE_MESSAGES; i++) {
                HandshakeState sender = i % 2 == 0 ? initiator : responder;
                HandshakeState receiver = i % 2 == 0 ? responder : initiator;
                byte[] payload = hex(messages.get(i).get("payload").asText());
                byte[] message = sender.writeMessage(payload);
                assertThat(message)
                        .as("handshake message %d", i + 1)
                        .isEqualTo(hex(messages.get(i).get("ciphertext").asText()));
                assertThat(receiver.readMessage(message)).isEqualTo(payload);
            }
            assertThat(initiator.isComplete()).isTrue();
            assertThat(responder.isComplete()).isTrue();
            assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
            if (vector.has("handshake_hash")) {
                assertThat(initiator.handshakeHash())
                        .isEqualTo(hex(vector.get("handshake_hash").asText()));
            }
            assertThat(initiator.remoteStaticPublicKey()).isEqualTo(HandshakeState.publicKey(responderStatic));
            assertThat(responder.remoteStaticPublicKey()).isEqualTo(HandshakeState.publicKey(initiatorStatic));

            try (CipherStatePair initiatorSide = initiator.split();
                    CipherStatePair responderSide = responder.split()) {
                // After the handshake the vectors keep alternating: the message at an even index (counting from the
                // first handshake message) is the initiator's.
                for (int i = HANDSHAKE_MESSAGES; i < messages.size(); i++) {
                    boolean fromInitiator = i % 2 == 0;
                    CipherState sending = fromInitiator
                            ? initiatorSide.sending(Role.INITIATOR)
                            : responderSide.sending(Role.RESPONDER);
                    CipherState receiving = fromInitiator
                            ? responderSide.receiving(Role.RESPONDER)
                            : initiatorSide.receiving(Role.INITIATOR);
                    byte[] payload = hex(messages.get(i).get("payload").asText());
                    byte[] ciphertext = sending.encryptWithAd(NO_AD, payload);
                    assertThat(ciphertext)
                            .as("transport message %d", i + 1)
                            .isEqualTo(hex(messages.get(i).get("ciphertext").asText()));
                    assertThat(receiving.decryptWithAd(NO_AD, ciphertext)).isEqualTo(payload);
                }
            }
        }
    }
}
