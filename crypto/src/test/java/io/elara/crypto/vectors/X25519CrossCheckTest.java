package io.elara.crypto.vectors;

import static io.elara.testing.vectors.SharedData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.aead.X25519Keys;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.Random;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * The JDK's X25519 ({@code XDH}) against Bouncy Castle's and {@link X25519Keys} on the same random keys: the shared
 * secrets must be identical. Half the peers' public keys are real ones, half are random strings (points on the curve
 * or its twist, non-canonical encodings included), which RFC 7748 says to accept as well.
 */
class X25519CrossCheckTest {
    private static final int CASES = 200;
    /** DER prefix of an X25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32 key bytes. */
    private static final byte[] X509_PREFIX = hex("302a300506032b656e032100");

    @Test
    void shouldAgreeOnIdenticalSecretsWhenTheJdkAndBouncyCastleShareKeys() throws Exception {
        Random random = new Random(7748);
        KeyFactory keys = KeyFactory.getInstance("XDH");
        KeyAgreement jdk = KeyAgreement.getInstance("XDH");
        for (int i = 0; i < CASES; i++) {
            byte[] privateKey = new byte[X25519Keys.KEY_LENGTH];
            random.nextBytes(privateKey);
            byte[] peerPublic;
            if (i % 2 == 0) {
                byte[] peerPrivate = new byte[X25519Keys.KEY_LENGTH];
                random.nextBytes(peerPrivate);
                peerPublic = X25519Keys.publicKey(peerPrivate);
            } else {
                peerPublic = new byte[X25519Keys.KEY_LENGTH];
                random.nextBytes(peerPublic);
            }
            String where = "case " + i + " of " + CASES;

            jdk.init(keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey)));
            jdk.doPhase(
                    keys.generatePublic(new X509EncodedKeySpec(ChaChaPolyReference.concat(X509_PREFIX, peerPublic))),
                    true);
            byte[] jdkSecret = jdk.generateSecret();

            X25519Agreement bc = new X25519Agreement();
            bc.init(new X25519PrivateKeyParameters(privateKey, 0));
            byte[] bcSecret = new byte[bc.getAgreementSize()];
            bc.calculateAgreement(new X25519PublicKeyParameters(peerPublic, 0), bcSecret, 0);

            assertThat(bcSecret).as(where).isEqualTo(jdkSecret);
            assertThat(X25519Keys.agree(privateKey, peerPublic)).as(where).isEqualTo(jdkSecret);
        }
    }
}
