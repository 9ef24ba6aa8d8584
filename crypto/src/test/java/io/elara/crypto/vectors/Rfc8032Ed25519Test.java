package io.elara.crypto.vectors;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.crypto.identity.Identity;
import io.elara.testing.vectors.SharedData;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/** RFC 8032 section 7.1 known answers (TEST 1, 2, 3 and SHA(abc)), through Identity and through Bouncy Castle. */
class Rfc8032Ed25519Test {
    private static final int VECTOR_COUNT = 4;

    private final JsonNode vectors =
            SharedData.json("vectors/rfc/rfc8032-ed25519.json").get("vectors");

    @Test
    void shouldProduceTheRfcPublicKeysAndSignaturesWhenSigningThroughIdentity() {
        int checked = 0;
        for (JsonNode vector : vectors) {
            String name = vector.get("name").asText();
            Identity identity = Identity.fromSeed(hex(vector.get("secret").asText()));
            byte[] message = hex(vector.get("message").asText());
            byte[] signature = hex(vector.get("signature").asText());

            assertThat(identity.nodeId().toBytes())
                    .as(name)
                    .isEqualTo(hex(vector.get("public").asText()));
            assertThat(identity.sign(message)).as(name).isEqualTo(signature);
            assertThat(Identity.verify(identity.nodeId(), message, signature))
                    .as(name)
                    .isTrue();
            assertThat(Identity.verify(identity.nodeId(), flipLastBit(message, signature), signature))
                    .as("%s, altered", name)
                    .isFalse();
            checked++;
        }
        assertThat(checked).as("rfc8032-ed25519.json vectors").isEqualTo(VECTOR_COUNT);
    }

    @Test
    void shouldProduceTheRfcPublicKeysAndSignaturesWhenSigningWithBouncyCastleDirectly() {
        int checked = 0;
        for (JsonNode vector : vectors) {
            String name = vector.get("name").asText();
            byte[] secret = hex(vector.get("secret").asText());
            byte[] publicKey = hex(vector.get("public").asText());
            byte[] message = hex(vector.get("message").asText());
            byte[] signature = hex(vector.get("signature").asText());

            // The low-level rfc8032 class.
            byte[] derived = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(secret, 0, derived, 0);
            byte[] signed = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(secret, 0, message, 0, message.length, signed, 0);
            assertThat(derived).as(name).isEqualTo(publicKey);
            assertThat(signed).as(name).isEqualTo(signature);
            assertThat(Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length))
                    .as(name)
                    .isTrue();

            // The Signer API, as Identity uses it.
            Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(secret, 0);
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, privateKey);
            signer.update(message, 0, message.length);
            assertThat(signer.generateSignature()).as(name).isEqualTo(signature);
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, privateKey.generatePublicKey());
            verifier.update(message, 0, message.length);
            assertThat(verifier.verifySignature(signature)).as(name).isTrue();
            checked++;
        }
        assertThat(checked).as("rfc8032-ed25519.json vectors").isEqualTo(VECTOR_COUNT);
    }

    /** The message with its last bit flipped, or one byte when it is empty. */
    private static byte[] flipLastBit(byte[] message, byte[] signature) {
        if (message.length == 0) {
            return new byte[] {signature[0]};
        }
        byte[] altered = message.clone();
        altered[altered.length - 1] ^= 1;
        return altered;
    }
}
