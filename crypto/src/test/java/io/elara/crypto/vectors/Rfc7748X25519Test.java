package io.elara.crypto.vectors;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.crypto.aead.X25519Keys;
import io.elara.testing.vectors.SharedData;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** RFC 7748 sections 5.2 and 6.1 known answers, through Bouncy Castle and {@link X25519Keys}. */
class Rfc7748X25519Test {
    private final JsonNode vectors =
            SharedData.json("vectors/rfc/rfc7748-x25519.json").get("vectors");

    @Test
    void shouldMatchBothScalarMultiplicationVectorsWhenComputedByBouncyCastleAndX25519Keys() throws Exception {
        int checked = 0;
        for (JsonNode vector : vectors.get("scalar_mult")) {
            String name = vector.get("name").asText();
            byte[] scalar = hex(vector.get("scalar").asText());
            byte[] u = hex(vector.get("u").asText());
            byte[] output = hex(vector.get("output").asText());

            byte[] result = new byte[X25519.POINT_SIZE];
            X25519.scalarMult(scalar, 0, u, 0, result, 0);
            assertThat(result).as(name).isEqualTo(output);
            assertThat(X25519Keys.agree(scalar, u)).as(name).isEqualTo(output);
            checked++;
        }
        assertThat(checked).as("rfc7748-x25519.json scalar_mult vectors").isEqualTo(2);
    }

    @Test
    void shouldMatchTheIteratedVectorWhenIteratingOnceAndAThousandTimes() {
        JsonNode iterated = vectors.get("iterated");
        Iteration iteration = new Iteration(
                hex(iterated.get("start_k").asText()),
                hex(iterated.get("start_u").asText()));
        iteration.run(1);
        assertThat(iteration.k)
                .as("after 1")
                .isEqualTo(hex(iterated.get("after_1").asText()));
        iteration.run(999);
        assertThat(iteration.k)
                .as("after 1,000")
                .isEqualTo(hex(iterated.get("after_1000").asText()));
    }

    /**
     * The 1,000,000-iteration vector takes about two minutes here (roughly 120 µs a step), far over the 10 s budget
     * for a unit test, so it runs only on request: {@code -Delara.test.slow=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "elara.test.slow", matches = "true")
    void shouldMatchTheIteratedVectorWhenIteratingAMillionTimes() {
        JsonNode iterated = vectors.get("iterated");
        Iteration iteration = new Iteration(
                hex(iterated.get("start_k").asText()),
                hex(iterated.get("start_u").asText()));
        iteration.run(1_000_000);
        assertThat(iteration.k)
                .as("after 1,000,000")
                .isEqualTo(hex(iterated.get("after_1000000").asText()));
    }

    @Test
    void shouldDeriveBothPublicKeysAndTheSharedSecretOfSection61WhenEitherSideComputesIt() throws Exception {
        JsonNode dh = vectors.get("dh_6_1");
        byte[] alicePrivate = hex(dh.get("alice_private").asText());
        byte[] bobPrivate = hex(dh.get("bob_private").asText());
        byte[] alicePublic = hex(dh.get("alice_public").asText());
        byte[] bobPublic = hex(dh.get("bob_public").asText());
        byte[] shared = hex(dh.get("shared").asText());

        assertThat(X25519Keys.publicKey(alicePrivate)).isEqualTo(alicePublic);
        assertThat(X25519Keys.publicKey(bobPrivate)).isEqualTo(bobPublic);
        assertThat(X25519Keys.agree(alicePrivate, bobPublic)).isEqualTo(shared);
        assertThat(X25519Keys.agree(bobPrivate, alicePublic)).isEqualTo(shared);

        X25519Agreement agreement = new X25519Agreement();
        agreement.init(new X25519PrivateKeyParameters(alicePrivate, 0));
        byte[] viaAgreement = new byte[agreement.getAgreementSize()];
        agreement.calculateAgreement(new X25519PublicKeyParameters(bobPublic, 0), viaAgreement, 0);
        assertThat(viaAgreement).isEqualTo(shared);
    }

    /** RFC 7748 section 5.2: k = u = 9, then repeatedly (k, u) = (X25519(k, u), k). */
    private static final class Iteration {
        private byte[] k;
        private byte[] u;
        private byte[] spare = new byte[X25519.POINT_SIZE];

        Iteration(byte[] k, byte[] u) {
            this.k = k;
            this.u = u;
        }

        void run(int steps) {
            for (int i = 0; i < steps; i++) {
                X25519.scalarMult(k, 0, u, 0, spare, 0);
                byte[] oldU = u;
                u = k;
                k = spare;
                spare = oldU;
            }
        }
    }
}
