package io.elara.crypto.vectors;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.identity.Identity;
import io.elara.crypto.identity.NodeId;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof {@code ed25519_test.json}: every valid signature verifies and every invalid one (s not below the group
 * order, s + L malleability, non-canonical or truncated encodings, trailing garbage) is refused, by {@link Identity}
 * and by Bouncy Castle's two APIs.
 */
class WycheproofEd25519Test {
    private static final String FILE = "ed25519_test.json";
    private static final int TESTS = 151;
    private static final int VALID = 88;
    private static final int INVALID = 63;

    private final List<Wycheproof.Case> cases = Wycheproof.cases(FILE);

    @Test
    void shouldAcceptEveryValidAndRefuseEveryInvalidSignatureWhenVerifiedByIdentity() {
        check(
                "Identity.verify",
                (publicKey, message, signature) -> Identity.verify(NodeId.of(publicKey), message, signature));
    }

    @Test
    void shouldAcceptEveryValidAndRefuseEveryInvalidSignatureWhenVerifiedByTheBouncyCastleSigner() {
        check("BC Ed25519Signer", (publicKey, message, signature) -> {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        });
    }

    @Test
    void shouldAcceptEveryValidAndRefuseEveryInvalidSignatureWhenVerifiedByTheBouncyCastleRfc8032Class() {
        // The low-level API reads exactly 64 signature bytes; other lengths are refused before it, as Identity does.
        check(
                "BC rfc8032.Ed25519",
                (publicKey, message, signature) -> signature.length == Ed25519.SIGNATURE_SIZE
                        && Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length));
    }

    private interface Verifier {
        boolean verify(byte[] publicKey, byte[] message, byte[] signature);
    }

    private void check(String verifierName, Verifier verifier) {
        int validAccepted = 0;
        int invalidRefused = 0;
        for (Wycheproof.Case c : cases) {
            byte[] publicKey = hex(c.group().get("publicKey").get("pk").asText());
            boolean accepted = verifier.verify(publicKey, c.hex("msg"), c.hex("sig"));
            boolean valid = c.result().equals("valid");
            assertThat(accepted).as("%s, %s: %s", verifierName, FILE, c).isEqualTo(valid);
            if (valid) {
                validAccepted++;
            } else {
                invalidRefused++;
            }
        }
        assertThat(new int[] {cases.size(), validAccepted, invalidRefused})
                .as("%s, %s: tests, valid accepted, invalid refused", verifierName, FILE)
                .containsExactly(TESTS, VALID, INVALID);
    }
}
