package io.elara.crypto.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elara.crypto.aead.LowOrderPointException;
import io.elara.crypto.aead.X25519Keys;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof {@code x25519_test.json}: every valid and acceptable case (twist points, non-canonical encodings, edge
 * cases of the multiplication) gives the expected shared secret, and every case whose secret is all zeros (a
 * low-order public key) is refused by {@link X25519Keys#agree}. The file has no invalid cases; one would have to be
 * refused.
 */
class WycheproofX25519Test {
    private static final String FILE = "x25519_test.json";
    private static final int TESTS = 518;
    private static final int AGREED = 487;
    private static final int ZERO_REFUSED = 31;

    @Test
    void shouldAgreeOnTheExpectedSecretOrRefuseALowOrderPointForEveryCase() throws Exception {
        List<Wycheproof.Case> cases = Wycheproof.cases(FILE);
        int agreed = 0;
        int zeroRefused = 0;
        for (Wycheproof.Case c : cases) {
            byte[] privateKey = c.hex("private");
            byte[] publicKey = c.hex("public");
            byte[] shared = c.hex("shared");
            boolean zero = Arrays.equals(shared, new byte[X25519.POINT_SIZE]);
            String where = FILE + ": " + c;

            // Bouncy Castle itself computes the same bytes and reports the zero secret.
            byte[] direct = new byte[X25519.POINT_SIZE];
            boolean nonZero = X25519.calculateAgreement(privateKey, 0, publicKey, 0, direct, 0);

            if (c.result().equals("invalid") || zero) {
                assertThatThrownBy(() -> X25519Keys.agree(privateKey, publicKey))
                        .as(where)
                        .isInstanceOf(LowOrderPointException.class);
                assertThat(nonZero).as(where).isFalse();
                zeroRefused++;
            } else {
                assertThat(X25519Keys.agree(privateKey, publicKey)).as(where).isEqualTo(shared);
                assertThat(direct).as(where).isEqualTo(shared);
                assertThat(nonZero).as(where).isTrue();
                agreed++;
            }
        }
        assertThat(new int[] {cases.size(), agreed, zeroRefused})
                .as("%s: tests, valid or acceptable agreed, all-zero refused", FILE)
                .containsExactly(TESTS, AGREED, ZERO_REFUSED);
    }
}
