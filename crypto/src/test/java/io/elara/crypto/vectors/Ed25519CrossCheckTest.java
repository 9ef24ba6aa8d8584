package io.elara.crypto.vectors;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JDK's Ed25519 and Bouncy Castle's (through {@link Identity}) on the same random keys and messages: Ed25519 is
 * deterministic, so the signatures must be identical, and each side must verify the other's.
 */
class Ed25519CrossCheckTest {
    private static final int CASES = 200;
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32 key bytes. */
    private static final byte[] X509_PREFIX = hex("302a300506032b6570032100");

    @Test
    void shouldSignIdenticallyAndVerifyEachOthersSignaturesWhenTheJdkAndBouncyCastleShareKeys() throws Exception {
        Random random = new Random(8032);
        KeyFactory keys = KeyFactory.getInstance("Ed25519");
        Signature jdk = Signature.getInstance("Ed25519");
        for (int i = 0; i < CASES; i++) {
            byte[] seed = new byte[Identity.SEED_LENGTH];
            random.nextBytes(seed);
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);
            Identity identity = Identity.fromSeed(seed);
            PrivateKey privateKey = keys.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            PublicKey publicKey = keys.generatePublic(new X509EncodedKeySpec(
                    ChaChaPolyReference.concat(X509_PREFIX, identity.nodeId().toBytes())));
            String where = "case " + i + " of " + CASES + ", message of " + message.length + " bytes";

            jdk.initSign(privateKey);
            jdk.update(message);
            byte[] jdkSignature = jdk.sign();
            byte[] bcSignature = identity.sign(message);

            assertThat(jdkSignature).as(where).isEqualTo(bcSignature);
            assertThat(Identity.verify(identity.nodeId(), message, jdkSignature))
                    .as(where)
                    .isTrue();
            jdk.initVerify(publicKey);
            jdk.update(message);
            assertThat(jdk.verify(bcSignature)).as(where).isTrue();
        }
    }
}
