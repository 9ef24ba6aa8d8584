package io.elara.crypto.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.elara.crypto.aead.AeadTestAccess;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JDK's ChaCha20-Poly1305, Bouncy Castle's ({@code org.bouncycastle.crypto.modes.ChaCha20Poly1305}) and the packet
 * cipher path on the same random keys, nonces, associated data and plaintexts: identical output, and each opens the
 * others'.
 */
class ChaCha20Poly1305CrossCheckTest {
    private static final int CASES = 200;

    @Test
    void shouldSealIdenticallyAndOpenEachOthersOutputWhenTheJdkAndBouncyCastleShareInputs() throws Exception {
        Random random = new Random(8439);
        for (int i = 0; i < CASES; i++) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 12);
            byte[] aad = bytes(random, random.nextInt(65));
            byte[] plaintext = bytes(random, random.nextInt(1_501));
            String where = "case " + i + " of " + CASES + ", " + aad.length + " + " + plaintext.length + " bytes";

            byte[] jdk = ChaChaPolyReference.jdkSeal(key, nonce, aad, plaintext);
            byte[] bc = ChaChaPolyReference.bcSeal(key, nonce, aad, plaintext);
            byte[] packetPath = AeadTestAccess.seal(key, nonce, aad, plaintext, i % 2 == 0);

            assertThat(bc).as(where).isEqualTo(jdk);
            assertThat(packetPath).as(where).isEqualTo(jdk);
            assertThat(ChaChaPolyReference.jdkOpen(key, nonce, aad, bc))
                    .as(where)
                    .isEqualTo(plaintext);
            assertThat(ChaChaPolyReference.bcOpen(key, nonce, aad, jdk))
                    .as(where)
                    .isEqualTo(plaintext);
            assertThat(AeadTestAccess.open(key, nonce, aad, bc, i % 2 != 0))
                    .as(where)
                    .isEqualTo(plaintext);
        }
    }

    private static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
