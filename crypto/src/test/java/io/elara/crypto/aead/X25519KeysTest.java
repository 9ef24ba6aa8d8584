package io.elara.crypto.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class X25519KeysTest {
    @Test
    void shouldAgreeOnOneSecretWhenBothSidesUseTheirPrivateAndThePeersPublicKey() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] alice = X25519Keys.generatePrivateKey(random);
        byte[] bob = X25519Keys.generatePrivateKey(random);

        byte[] aliceShared = X25519Keys.agree(alice, X25519Keys.publicKey(bob));
        byte[] bobShared = X25519Keys.agree(bob, X25519Keys.publicKey(alice));

        assertThat(aliceShared)
                .hasSize(X25519Keys.KEY_LENGTH)
                .isEqualTo(bobShared)
                .isNotEqualTo(new byte[32]);
    }

    @Test
    void shouldThrowLowOrderPointWhenThePublicKeyIsZeroOrOne() {
        byte[] privateKey = X25519Keys.generatePrivateKey(new SecureRandom());
        byte[] one = new byte[32];
        one[0] = 1;
        assertThatThrownBy(() -> X25519Keys.agree(privateKey, new byte[32])).isInstanceOf(LowOrderPointException.class);
        assertThatThrownBy(() -> X25519Keys.agree(privateKey, one)).isInstanceOf(LowOrderPointException.class);
    }

    @Test
    void shouldThrowIllegalArgumentWhenAKeyHasTheWrongLength() {
        assertThatThrownBy(() -> X25519Keys.agree(new byte[31], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X25519Keys.agree(new byte[32], new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X25519Keys.publicKey(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
