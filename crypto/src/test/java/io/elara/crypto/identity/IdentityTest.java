package io.elara.crypto.identity;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.elara.testing.vectors.SharedData;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class IdentityTest {
    @Test
    void shouldMatchRfc8032KnownAnswersWhenSigningWithTheVectorSeeds() {
        JsonNode vectors = SharedData.json("vectors/rfc/rfc8032-ed25519.json").get("vectors");
        assertThat(vectors.size()).isGreaterThanOrEqualTo(4);
        for (JsonNode vector : vectors) {
            Identity identity = Identity.fromSeed(hex(vector.get("secret").asText()));
            byte[] message = hex(vector.get("message").asText());
            byte[] expectedSignature = hex(vector.get("signature").asText());

            assertThat(identity.nodeId().toBytes())
                    .as(vector.get("name").asText())
                    .isEqualTo(hex(vector.get("public").asText()));
            assertThat(identity.sign(message)).as(vector.get("name").asText()).isEqualTo(expectedSignature);
            assertThat(Identity.verify(identity.nodeId(), message, expectedSignature))
                    .isTrue();
        }
    }

    @Test
    void shouldRejectSignatureWhenMessageOrSignerDiffers() {
        Identity alice = Identity.generate(new SecureRandom());
        Identity other = Identity.generate(new SecureRandom());
        byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] signature = alice.sign(message);

        assertThat(Identity.verify(alice.nodeId(), message, signature)).isTrue();
        assertThat(Identity.verify(other.nodeId(), message, signature)).isFalse();
        assertThat(Identity.verify(alice.nodeId(), "hellp".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        signature[10] ^= 1;
        assertThat(Identity.verify(alice.nodeId(), message, signature)).isFalse();
        assertThat(Identity.verify(alice.nodeId(), message, new byte[63])).isFalse();
    }

    @Test
    void shouldRecreateSameNodeIdWhenLoadedFromItsSeed() {
        Identity identity = Identity.generate(new SecureRandom());
        assertThat(Identity.fromSeed(identity.seed()).nodeId()).isEqualTo(identity.nodeId());
    }

    @Test
    void shouldDeriveAStableStaticKeyAndBindItToTheNodeId() {
        Identity first = Identity.fromSeed(new byte[32]);
        Identity again = Identity.fromSeed(new byte[32]);
        assertThat(first.staticPublicKey()).isEqualTo(again.staticPublicKey()).hasSize(32);
        Identity other = Identity.generate(new java.security.SecureRandom());
        assertThat(other.staticPublicKey()).isNotEqualTo(first.staticPublicKey());

        byte[] binding = first.staticKeyBinding();
        assertThat(Identity.verifyStaticKeyBinding(first.nodeId(), first.staticPublicKey(), binding))
                .isTrue();
        assertThat(Identity.verifyStaticKeyBinding(other.nodeId(), first.staticPublicKey(), binding))
                .isFalse();
        assertThat(Identity.verifyStaticKeyBinding(first.nodeId(), other.staticPublicKey(), binding))
                .isFalse();
        // The static public key is the X25519 base-point multiple of the derived private key.
        byte[] fromPrivate = new org.bouncycastle.crypto.params.X25519PrivateKeyParameters(first.staticPrivateKey(), 0)
                .generatePublicKey()
                .getEncoded();
        assertThat(fromPrivate).isEqualTo(first.staticPublicKey());
    }

    @Test
    void shouldRefuseRatherThanThrowWhenTheSignersKeyIsNotACurvePoint() {
        Identity identity = Identity.fromSeed(new byte[32]);
        byte[] signature = identity.sign(new byte[] {1});
        // y = 2 has no x on the curve: RFC 8032 decoding fails.
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2;
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new org.bouncycastle.crypto.params.Ed25519PublicKeyParameters(notAPoint, 0))
                .as("Bouncy Castle refuses the key itself")
                .isInstanceOf(IllegalArgumentException.class);
        io.elara.crypto.identity.NodeId bogus = io.elara.crypto.identity.NodeId.of(notAPoint);
        assertThat(Identity.verify(bogus, new byte[] {1}, signature)).isFalse();
    }
}
